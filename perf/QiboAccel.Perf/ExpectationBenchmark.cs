using BenchmarkDotNet.Attributes;
using QiboAccel.Benchmarking;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Observables;

namespace QiboAccel.Perf;

/// <summary>
/// Issue #15: an expectation value of a Pauli sum (Σ ZᵢZᵢ₊₁ + 0.5·Σ Xᵢ) evaluated on the backend's memory (ABI 1.1's
/// state_expectation) against copying the amplitudes out and evaluating on the host (what a 1.0 backend gets).
/// <code>dotnet run -c Release --project perf/QiboAccel.Perf -- --filter '*Expectation*'</code>
/// </summary>
[Config(typeof(Config))]
public class ExpectationBenchmark : IDisposable
{
    private sealed class Config : LongRunConfig
    {
        public Config() : base("expectation", 5) { }
    }

    private IBackend _backend = null!;
    private IQuantumState _state = null!;
    private Observable _observable = null!;

    /// <summary>The backend (cpu, gpu).</summary>
    [Params("cpu")]
    public string Backend { get; set; } = "cpu";

    /// <summary>Qubits.</summary>
    [Params(20, 22, 24)]
    public int Qubits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = PerfBackends.LoadSpec(Backend);
        _state = _backend.CreateState(Qubits);
        var batch = new OpBatch(Qubits);
        foreach (Circuits.Operation op in BenchmarkCircuits.Variational(Qubits, 2, seed: 1).Operations) Lowering.AddGate(batch, (Gate)op, _backend.Info);
        _state.Apply(batch);
        var terms = Enumerable.Range(0, Qubits - 1).Select(q => $"Z{q}*Z{q + 1}").Concat(Enumerable.Range(0, Qubits).Select(q => $"0.5*X{q}"));
        _observable = Observable.Parse(string.Join(" + ", terms));
    }

    [Benchmark(Baseline = true, Description = "copy amplitudes out, evaluate on the host")]
    public double Host() => StateFallbacks.Expectation(_state, _observable);

    [Benchmark(Description = "state_expectation on the backend")]
    public double OnBackend() => _state.Expectation(_observable);

    [GlobalCleanup]
    public void Dispose()
    {
        _state?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
