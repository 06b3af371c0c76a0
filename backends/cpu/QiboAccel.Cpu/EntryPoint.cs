using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.Cpu;

/// <summary>
/// The library's only exported symbol, and the behaviour it registers with the kit's function table
/// (<see cref="ApiTable"/>, which checks every argument): backends configured by <see cref="BackendOptions"/>.
/// </summary>
public sealed unsafe class EntryPoint : BackendImplementation
{
    private static readonly EntryPoint Implementation = new();

    /// <summary>qibo_backend_get_api: the version handshake (see <see cref="ApiTable.Answer"/>).</summary>
    [UnmanagedCallersOnly(EntryPoint = "qibo_backend_get_api", CallConvs = [typeof(CallConvCdecl)])]
    public static QiboErrorCode GetApi(QiboApiRequest* request) => ApiTable.Answer(request, Implementation);

    /// <inheritdoc />
    public override BackendInstance CreateBackend(string options) => new CpuBackend(BackendOptions.Parse(options));

    /// <inheritdoc />
    public override OptionalSlots OptionalSlots => OptionalSlots.AllOf1_1;
}
