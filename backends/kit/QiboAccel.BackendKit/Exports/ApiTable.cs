using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// The version handshake behind a library's <c>qibo_backend_get_api</c>, and the function table it hands out. Each
/// backend keeps only its entry point, which must live in the backend's own assembly (NativeAOT exports the
/// UnmanagedCallersOnly entry points of the assembly it publishes):
/// <code>
/// [UnmanagedCallersOnly(EntryPoint = "qibo_backend_get_api", CallConvs = [typeof(CallConvCdecl)])]
/// public static QiboErrorCode GetApi(QiboApiRequest* request) => ApiTable.Answer(request, MyImplementation.Instance);
/// </code>
/// The table is built once per process, in native memory, and lives for the rest of it (libraries are never unloaded).
/// </summary>
public static unsafe class ApiTable
{
    private static BackendImplementation? s_implementation;
    private static nint s_table;

    /// <summary>The library's registered implementation (the first one handed to <see cref="Answer"/>).</summary>
    internal static BackendImplementation Implementation =>
        Volatile.Read(ref s_implementation) ?? throw BackendFault.Internal("no backend implementation is registered (qibo_backend_get_api was never called)");

    /// <summary>
    /// Answers a request for <paramref name="implementation"/>: fills backend_major/minor whenever struct_size has room
    /// for them; INVALID_ARGUMENT for a NULL request or one smaller than ABI 1.0's, VERSION_MISMATCH (api = NULL)
    /// when the host's major version differs, and OK with the table otherwise. Never throws.
    /// </summary>
    public static QiboErrorCode Answer(QiboApiRequest* request, BackendImplementation implementation)
    {
        try
        {
            if (request == null) return QiboErrorCode.InvalidArgument;
            nuint size = request->StructSize;
            byte* start = (byte*)request;
            if (size >= (nuint)((byte*)&request->BackendMajor - start + sizeof(uint))) request->BackendMajor = AbiVersion.Major;
            if (size >= (nuint)((byte*)&request->BackendMinor - start + sizeof(uint))) request->BackendMinor = AbiVersion.Minor;
            if (size < QiboApiRequest.V1_0) return QiboErrorCode.InvalidArgument;
            request->Api = null;
            if (request->HostMajor != AbiVersion.Major) return QiboErrorCode.VersionMismatch;
            Interlocked.CompareExchange(ref s_implementation, implementation, null);
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
            table = (nint)Build(Implementation.OptionalSlots);
            nint previous = Interlocked.CompareExchange(ref s_table, table, 0);
            if (previous == 0) return (QiboBackendApi*)table;
            NativeMemory.Free((void*)table); // another thread won the race
            return (QiboBackendApi*)previous;
        }
    }

    private static QiboBackendApi* Build(OptionalSlots optional)
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
        table->StateSetAmplitudes = &StateExports.SetAmplitudes;
        table->StateGetAmplitudes = &StateExports.GetAmplitudes;
        table->StateApply = &StateExports.Apply;

        // Optional slots stay NULL ("not supported") unless the implementation says it fills them.
        if (optional.HasFlag(OptionalSlots.StateReset)) table->StateReset = &StateExports.Reset;
        if (optional.HasFlag(OptionalSlots.StateProbabilities)) table->StateProbabilities = &StateExports.Probabilities;
        if (optional.HasFlag(OptionalSlots.StateSample)) table->StateSample = &StateExports.Sample;
        if (optional.HasFlag(OptionalSlots.StateCopy)) table->StateCopy = &StateExports.Copy;
        if (optional.HasFlag(OptionalSlots.StateInnerProduct)) table->StateInnerProduct = &StateExports.InnerProduct;
        if (optional.HasFlag(OptionalSlots.StateExpectation)) table->StateExpectation = &StateExports.Expectation;
        return table;
    }
}
