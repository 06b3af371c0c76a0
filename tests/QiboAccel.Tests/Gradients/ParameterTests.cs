using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Parameters;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Gradients;

/// <summary>Symbolic parameters: affine angles, binding, and the errors for misuse.</summary>
public sealed class ParameterTests
{
    [Fact]
    public void AnglesAreAffine()
    {
        var theta = new Parameter("theta");
        var phi = new Parameter("phi");
        Angle a = 2 * theta - phi / 4 + 0.5 + theta;
        double v = a.Evaluate(p => p == theta ? 1.5 : -2);
        Assert.Equal(3 * 1.5 + 0.5 + 0.5, v, 1e-15);
        Assert.Equal(2, a.Terms.Count);
        Assert.True((theta - theta).IsConstant);
        Assert.Equal("0.5 + 3*theta - 0.25*phi", a.ToString());
    }

    [Fact]
    public void BindingGivesTheSameStateAsConcreteGates()
    {
        var circuit = new Circuit(2);
        var t = circuit.AddParameter("t");
        circuit.AddParametrized(GateKind.RX, [0], 2 * t);
        circuit.AddParametrized(GateKind.CU3, [0, 1], t, 0.3, -t);
        var concrete = new Circuit(2).Add(GateKind.RX, [0], 1.4).Add(GateKind.CU3, [0, 1], 0.7, 0.3, -0.7);
        Circuit bound = circuit.Bind([0.7]);
        Assert.Empty(bound.Parameters);
        Assert.False(bound.IsParametrized);
        var a = Conformance.Reference.ReferenceSimulator.Run(bound);
        var b = Conformance.Reference.ReferenceSimulator.Run(concrete);
        for (int i = 0; i < a.Length; i++) Assert.True((a[i] - b[i]).Magnitude < 1e-15);
    }

    [Fact]
    public void MisuseIsRefusedWithAClearMessage()
    {
        var circuit = new Circuit(1);
        circuit.AddParametrized(GateKind.RZ, [0], new Parameter("alpha"));
        Assert.Equal("alpha", Assert.Single(circuit.Parameters).Name);
        var ex = Assert.Throws<ArgumentException>(() => circuit.AddParametrized(GateKind.RZ, [0], new Parameter("alpha")));
        Assert.Contains("another parameter called 'alpha'", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => circuit.Bind([1, 2]));
        Assert.Contains("1 parameter(s) (alpha), got 2", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => circuit.Bind([double.NaN]));
        Assert.Contains("not a finite number", ex.Message);
        Assert.Throws<ArgumentException>(() => new Parameter("2x"));
        using IBackend cpu = TestBackends.Load("backends", "cpu.json");
        ex = Assert.Throws<ArgumentException>(() => cpu.Execute(circuit));
        Assert.Contains("symbolic parameters (alpha) without values", ex.Message);
    }
}
