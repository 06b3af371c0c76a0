using QiboAccel.Benchmarking;
using BenchmarkDotNet.Attributes;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Perf;

/// <summary>
/// Issue #2's speed target: a layer of H on every qubit of a 24-qubit state, per gate, against one in-place
/// read-modify-write pass over the same number of bytes, same threads, same run. Ratio ≤ 1.25 is the target.
/// </summary>
[MemoryDiagnoser(false)]
public class HLayerBenchmark : IDisposable
{
    private IBackend _backend = null!;
    private IQuantumState _state = null!;
    private MemoryPass _pass = null!;
    private OpBatch _layer = null!;

    private const int GatesPerInvoke = 24;

    [Params(20, 24)]
    public int Qubits { get; set; }

    [Params(Precision.Double, Precision.Single)]
    public Precision Precision { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = PerfBackends.Load("cpu.json", $"threads={Threads}");
        _state = _backend.CreateState(Qubits, Precision);
        _pass = new MemoryPass((1L << Qubits) * Precision.BytesPerAmplitude());
        // 24 H gates: a full layer at 24 qubits; at fewer qubits the layer wraps round to the first qubits again.
        _layer = new OpBatch(Qubits);
        for (int i = 0; i < GatesPerInvoke; i++) Lowering.AddGate(_layer, Gate.Create(GateKind.H, [i % Qubits]), _backend.Info);
    }

    [Benchmark(Baseline = true, Description = "read-modify-write pass")]
    public void Pass() => _pass.Run(Threads);

    /// <summary>Reported per gate: one call applies the whole layer as one batch.</summary>
    [Benchmark(Description = "H gate (per gate, in a layer)", OperationsPerInvoke = GatesPerInvoke)]
    public void HGate() => _state.Apply(_layer);

    [GlobalCleanup]
    public void Dispose()
    {
        _state?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
