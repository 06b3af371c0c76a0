using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Gradients;
using QiboAccel.Observables;
using QiboAccel.Tests.Suites;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Gradients;

/// <summary>
/// Adjoint gradients and parameter-shift gradients on every first-party backend, both against central finite differences
/// of an independent computation (reference simulator + dense Pauli matrices) on random circuits over every parametrised
/// gate kind, with controls, shared parameters and affine angles.
/// </summary>
public sealed class GradientTests : IDisposable
{
    private readonly Dictionary<string, IBackend> _backends = [];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in new[] { "cpu", "gpu", "python" })
        {
            for (int seed = 1; seed <= 3; seed++) data.Add(backend, seed);
        }
        // The C template implements ABI 1.1's slots itself; the Rust one is an ABI 1.0 backend (the host's fallbacks).
        data.Add("example-c", 4);
        data.Add("example-rust", 5);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AdjointAndParameterShiftMatchFiniteDifferences(string backendName, int seed)
    {
        var rng = new Random(seed);
        Circuit circuit = ParametrisedCircuits.Random(4, 5, rng);
        Observable observable = ParametrisedCircuits.RandomObservable(4, rng);
        double[] values = ParametrisedCircuits.RandomValues(5, rng);
        double[] expected = ParametrisedCircuits.ReferenceGradient(circuit, values, observable);
        double value = ParametrisedCircuits.ReferenceExpectation(circuit, values, observable);

        IBackend backend = Backend(backendName);
        GradientResult adjoint = backend.Gradient(circuit, observable, values, GradientMethod.Adjoint);
        GradientResult shift = backend.Gradient(circuit, observable, values, GradientMethod.ParameterShift);

        Assert.Equal(GradientMethod.Adjoint, adjoint.Method);
        Assert.Equal(GradientMethod.ParameterShift, shift.Method);
        Assert.Equal(value, adjoint.Value, 1e-10);
        Assert.Equal(value, shift.Value, 1e-10);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(adjoint.Gradient[i] - expected[i]) < 1e-6, $"adjoint d/d{circuit.Parameters[i].Name}: {adjoint.Gradient[i]} vs finite differences {expected[i]}");
            Assert.True(Math.Abs(shift.Gradient[i] - expected[i]) < 1e-6, $"shift d/d{circuit.Parameters[i].Name}: {shift.Gradient[i]} vs finite differences {expected[i]}");
            Assert.True(Math.Abs(shift.Gradient[i] - adjoint.Gradient[i]) < 1e-9, $"d/d{circuit.Parameters[i].Name}: adjoint {adjoint.Gradient[i]} vs shift {shift.Gradient[i]}");
        }
        Assert.Equal(2, adjoint.CircuitPasses);
        Assert.True(shift.CircuitPasses > 2 * values.Length, $"{shift.CircuitPasses} passes for {values.Length} parameters");
    }

    [Fact]
    public void AnAbi10BackendRunsEverythingThroughTheFallbacks()
    {
        IBackend rust = Backend("example-rust");
        Assert.Equal("1.0", rust.Info.AbiVersion);
        var rng = new Random(8);
        Circuit circuit = ParametrisedCircuits.Random(3, 2, rng);
        Observable observable = ParametrisedCircuits.RandomObservable(3, rng);
        double[] values = ParametrisedCircuits.RandomValues(2, rng);
        var sweep = rust.Sweep(circuit, [values, ParametrisedCircuits.RandomValues(2, rng)], observable);
        Assert.Equal(ParametrisedCircuits.ReferenceExpectation(circuit, values, observable), sweep.Points[0].Expectation!.Value, 1e-10);
        using IQuantumState a = rust.CreateState(3), b = rust.CreateState(3);
        a.Apply(LowerAll(circuit.Bind(values), rust.Info));
        a.CopyTo(b);
        Assert.Equal(1.0, b.InnerProduct(a).Real, 1e-12);
        Assert.Equal(ParametrisedCircuits.ReferenceExpectation(circuit, values, observable), b.Expectation(observable), 1e-10);
    }

    private static OpBatch LowerAll(Circuit circuit, BackendInfo info)
    {
        var batch = new OpBatch(circuit.NQubits);
        foreach (Operation op in circuit.Operations) Lowering.AddGate(batch, (Gate)op, info);
        return batch;
    }

    [Fact]
    public void EachParametrisedKindAloneWithAndWithoutControls()
    {
        IBackend backend = Backend("cpu");
        var rng = new Random(11);
        foreach (GateKind kind in ParametrisedCircuits.Kinds)
        {
            foreach (bool controls in new[] { false, true })
            {
                Circuit circuit = ParametrisedCircuits.Random(4, 2, rng, [kind], extraControls: controls);
                Observable observable = ParametrisedCircuits.RandomObservable(4, rng);
                double[] values = ParametrisedCircuits.RandomValues(2, rng);
                double[] expected = ParametrisedCircuits.ReferenceGradient(circuit, values, observable);
                double[] adjoint = backend.Gradient(circuit, observable, values, GradientMethod.Adjoint).Gradient;
                double[] shift = backend.Gradient(circuit, observable, values, GradientMethod.ParameterShift).Gradient;
                for (int i = 0; i < values.Length; i++)
                {
                    Assert.True(Math.Abs(adjoint[i] - expected[i]) < 1e-6, $"{kind} (controls: {controls}) adjoint {adjoint[i]} vs {expected[i]}\n{string.Join("\n", circuit.Operations)}");
                    Assert.True(Math.Abs(shift[i] - expected[i]) < 1e-6, $"{kind} (controls: {controls}) shift {shift[i]} vs {expected[i]}\n{string.Join("\n", circuit.Operations)}");
                }
            }
        }
    }

    [Fact]
    public void ManyControlsTakeTheSubtractionPath()
    {
        // 11 controls + 1 target exceed the cpu backend's 10-qubit matrices: ∂(C-U) is formed as C-∂U minus C-0.
        int n = 12;
        var circuit = new Circuit(n);
        var theta = circuit.AddParameter("theta");
        for (int q = 0; q < n; q++) circuit.Add(GateKind.H, [q]);
        circuit.Add(Gate.Parametrized(GateKind.RY, [0], theta).Controlled([.. Enumerable.Range(1, n - 1)]));
        circuit.AddParametrized(GateKind.RX, [3], 0.5 * theta);
        Observable observable = Observable.Parse("Z0 + 0.5*X0*Z3");
        double[] values = [0.9];
        double[] expected = ParametrisedCircuits.ReferenceGradient(circuit, values, observable);
        GradientResult adjoint = Backend("cpu").Gradient(circuit, observable, values, GradientMethod.Adjoint);
        Assert.Equal(expected[0], adjoint.Gradient[0], 1e-7);
    }

    [Fact]
    public void SinglePrecisionGradientsAreCloseToDouble()
    {
        var rng = new Random(5);
        Circuit circuit = ParametrisedCircuits.Random(5, 4, rng);
        Observable observable = ParametrisedCircuits.RandomObservable(5, rng);
        double[] values = ParametrisedCircuits.RandomValues(4, rng);
        double[] expected = ParametrisedCircuits.ReferenceGradient(circuit, values, observable);
        GradientResult single = Backend("cpu").Gradient(circuit, observable, values, GradientMethod.Adjoint, Precision.Single);
        for (int i = 0; i < values.Length; i++) Assert.True(Math.Abs(single.Gradient[i] - expected[i]) < 1e-4, $"{single.Gradient[i]} vs {expected[i]}");
    }

    [Fact]
    public void NoisyDensityMatrixGradientByParameterShiftMatchesFiniteDifferences()
    {
        var circuit = new Circuit(2);
        var a = circuit.AddParameter("a");
        var b = circuit.AddParameter("b");
        circuit.AddParametrized(GateKind.RX, [0], a);
        circuit.AddParametrized(GateKind.CRY, [0, 1], b - a);
        var noise = new QiboAccel.Noise.NoiseModel().Add(q => QiboAccel.Noise.Channel.Depolarizing(q, 0.1));
        var observable = Observable.Parse("Z0*Z1 + 0.3*X1");
        IBackend backend = Backend("cpu");
        double[] values = [0.4, -1.1];
        GradientResult g = backend.Gradient(circuit, observable, values, GradientMethod.Auto, densityMatrix: true, noise: noise);
        Assert.Equal(GradientMethod.ParameterShift, g.Method);
        double E(double[] v) => backend.Execute(circuit.Bind(v), densityMatrix: true, noise: noise).Expectation(observable);
        for (int i = 0; i < 2; i++)
        {
            double[] plus = [.. values], minus = [.. values];
            plus[i] += 1e-5;
            minus[i] -= 1e-5;
            Assert.Equal((E(plus) - E(minus)) / 2e-5, g.Gradient[i], 1e-6);
        }
        var ex = Assert.Throws<ArgumentException>(() => backend.Gradient(circuit, observable, values, GradientMethod.Adjoint, densityMatrix: true, noise: noise));
        Assert.Contains("parameter-shift", ex.Message);
        Assert.Contains("density matrices and noise are not unitary", ex.Message);
    }

    [Fact]
    public void BadInputIsRefusedWithAClearMessage()
    {
        IBackend backend = Backend("cpu");
        var circuit = new Circuit(2);
        var theta = circuit.AddParameter("theta");
        circuit.AddParametrized(GateKind.RX, [0], theta);
        var ex = Assert.Throws<ArgumentException>(() => backend.Gradient(circuit, Observable.Parse("Z0"), [1.0, 2.0]));
        Assert.Contains("1 parameter(s) (theta), got 2", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => backend.Gradient(circuit, Observable.Parse("Z5"), [1.0]));
        Assert.Contains("qubit 5", ex.Message);
        circuit.Add(new Measurement(0, 0));
        circuit.Add(GateKind.X, [0]);
        ex = Assert.Throws<ArgumentException>(() => backend.Gradient(circuit, Observable.Parse("Z0"), [1.0], GradientMethod.Adjoint));
        Assert.Contains("after it was measured", ex.Message);
    }

    private IBackend Backend(string name)
    {
        if (!_backends.TryGetValue(name, out IBackend? backend))
        {
            backend = name switch
            {
                "cpu" => TestBackends.Load("backends", "cpu.json"),
                "gpu" => GpuTestBackend.Load("opencl:0"),
                "example-c" => TestBackends.Load("examples", "qibo_example_c.json"),
                "example-rust" => Backends.Load(RustExampleBackendTests.ManifestPath),
                _ => TestBackends.Load("backends", "python.json", "numpy"),
            };
            _backends[name] = backend;
        }
        return backend;
    }

    public void Dispose()
    {
        foreach (IBackend b in _backends.Values) b.Dispose();
    }
}
