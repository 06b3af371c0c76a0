using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// A failure with an ABI error code. Thrown anywhere inside a backend and turned into a <see cref="NativeError"/>
/// by the export that was called; it never crosses the ABI as an exception.
/// </summary>
public sealed class BackendFault(QiboErrorCode code, string message, long opIndex = -1) : Exception(message)
{
    /// <summary>The ABI error code reported to the host.</summary>
    public QiboErrorCode Code { get; } = code;

    /// <summary>Index of the failing operation of the circuit passed to state_apply, or -1.</summary>
    public long OpIndex { get; } = opIndex;

    /// <summary>For device errors: true when the driver reported a lack of memory.</summary>
    public bool IsAllocationFailure { get; init; }

    /// <summary>QIBO_ERROR_INVALID_ARGUMENT.</summary>
    public static BackendFault Invalid(string message, long opIndex = -1) => new(QiboErrorCode.InvalidArgument, message, opIndex);

    /// <summary>QIBO_ERROR_UNSUPPORTED.</summary>
    public static BackendFault Unsupported(string message, long opIndex = -1) => new(QiboErrorCode.Unsupported, message, opIndex);

    /// <summary>QIBO_ERROR_DEVICE: a driver, device or embedded runtime failed or is missing.</summary>
    public static BackendFault Device(string message, bool allocationFailure = false) =>
        new(QiboErrorCode.Device, message) { IsAllocationFailure = allocationFailure };

    /// <summary>QIBO_ERROR_OUT_OF_MEMORY.</summary>
    public static BackendFault OutOfMemory(string message) => new(QiboErrorCode.OutOfMemory, message);

    /// <summary>QIBO_ERROR_OUT_OF_MEMORY naming the request.</summary>
    public static BackendFault OutOfMemory(ulong bytes, string what) =>
        new(QiboErrorCode.OutOfMemory, $"out of memory: cannot allocate {bytes} bytes for {what}");

    /// <summary>QIBO_ERROR_INTERNAL.</summary>
    public static BackendFault Internal(string message) => new(QiboErrorCode.Internal, message);

    /// <summary>The same error attributed to operation <paramref name="opIndex"/> (unless it already names one).</summary>
    public BackendFault At(long opIndex) => OpIndex >= 0 ? this : new(Code, Message, opIndex) { IsAllocationFailure = IsAllocationFailure };
}
