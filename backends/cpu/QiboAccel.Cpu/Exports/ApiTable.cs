using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.Cpu.Exports;

/// <summary>
/// The library's only exported symbol, <c>qibo_backend_get_api</c>, and the function table it hands out. The table
/// is allocated once in native memory and lives for the rest of the process (the library is never unloaded).
/// </summary>
public static unsafe class ApiTable
{
    private static nint s_table;

    /// <summary>The version handshake (see <see cref="Handshake.Answer"/>).</summary>
    [UnmanagedCallersOnly(EntryPoint = "qibo_backend_get_api", CallConvs = [typeof(CallConvCdecl)])]
    public static QiboErrorCode GetApi(QiboApiRequest* request) => Handshake.Answer(request, &GetTable);

    private static QiboBackendApi* GetTable() => Table;

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
        QiboBackendApi* table = Handshake.NewTable();

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
