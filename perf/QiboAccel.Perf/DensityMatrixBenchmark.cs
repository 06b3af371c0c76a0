using BenchmarkDotNet.Attributes;
using QiboAccel.Benchmarking;
using QiboAccel.Circuits;
using QiboAccel.Execution;

namespace QiboAccel.Perf;

/// <summary>
/// Density-matrix gate throughput on cpu against state-vector throughput at the same memory size: ρ on n qubits
/// is a 2n-qubit vector and every gate is applied twice (U on the rows, conj(U) on the columns); the 5-layer
/// variational circuit on 2n qubits has twice the gates of the one on n, so equal gate throughput shows as ratio 1.
/// </summary>
public class DensityMatrixBenchmark : IDisposable
{
    private IBackend _backend = null!;
    private Circuit _onN = null!;
    private Circuit _on2N = null!;

    [Params(8, 10, 11)]
    public int Qubits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = PerfBackends.LoadSpec("cpu");
        _onN = BenchmarkCircuits.Variational(Qubits, layers: 5, seed: 1);
        _on2N = BenchmarkCircuits.Variational(2 * Qubits, layers: 5, seed: 1);
    }

    [Benchmark(Baseline = true, Description = "state vector, 2n qubits")]
    public void StateVector() => _backend.Execute(_on2N, seed: 1, returnState: false);

    [Benchmark(Description = "density matrix, n qubits")]
    public void DensityMatrix() => _backend.Execute(_onN, seed: 1, returnState: false, densityMatrix: true);

    [GlobalCleanup]
    public void Dispose()
    {
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
