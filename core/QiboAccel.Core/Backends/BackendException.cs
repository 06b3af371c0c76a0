using QiboAccel.Abi;

namespace QiboAccel;

/// <summary>An error reported by a backend through the ABI, or by the loader about a backend.</summary>
public sealed class BackendException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackendException(QiboErrorCode code, string message, long opIndex = -1, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        OpIndex = opIndex;
    }

    /// <summary>The ABI error category.</summary>
    public QiboErrorCode Code { get; }

    /// <summary>Index of the failing record in the batch, or -1.</summary>
    public long OpIndex { get; }
}
