using BenchmarkDotNet.Attributes;
using QiboAccel.Benchmarking;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Perf;

/// <summary>
/// Issue #16, small circuits: a 10-qubit QFT (60 gates on 1024 amplitudes), where the arithmetic is a few
/// microseconds and everything else is per-execution overhead: the backend's planning, record decoding and thread
/// wake-up (<c>state_apply</c> of the lowered batch on a reused state), and the host's checks, lowering and result
/// (<c>Execute</c>). The cpu backend keeps the prepared form of small circuits (batch_cache): the same batch or circuit
/// applied again skips its decoding and planning, so <c>Execute, new circuit</c> cycles through circuits it has not
/// seen (<see cref="SmallCircuits.Variants"/>). example-c, the naive single-threaded C template backend, is the floor
/// for the call itself.
/// <code>dotnet run -c Release --project perf/QiboAccel.Perf -- --filter '*SmallCircuit*'</code>
/// </summary>
public class SmallCircuitBenchmark : IDisposable
{
    private IBackend _backend = null!;
    private IQuantumState _state = null!;
    private OpBatch _batch = null!;
    private Circuit _circuit = null!;
    private Circuit[] _variants = null!;
    private int _next;

    /// <summary>The backend: cpu with its defaults, cpu on one thread, and the naive C template.</summary>
    [Params("cpu", "cpu:threads=1", "cpu:batch_cache=off", "example-c")]
    public string Backend { get; set; } = "cpu";

    [GlobalSetup]
    public void Setup()
    {
        _backend = Backend.StartsWith("cpu:", StringComparison.Ordinal) ? PerfBackends.Load("cpu.json", Backend[4..]) : PerfBackends.LoadSpec(Backend);
        _circuit = BenchmarkCircuits.Qft(SmallCircuits.Qubits);
        _variants = SmallCircuits.Variants(64);
        _state = _backend.CreateState(SmallCircuits.Qubits);
        _batch = new OpBatch(SmallCircuits.Qubits);
        foreach (Operation op in _circuit.Operations) Lowering.AddGate(_batch, (Gate)op, _backend.Info);
    }

    /// <summary>The lowered circuit applied to a reused state: what the backend itself costs.</summary>
    [Benchmark(Baseline = true, Description = "state_apply (QFT 10)")]
    public void Apply() => _state.Apply(_batch);

    /// <summary>The whole host path: checks, lowering, a fresh state, the run, no state copied back.</summary>
    [Benchmark(Description = "Execute (QFT 10)")]
    public ExecutionResult Execute() => _backend.Execute(_circuit, returnState: false);

    /// <summary>The whole host path for a circuit the backend has not seen before (QFT 10 and one RZ).</summary>
    [Benchmark(Description = "Execute, new circuit (QFT 10 + RZ)")]
    public ExecutionResult ExecuteNew() => _backend.Execute(_variants[_next++ % _variants.Length], returnState: false);

    [GlobalCleanup]
    public void Dispose()
    {
        _state?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
