using QiboAccel.Abi;

namespace QiboAccel.Cpu.Errors;

/// <summary>
/// A failure with an ABI error code. Thrown anywhere inside the backend and turned into a
/// <see cref="NativeError"/> by the export that was called; it never crosses the ABI as an exception.
/// </summary>
internal sealed class CpuException(QiboErrorCode code, string message, long opIndex = -1) : Exception(message)
{
    /// <summary>The ABI error code reported to the host.</summary>
    public QiboErrorCode Code { get; } = code;

    /// <summary>Index of the failing operation of the circuit passed to state_apply, or -1.</summary>
    public long OpIndex { get; } = opIndex;

    /// <summary>QIBO_ERROR_INVALID_ARGUMENT.</summary>
    public static CpuException Invalid(string message, long opIndex = -1) => new(QiboErrorCode.InvalidArgument, message, opIndex);

    /// <summary>QIBO_ERROR_UNSUPPORTED.</summary>
    public static CpuException Unsupported(string message, long opIndex = -1) => new(QiboErrorCode.Unsupported, message, opIndex);

    /// <summary>QIBO_ERROR_OUT_OF_MEMORY naming the request.</summary>
    public static CpuException OutOfMemory(ulong bytes, string what) =>
        new(QiboErrorCode.OutOfMemory, $"out of memory: cannot allocate {bytes} bytes for {what}");
}
