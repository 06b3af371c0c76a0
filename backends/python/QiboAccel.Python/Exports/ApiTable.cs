using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.Python.Exports;

/// <summary>
/// The library's only exported symbol, <c>qibo_backend_get_api</c>, and the function table it hands out. The table
/// is allocated once in native memory and lives for the rest of the process (the library is never unloaded).
/// </summary>
public static unsafe class ApiTable
{
    private static nint s_table;

    /// <summary>
    /// The version handshake: fills backend_major/minor whenever struct_size has room for them; returns
    /// INVALID_ARGUMENT for a NULL or undersized request, VERSION_MISMATCH (api = NULL) when the host's major
    /// version differs, and OK with the table otherwise.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "qibo_backend_get_api", CallConvs = [typeof(CallConvCdecl)])]
    public static QiboErrorCode GetApi(QiboApiRequest* request)
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
            request->Api = Table;
            return QiboErrorCode.Ok;
        }
        catch
        {
            return QiboErrorCode.Internal;
        }
    }

    private static QiboBackendApi* Table
    {
        get
        {
            nint table = Volatile.Read(ref s_table);
            if (table != 0) return (QiboBackendApi*)table;
            table = (nint)Build();
            nint previous = Interlocked.CompareExchange(ref s_table, table, 0);
            if (previous == 0) return (QiboBackendApi*)table;
            NativeMemory.Free((void*)table); // another thread won the race
            return (QiboBackendApi*)previous;
        }
    }

    private static QiboBackendApi* Build()
    {
        var table = (QiboBackendApi*)NativeMemory.AllocZeroed((nuint)sizeof(QiboBackendApi));
        table->StructSize = (nuint)sizeof(QiboBackendApi);
        table->AbiMajor = AbiVersion.Major;
        table->AbiMinor = AbiVersion.Minor;

        table->ErrorCode = &ErrorExports.Code;
        table->ErrorMessage = &ErrorExports.Message;
        table->ErrorOpIndex = &ErrorExports.OpIndex;
        table->ErrorDestroy = &ErrorExports.Destroy;

        table->BackendCreate = &BackendExports.Create;
        table->BackendDestroy = &BackendExports.Destroy;
        table->BackendGetInfo = &BackendExports.GetInfo;

        table->StateCreate = &StateExports.Create;
        table->StateDestroy = &StateExports.Destroy;
        table->StateReset = &StateExports.Reset;
        table->StateSetAmplitudes = &StateExports.SetAmplitudes;
        table->StateGetAmplitudes = &StateExports.GetAmplitudes;
        table->StateApply = &StateExports.Apply;
        table->StateProbabilities = &StateExports.Probabilities;
        table->StateSample = &StateExports.Sample;
        return table;
    }
}
