using BenchmarkDotNet.Attributes;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Perf;

/// <summary>
/// One gate of each kernel family on each backend, at several sizes, through the ABI like any user:
/// a 1-qubit dense gate (U3), a 2-qubit gate (fSim), a controlled gate (CRX), a diagonal (RZ), a permutation (CNOT),
/// and a fused 4-qubit dense block (Unitary). Each invocation applies the gate once to every qubit position in turn.
/// </summary>
[MemoryDiagnoser(false)]
public class GateKernelBenchmark : IDisposable
{
    private IBackend _backend = null!;
    private IQuantumState _state = null!;
    private OpBatch _batch = null!;

    [Params("cpu", "gpu", "python@numpy", "example-c")]
    public string Backend { get; set; } = "cpu";

    [Params(16, 20)]
    public int Qubits { get; set; }

    [Params("u3", "fsim", "crx", "rz", "cnot", "fused4")]
    public string Gate { get; set; } = "u3";

    [GlobalSetup]
    public void Setup()
    {
        _backend = PerfBackends.LoadSpec(Backend);
        _state = _backend.CreateState(Qubits);
        _batch = new OpBatch(Qubits);
        var rng = new Random(1);
        var fused = RandomUnitary(4, rng);
        for (int q = 0; q < Qubits; q++)
        {
            int a = q, b = (q + 1) % Qubits, c = (q + 2) % Qubits, d = (q + 3) % Qubits;
            Gate g = Gate switch
            {
                "u3" => Gates.Gate.Create(GateKind.U3, [a], 0.1, 0.2, 0.3),
                "fsim" => Gates.Gate.Create(GateKind.fSim, [a, b], 0.4, 0.5),
                "crx" => Gates.Gate.Create(GateKind.CRX, [b, a], 0.6),
                "rz" => Gates.Gate.Create(GateKind.RZ, [a], 0.7),
                "cnot" => Gates.Gate.Create(GateKind.CNOT, [b, a]),
                _ => Gates.Gate.Unitary(fused, a, b, c, d),
            };
            Lowering.AddGate(_batch, g, _backend.Info);
        }
    }

    /// <summary>Per gate: the batch holds one gate per qubit.</summary>
    [Benchmark]
    public void ApplyPerGate() => _state.Apply(_batch);

    [GlobalCleanup]
    public void Dispose()
    {
        _state?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }

    private static System.Numerics.Complex[] RandomUnitary(int k, Random rng)
    {
        // A product of random 1-qubit unitaries is enough for timing (the kernel does not look at structure).
        int dim = 1 << k;
        var m = new System.Numerics.Complex[dim * dim];
        for (int i = 0; i < dim; i++) m[i * dim + (i * 7 + 3) % dim] = System.Numerics.Complex.FromPolarCoordinates(1, rng.NextDouble());
        return m;
    }
}
