using QiboAccel.Abi;

namespace QiboAccel.Python.Errors;

/// <summary>
/// A failure with an ABI error code. Thrown anywhere inside the bridge (including for a Python exception, already
/// formatted) and turned into a <see cref="NativeError"/> by the export that was called; it never crosses the ABI.
/// </summary>
internal sealed class BridgeException(QiboErrorCode code, string message, long opIndex = -1) : Exception(message)
{
    /// <summary>The ABI error code reported to the host.</summary>
    public QiboErrorCode Code { get; } = code;

    /// <summary>Index of the failing operation of the circuit passed to state_apply, or -1.</summary>
    public long OpIndex { get; } = opIndex;

    /// <summary>QIBO_ERROR_INVALID_ARGUMENT.</summary>
    public static BridgeException Invalid(string message, long opIndex = -1) => new(QiboErrorCode.InvalidArgument, message, opIndex);

    /// <summary>QIBO_ERROR_UNSUPPORTED.</summary>
    public static BridgeException Unsupported(string message, long opIndex = -1) => new(QiboErrorCode.Unsupported, message, opIndex);

    /// <summary>QIBO_ERROR_DEVICE: the Python runtime (interpreter, numpy) is missing or broken.</summary>
    public static BridgeException Runtime(string message) => new(QiboErrorCode.Device, message);

    /// <summary>QIBO_ERROR_INTERNAL.</summary>
    public static BridgeException Internal(string message) => new(QiboErrorCode.Internal, message);
}
