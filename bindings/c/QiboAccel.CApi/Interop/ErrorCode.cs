namespace QiboAccel.CApi.Interop;

/// <summary>qiboaccel_error_code. 1–6 equal backend.h's qibo_error_code, so a backend's code passes through.</summary>
internal enum ErrorCode : uint
{
    Ok = 0,
    InvalidArgument = 1,
    Unsupported = 2,
    OutOfMemory = 3,
    VersionMismatch = 4,
    Device = 5,
    Internal = 6,
    Parse = 7,
    IO = 8,
    BackendNotFound = 9,
}

/// <summary>An error raised by this library itself, with its code; the message is the one line the caller sees.</summary>
internal sealed class CApiException(ErrorCode code, string message) : Exception(message)
{
    public ErrorCode Code { get; } = code;

    public static CApiException Invalid(string message) => new(ErrorCode.InvalidArgument, message);
}
