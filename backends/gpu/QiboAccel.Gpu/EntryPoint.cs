using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.Gpu;

/// <summary>
/// The library's only exported symbol, and the behaviour it registers with the kit's function table
/// (<see cref="ApiTable"/>, which checks every argument): one backend per device ("cuda:N", "opencl:N", or "" for the
/// first found).
/// </summary>
public sealed unsafe class EntryPoint : BackendImplementation
{
    private static readonly EntryPoint Implementation = new();

    /// <summary>qibo_backend_get_api: the version handshake (see <see cref="ApiTable.Answer"/>).</summary>
    [UnmanagedCallersOnly(EntryPoint = "qibo_backend_get_api", CallConvs = [typeof(CallConvCdecl)])]
    public static QiboErrorCode GetApi(QiboApiRequest* request) => ApiTable.Answer(request, Implementation);

    /// <inheritdoc />
    public override BackendInstance CreateBackend(string options) => new GpuBackend(options);

    /// <inheritdoc />
    public override OptionalSlots OptionalSlots => OptionalSlots.AllOf1_1;
}

/// <summary>A <see cref="GpuState"/> as the kit's exports see it.</summary>
internal sealed unsafe class GpuEdgeState(GpuState state) : BackendState(state.NQubits, state.Precision)
{
    /// <summary>The device state.</summary>
    public GpuState State => state;

    public override void Reset() => state.Reset();

    public override void GetAmplitudes(ulong offset, ulong count, void* destination) => state.GetAmplitudes(offset, count, destination);

    public override void SetAmplitudes(ulong offset, ulong count, void* source) => state.SetAmplitudes(offset, count, source);

    public override void Apply(in CircuitBatch batch) => state.Apply(batch.Ops, batch.Randoms, batch.Cbits);

    public override void Probabilities(in QubitSelection qubits, double* output) => state.Marginal(qubits.Bits, output);

    public override void Sample(in QubitSelection qubits, ulong shots, double* randoms, ulong* outcomes) =>
        state.Sample(qubits.Bits, shots, randoms, outcomes);

    public override void CopyTo(BackendState destination) => state.CopyTo(((GpuEdgeState)destination).State);

    public override (double Re, double Im) InnerProduct(BackendState ket) => state.InnerProduct(((GpuEdgeState)ket).State);

    public override double Expectation(ReadOnlySpan<PauliString> terms) => state.Expectation(terms);

    public override void Dispose()
    {
        state.Dispose();
        base.Dispose();
    }
}
