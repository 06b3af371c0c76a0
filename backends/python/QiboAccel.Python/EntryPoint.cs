using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Python.Bridge;

namespace QiboAccel.Python;

/// <summary>
/// The library's only exported symbol, and the behaviour it registers with the kit's function table
/// (<see cref="ApiTable"/>, which checks every argument, so Python code only sees valid requests): backend_create
/// starts the embedded interpreter (once per process), imports qibo_backend_NAME and calls its create_backend().
/// </summary>
public sealed unsafe class EntryPoint : BackendImplementation
{
    private static readonly EntryPoint Implementation = new();

    /// <summary>qibo_backend_get_api: the version handshake (see <see cref="ApiTable.Answer"/>).</summary>
    [UnmanagedCallersOnly(EntryPoint = "qibo_backend_get_api", CallConvs = [typeof(CallConvCdecl)])]
    public static QiboErrorCode GetApi(QiboApiRequest* request) => ApiTable.Answer(request, Implementation);

    /// <summary>Options: see <see cref="BridgeOptions"/>.</summary>
    public override BackendInstance CreateBackend(string options) => PythonBackend.Create(BridgeOptions.Parse(options));

    /// <inheritdoc />
    public override OptionalSlots OptionalSlots => OptionalSlots.AllOf1_1;
}
