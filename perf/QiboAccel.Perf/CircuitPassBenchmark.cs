using QiboAccel.Benchmarking;
using BenchmarkDotNet.Attributes;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Perf;

/// <summary>
/// Issue #3's targets, in pass-times: whole circuits applied as one batch (one state_apply, as the executor does),
/// divided by one in-place read-modify-write pass over the same number of bytes, same threads, same run. The
/// baseline is the pass, so BenchmarkDotNet's Ratio column is the circuit's cost in pass-times. Targets at 24 and 26
/// qubits, complex128, 2 threads: hlayers ≤ 118, variational ≤ 118, QFT ≤ 165 (qibojit: 355, 356, 500).
/// <c>Mode</c> is the cpu backend's option string: "" (fusion and cache blocking, the default), "fusion=off"
/// (blocking only) and, at up to 22 qubits, "fusion=off,blocking=off" (gate by gate).
/// <code>dotnet run -c Release --project perf/QiboAccel.Perf -- --filter '*CircuitPass*'</code>
/// </summary>
[Config(typeof(Config))]
public class CircuitPassBenchmark : IDisposable
{
    /// <summary>Few iterations: a 26-qubit complex128 state is 1 GiB and a gate-by-gate circuit takes seconds.</summary>
    private sealed class Config : LongRunConfig
    {
        public Config() : base("circuit", 5) { }
    }

    private const int Threads = 2;

    private IBackend _backend = null!;
    private IQuantumState _state = null!;
    private MemoryPass _pass = null!;
    private OpBatch _hlayers = null!, _variational = null!, _qft = null!;

    [Params(20, 22, 24, 26)]
    public int Qubits { get; set; }

    [Params(Precision.Double, Precision.Single)]
    public Precision Precision { get; set; }

    [Params("", "fusion=off")]
    public string Mode { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _backend = PerfBackends.Load("cpu.json", Mode.Length == 0 ? $"threads={Threads}" : $"threads={Threads},{Mode}");
        _state = _backend.CreateState(Qubits, Precision);
        _pass = new MemoryPass((1L << Qubits) * Precision.BytesPerAmplitude());
        _hlayers = Lower(BenchmarkCircuits.HLayers(Qubits, 10));
        _variational = Lower(BenchmarkCircuits.Variational(Qubits, 5, seed: 1));
        _qft = Lower(BenchmarkCircuits.Qft(Qubits));
    }

    private OpBatch Lower(Circuit circuit)
    {
        var batch = new OpBatch(circuit.NQubits);
        foreach (Operation op in circuit.Operations) Lowering.AddGate(batch, (Gate)op, _backend.Info);
        return batch;
    }

    [Benchmark(Baseline = true, Description = "RMW pass")]
    public void Pass() => _pass.Run(Threads);

    [Benchmark(Description = "hlayers (10 x H on every qubit)")]
    public void HLayers() => _state.Apply(_hlayers);

    [Benchmark(Description = "variational (5 x [RY all, CZ even, CZ odd])")]
    public void Variational() => _state.Apply(_variational);

    [Benchmark(Description = "QFT")]
    public void Qft() => _state.Apply(_qft);

    [GlobalCleanup]
    public void Dispose()
    {
        _state?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
