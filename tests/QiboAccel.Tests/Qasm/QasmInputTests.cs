using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance.Reference;
using QiboAccel.Gradients;
using QiboAccel.Observables;
using QiboAccel.Qasm;
using QiboAccel.Tests.Gradients;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Qasm;

/// <summary>
/// The <c>input angle NAME;</c> extension: circuits whose gate parameters are affine in declared inputs parse to
/// symbolic circuits that, bound to values, equal the same program written with the numbers.
/// </summary>
public sealed class QasmInputTests
{
    private const string H = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    private const string Body = """
        qreg q[3];
        gate g(a, b) x, y { rz(a/2) x; cx x, y; ry(b - a) y; }
        h q;
        rx(2*THETA) q[0];
        u3(THETA, pi/2 - PHI, 0) q[1];
        cu1(THETA + PHI) q[0], q[2];
        g(PHI, -3*THETA + 1) q[2], q[1];
        crz(0.25) q[1], q[0];
        """;

    [Fact]
    public void BoundInputsEqualTheSameProgramWithNumbers()
    {
        Circuit symbolic = QasmParser.Parse(H + "input angle theta;\ninput float[64] phi;\n" + Body.Replace("THETA", "theta").Replace("PHI", "phi"), "in.qasm");
        Assert.Equal(["theta", "phi"], symbolic.Parameters.Select(p => p.Name));
        Assert.True(symbolic.IsParametrized);
        foreach (var (theta, phi) in new[] { (0.3, -1.2), (2.5, 0.7) })
        {
            string numbers = Body.Replace("THETA", $"({theta.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})")
                .Replace("PHI", $"({phi.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})");
            Complex[] expected = ReferenceSimulator.Run(QasmParser.Parse(H + numbers, "numbers.qasm"));
            Complex[] actual = ReferenceSimulator.Run(symbolic.Bind([theta, phi]));
            for (int i = 0; i < expected.Length; i++) Assert.True((expected[i] - actual[i]).Magnitude < 1e-14, $"amplitude {i}");
        }
    }

    [Fact]
    public void GradientsOfAQasmCircuitMatchFiniteDifferences()
    {
        Circuit circuit = QasmParser.Parse(H + "input angle theta;\ninput angle phi;\n" + Body.Replace("THETA", "theta").Replace("PHI", "phi"), "in.qasm");
        var observable = Observable.Parse("Z0*Z1 - 0.5*X2 + 0.25*Y1*Y2");
        double[] values = [0.4, -0.9];
        using IBackend cpu = TestBackends.Load("backends", "cpu.json");
        GradientResult g = cpu.Gradient(circuit, observable, values);
        double[] expected = ParametrisedCircuits.ReferenceGradient(circuit, values, observable);
        for (int i = 0; i < 2; i++) Assert.Equal(expected[i], g.Gradient[i], 1e-7);
    }

    [Fact]
    public void AnUnusedInputIsStillAParameter() =>
        Assert.Equal(["unused"], QasmParser.Parse(H + "input angle unused;\nqreg q[1];\nx q[0];\n").Parameters.Select(p => p.Name));

    [Theory]
    [InlineData("input angle t;\nqreg q[1];\nrx(sin(t)) q[0];\n", 5, 4, "applies a function to an input")]
    [InlineData("input angle t;\ninput angle u;\nqreg q[1];\nrx(t*u) q[0];\n", 6, 4, "multiplies inputs together")]
    [InlineData("input angle t;\nqreg q[1];\nrx(1/t) q[0];\n", 5, 4, "divides by an input")]
    [InlineData("input angle t;\nqreg q[1];\nrx(2^t) q[0];\n", 5, 4, "raises to a power")]
    [InlineData("input int t;\n", 3, 7, "expected 'angle' or 'float' after 'input'")]
    [InlineData("input angle t;\ninput angle t;\n", 4, 13, "input 't' is declared twice")]
    [InlineData("qreg q[1];\ninput angle q;\n", 4, 13, "'q' is already a register")]
    [InlineData("input angle pi;\n", 3, 13, "pi")]
    [InlineData("qreg q[1];\nrx(t) q[0];\n", 4, 4, "undeclared identifier 't'", "input angle t;")]
    [InlineData("input angle t;\nqreg q[1];\ngate g x { rx(t) x; }\n", 5, 15, "undeclared identifier 't'")]
    public void MisuseIsOneLineWithThePosition(string program, int line, int column, params string[] fragments)
    {
        var e = Assert.Throws<QasmException>(() => QasmParser.Parse(H + program, "in.qasm"));
        Assert.Equal((line, column), (e.Line, e.Column));
        foreach (string f in fragments) Assert.Contains(f, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void AffineUsesInsideDefinitionsThatAreNotAffineAreNamed()
    {
        var e = Assert.Throws<QasmException>(() => QasmParser.Parse(H + "input angle t;\nqreg q[1];\ngate g(a) x { rx(cos(a)) x; }\ng(t) q[0];\n", "in.qasm"));
        Assert.Contains("in the definition of 'g'", e.Message);
        Assert.Contains("applies a function to an input", e.Message);
    }
}
