using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>The version handshake of qibo_backend_get_api, and the once-per-process function table behind it.</summary>
public static unsafe class Handshake
{
    /// <summary>
    /// Answers a request: fills backend_major/minor whenever struct_size has room for them; INVALID_ARGUMENT for a
    /// NULL or undersized request, VERSION_MISMATCH (api = NULL) when the host's major version differs, and OK with
    /// <paramref name="table"/> otherwise. Never throws.
    /// </summary>
    public static QiboErrorCode Answer(QiboApiRequest* request, delegate*<QiboBackendApi*> table)
    {
        try
        {
            if (request == null) return QiboErrorCode.InvalidArgument;
            nuint size = request->StructSize;
            byte* start = (byte*)request;
            if (size >= (nuint)((byte*)&request->BackendMajor - start + sizeof(uint))) request->BackendMajor = AbiVersion.Major;
            if (size >= (nuint)((byte*)&request->BackendMinor - start + sizeof(uint))) request->BackendMinor = AbiVersion.Minor;
            if (size < (nuint)sizeof(QiboApiRequest)) return QiboErrorCode.InvalidArgument;
            request->Api = null;
            if (request->HostMajor != AbiVersion.Major) return QiboErrorCode.VersionMismatch;
            request->Api = table();
            return QiboErrorCode.Ok;
        }
        catch
        {
            return QiboErrorCode.Internal;
        }
    }

    /// <summary>
    /// A zeroed table of ABI 1.0 size with the header fields and the error slots filled; the caller fills the rest.
    /// It lives in native memory for the rest of the process (libraries are never unloaded).
    /// </summary>
    public static QiboBackendApi* NewTable()
    {
        var table = (QiboBackendApi*)NativeMemory.AllocZeroed((nuint)sizeof(QiboBackendApi));
        table->StructSize = (nuint)sizeof(QiboBackendApi);
        table->AbiMajor = AbiVersion.Major;
        table->AbiMinor = AbiVersion.Minor;
        table->ErrorCode = &ErrorExports.Code;
        table->ErrorMessage = &ErrorExports.Message;
        table->ErrorOpIndex = &ErrorExports.OpIndex;
        table->ErrorDestroy = &ErrorExports.Destroy;
        return table;
    }
}
