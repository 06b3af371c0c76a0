using BenchmarkDotNet.Attributes;
using QiboAccel.Benchmarking;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gradients;
using QiboAccel.Observables;

namespace QiboAccel.Perf;

/// <summary>
/// Issue #15: the gradient of a hardware-efficient ansatz (RY and RZ on every qubit per layer, CZ ladders; 2·n·layers
/// parameters) with respect to every parameter, adjoint (one forward and one backward pass) against parameter shift
/// (two executions per parameter), for an Ising-like observable Σ ZᵢZᵢ₊₁ + 0.5·Σ Xᵢ. The baseline is one execution of
/// the circuit, so the Ratio column reads "circuit executions".
/// <code>dotnet run -c Release --project perf/QiboAccel.Perf -- --filter '*Gradient*'</code>
/// </summary>
[Config(typeof(Config))]
public class GradientBenchmark : IDisposable
{
    private sealed class Config : LongRunConfig
    {
        public Config() : base("gradient", 3) { }
    }

    private IBackend _backend = null!;
    private Circuit _circuit = null!, _bound = null!;
    private Observable _observable = null!;
    private double[] _values = null!;

    /// <summary>The backend (cpu, gpu, python@numpy).</summary>
    [Params("cpu")]
    public string Backend { get; set; } = "cpu";

    /// <summary>Qubits.</summary>
    [Params(20, 22)]
    public int Qubits { get; set; }

    /// <summary>Layers of the ansatz (3 layers = 6n parameters: 120 at 20 qubits).</summary>
    [Params(3)]
    public int Layers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = PerfBackends.LoadSpec(Backend);
        _circuit = BenchmarkCircuits.HardwareEfficient(Qubits, Layers);
        var rng = new Random(1);
        _values = [.. _circuit.Parameters.Select(_ => rng.NextDouble() * 2 * Math.PI)];
        _bound = _circuit.Bind(_values);
        var terms = Enumerable.Range(0, Qubits - 1).Select(q => $"Z{q}*Z{q + 1}").Concat(Enumerable.Range(0, Qubits).Select(q => $"0.5*X{q}"));
        _observable = Observable.Parse(string.Join(" + ", terms));
    }

    [Benchmark(Baseline = true, Description = "one execution + expectation")]
    public double Execution()
    {
        ExecutionResult r = _backend.Execute(_bound, returnState: true);
        return r.Expectation(_observable);
    }

    [Benchmark(Description = "gradient, adjoint")]
    public double Adjoint() => _backend.Gradient(_circuit, _observable, _values, GradientMethod.Adjoint).Gradient[0];

    [Benchmark(Description = "gradient, parameter shift")]
    public double ParameterShift() => _backend.Gradient(_circuit, _observable, _values, GradientMethod.ParameterShift).Gradient[0];

    [GlobalCleanup]
    public void Dispose()
    {
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
