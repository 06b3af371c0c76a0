// Ported from abi/include/qibo/backend.h (qibo_error_code).
namespace QiboAccel.Abi;

/// <summary>qibo_error_code: the category of a failed call.</summary>
public enum QiboErrorCode : uint
{
    /// <summary>QIBO_OK</summary>
    Ok = 0,
    /// <summary>QIBO_ERROR_INVALID_ARGUMENT: bad pointer, size, qubit, kind.</summary>
    InvalidArgument = 1,
    /// <summary>QIBO_ERROR_UNSUPPORTED: a valid request this backend cannot do.</summary>
    Unsupported = 2,
    /// <summary>QIBO_ERROR_OUT_OF_MEMORY: host or device allocation failed.</summary>
    OutOfMemory = 3,
    /// <summary>QIBO_ERROR_VERSION_MISMATCH: ABI major versions differ.</summary>
    VersionMismatch = 4,
    /// <summary>QIBO_ERROR_DEVICE: driver or device failure.</summary>
    Device = 5,
    /// <summary>QIBO_ERROR_INTERNAL: a bug in the backend.</summary>
    Internal = 6,
}
