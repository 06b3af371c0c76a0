using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Observables;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Gradients;

/// <summary>Sweeps: per-set expectation values against the independent reference, per-set shots equal to separate runs.</summary>
public sealed class SweepTests : IDisposable
{
    private readonly IBackend _cpu = TestBackends.Load("backends", "cpu.json");

    [Fact]
    public void EachPointMatchesTheReferenceAndASeparateRun()
    {
        var rng = new Random(21);
        Circuit circuit = ParametrisedCircuits.Random(4, 3, rng);
        circuit.Measure(0, 2, 3);
        Observable observable = ParametrisedCircuits.RandomObservable(4, rng);
        var sets = Enumerable.Range(0, 6).Select(_ => (IReadOnlyList<double>)ParametrisedCircuits.RandomValues(3, rng)).ToList();
        SweepResult sweep = _cpu.Sweep(circuit, sets, observable, shots: 500, seed: 99);
        Assert.Equal(6, sweep.Points.Count);
        for (int k = 0; k < sets.Count; k++)
        {
            SweepPoint point = sweep.Points[k];
            Assert.Equal(ParametrisedCircuits.ReferenceExpectation(circuit, sets[k], observable), point.Expectation!.Value, 1e-10);
            ExecutionResult alone = _cpu.Execute(circuit.Bind(sets[k]), shots: 500, seed: 99);
            Assert.Equal(alone.Frequencies, point.Frequencies);
            Assert.Equal(500, point.Frequencies.Values.Sum());
        }
    }

    [Fact]
    public void MidCircuitMeasurementSweepsShotsButRefusesExpectations()
    {
        var circuit = new Circuit(2);
        ClassicalRegister c = circuit.AddClassicalRegister("c", 2);
        var t = circuit.AddParameter("t");
        circuit.AddParametrized(GateKind.RY, [0], t);
        circuit.Add(new Measurement(0, 0));
        circuit.Add(new Conditional(c, 1, Gate.Parametrized(GateKind.RX, [1], 2 * t)));
        circuit.Add(new Measurement(1, 1));
        var sets = new List<IReadOnlyList<double>> { new[] { 0.3 }, new[] { 2.0 } };
        SweepResult sweep = _cpu.Sweep(circuit, sets, shots: 300, seed: 5);
        for (int k = 0; k < 2; k++) Assert.Equal(_cpu.Execute(circuit.Bind(sets[k]), 300, seed: 5).Frequencies, sweep.Points[k].Frequencies);
        var ex = Assert.Throws<ArgumentException>(() => _cpu.Sweep(circuit, sets, Observable.Parse("Z0")));
        Assert.Contains("measurements all come last", ex.Message);
    }

    public void Dispose() => _cpu.Dispose();
}
