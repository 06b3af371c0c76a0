using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.NativeLoader;

/// <summary>Turns a qibo_error* into a <see cref="BackendException"/>, releasing the error object.</summary>
internal static unsafe class ErrorChannel
{
    /// <summary>Throws when <paramref name="error"/> is not NULL; the message starts with the backend's name.</summary>
    public static void Check(LoadedLibrary library, QiboError* error, string backendName)
    {
        if (error == null) return;
        QiboBackendApi* api = library.Api;
        QiboErrorCode code = api->ErrorCode(error);
        byte* text = api->ErrorMessage(error);
        string message = text == null ? "(no message)" : Marshal.PtrToStringUTF8((nint)text) ?? "(no message)";
        long opIndex = api->ErrorOpIndex(error);
        api->ErrorDestroy(error);
        if (code == QiboErrorCode.Ok) code = QiboErrorCode.Internal; // an error object must carry a failure code
        throw new BackendException(code, $"backend '{backendName}': {message}", opIndex);
    }
}
