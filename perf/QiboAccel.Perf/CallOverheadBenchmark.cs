using BenchmarkDotNet.Attributes;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Perf;

/// <summary>
/// What one ABI call costs on each backend: a single X gate on a 2-qubit state, where the gate itself is free.
/// This is the price of the bridge for python@numpy (GIL, buffer views, interpreter), of device submission for gpu.
/// </summary>
public class CallOverheadBenchmark : IDisposable
{
    private IBackend _backend = null!;
    private IQuantumState _state = null!;
    private OpBatch _batch = null!;

    [Params("cpu", "example-c", "python@numpy", "gpu")]
    public string Backend { get; set; } = "cpu";

    [GlobalSetup]
    public void Setup()
    {
        _backend = PerfBackends.LoadSpec(Backend);
        _state = _backend.CreateState(2);
        _batch = new OpBatch(2);
        Lowering.AddGate(_batch, Gate.Create(GateKind.X, [0]), _backend.Info);
    }

    [Benchmark]
    public void OneCall() => _state.Apply(_batch);

    [GlobalCleanup]
    public void Dispose()
    {
        _state?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
