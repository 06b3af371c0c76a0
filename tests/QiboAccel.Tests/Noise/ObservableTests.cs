using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Noise;
using QiboAccel.Observables;
using QiboAccel.Tests.Support;
using static QiboAccel.Tests.Noise.DensityMath;

namespace QiboAccel.Tests.Noise;

/// <summary>Expectation values against the observable's matrix built here from Kronecker products.</summary>
public class ObservableTests
{
    /// <summary>The observable's matrix: each term a Kronecker product over qubits 0..n-1 (qubit 0 leftmost).</summary>
    private static Complex[,] MatrixOf(IEnumerable<(double Coefficient, string Paulis)> terms, int n)
    {
        var total = new Complex[1 << n, 1 << n];
        foreach (var (c, paulis) in terms)
        {
            Complex[,] m = { { 1 } };
            for (int q = 0; q < n; q++)
            {
                m = Kron(m, paulis[q] switch { 'X' => X, 'Y' => Y, 'Z' => Z, _ => Id });
            }
            total = Add(total, Scale(c, m));
        }
        return total;
    }

    public static TheoryData<string, (double, string)[]> Observables => new()
    {
        { "0.5*Z0*Z1 - 1.2*X2 + 3", [(0.5, "ZZI"), (-1.2, "IIX"), (3, "III")] },
        { "Y0*X1*Z2", [(1, "YXZ")] },
        { "-2.5e-1 * y1 + x0*y2*2", [(-0.25, "IYI"), (2, "XIY")] },
        { "Y0*Y1 - Y1*Y2 + 0.75*Z1", [(1, "YYI"), (-1, "IYY"), (0.75, "IZI")] },
        { "X2*X0", [(1, "XIX")] },
    };

    [Theory]
    [MemberData(nameof(Observables))]
    public void ExactExpectationOnStateVectorsAndDensityMatrices(string text, (double, string)[] terms)
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        var observable = Observable.Parse(text);
        Complex[,] o = MatrixOf(terms, 3);
        Circuit circuit = RandomCircuits.Create(3, 15, new Random(text.Length));

        ExecutionResult sv = backend.Execute(circuit);
        Complex[] psi = sv.State!;
        Complex direct = 0;
        for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            direct += Complex.Conjugate(psi[i]) * o[i, j] * psi[j];
        Assert.Equal(direct.Real, sv.Expectation(observable), 10);

        circuit.Add(Channel.Depolarizing([0, 2], 0.2)).Add(Channel.AmplitudeDamping(1, 0.3));
        ExecutionResult dm = backend.Execute(circuit, densityMatrix: true);
        Complex[,] rho = Square(dm.DensityMatrix);
        Complex trace = 0;
        Complex[,] product = Mul(o, rho);
        for (int i = 0; i < 8; i++) trace += product[i, i];
        Assert.Equal(trace.Real, dm.Expectation(observable), 10);
    }

    [Fact]
    public void BellStateCorrelations()
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        var bell = new Circuit(2);
        bell.Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]);
        ExecutionResult r = backend.Execute(bell);
        Assert.Equal(1, r.Expectation(Observable.Parse("Z0*Z1")), 12);
        Assert.Equal(1, r.Expectation(Observable.Parse("X0*X1")), 12);
        Assert.Equal(-1, r.Expectation(Observable.Parse("Y0*Y1")), 12);
        Assert.Equal(0, r.Expectation(Observable.Parse("Z0")), 12);
        Assert.Equal(3.5, r.Expectation(Observable.Parse("3.5")), 12);
    }

    [Theory]
    [InlineData("", "position 1", "empty")]
    [InlineData("0.5*Z0*", "position 8", "expected a number or a Pauli factor")]
    [InlineData("Q1 + Z0", "position 1", "got 'Q'")]
    [InlineData("Z + X1", "position 2", "needs a qubit index")]
    [InlineData("Z0*Z0", "position 4", "qubit 0 appears twice")]
    [InlineData("1.2.3*X0", "position 1", "'1.2.3' is not a number")]
    [InlineData("Z0 Z1", "position 4", "expected '+', '-' or '*'")]
    [InlineData("Z0 + - X1", "position 6", "got '-'")]
    public void MalformedObservablesNameThePosition(string text, string position, string message)
    {
        var e = Assert.Throws<FormatException>(() => Observable.Parse(text));
        Assert.Contains(position, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ObservableOnAMissingQubit()
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        ExecutionResult r = backend.Execute(new Circuit(2).Add(GateKind.H, [0]));
        var e = Assert.Throws<ArgumentException>(() => r.Expectation(Observable.Parse("Z0*X5")));
        Assert.Contains("uses qubit 5", e.Message);
    }
}

/// <summary>Expectation values estimated from shots agree with the exact ones within their standard error.</summary>
public class ShotEstimatorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EstimateFromShotsMatchesTheExactValue(bool densityMatrix)
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        Circuit circuit = RandomCircuits.Create(3, 12, new Random(42));
        var noise = new NoiseModel().Add(q => Channel.Depolarizing(q, 0.05), after: ["cx", "u3"]);
        var observable = Observable.Parse("0.5*Z0*Z1 - 1.2*X2 + 0.7*Y0*Y1*X2 + 3 + X0*Z1");
        double exact = backend.Execute(circuit, densityMatrix: true, noise: noise).Expectation(observable);
        ExpectationEstimate e = observable.Estimate(backend, circuit, shots: 20000, seed: 5, densityMatrix: densityMatrix, noise: noise);
        Assert.Equal(3, e.Settings); // qubit-wise commuting groups: {Z0 Z1, X2}, {Y0 Y1 X2}, {X0 Z1}
        Assert.InRange(e.StandardError, 1e-3, 0.05);
        Assert.True(Math.Abs(e.Value - exact) <= 5 * e.StandardError, $"estimate {e.Value} ± {e.StandardError}, exact {exact}");
        Assert.Equal(e, observable.Estimate(backend, circuit, shots: 20000, seed: 5, densityMatrix: densityMatrix, noise: noise));
    }
}
