using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Cpu.Distributed;
using QiboAccel.Cpu.Isa;

namespace QiboAccel.Cpu;

/// <summary>
/// The library's only exported symbol, and the behaviour it registers with the kit's function table
/// (<see cref="ApiTable"/>, which checks every argument): backends configured by <see cref="BackendOptions"/>, or, when
/// the options contain <c>mpi</c>, by <see cref="DistributedOptions"/> (one state split over the ranks of an MPI job).
/// </summary>
public sealed unsafe class EntryPoint : BackendImplementation
{
    private static readonly EntryPoint Implementation = new();

    /// <summary>
    /// qibo_backend_get_api: the version handshake (see <see cref="ApiTable.Answer"/>), answered by the AVX-512 build
    /// of this library instead when <see cref="KernelBuild"/> chooses it (it then hands out its own table).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "qibo_backend_get_api", CallConvs = [typeof(CallConvCdecl)])]
    public static QiboErrorCode GetApi(QiboApiRequest* request)
    {
        delegate* unmanaged[Cdecl]<QiboApiRequest*, QiboErrorCode> sibling = KernelBuild.Sibling;
        return sibling != null ? sibling(request) : ApiTable.Answer(request, Implementation);
    }

    /// <inheritdoc />
    public override BackendInstance CreateBackend(string options) =>
        DistributedOptions.TryParse(options, out DistributedOptions mpi, out string cpuOptions, out bool threadsGiven)
            ? DistributedBackend.Create(mpi, cpuOptions, threadsGiven)
            : new CpuBackend(BackendOptions.Parse(options));

    /// <inheritdoc />
    public override OptionalSlots OptionalSlots => OptionalSlots.AllOf1_1;
}
