using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Gates;
using QiboAccel.Conformance.Reference;

namespace QiboAccel.Tests.Gates;

/// <summary>Every gate's matrix in the library equals its analytic definition.</summary>
public class GateMatrixTests
{
    public static TheoryData<GateKind> FixedKinds()
    {
        var data = new TheoryData<GateKind>();
        foreach (var def in GateDefinition.All)
        {
            if (def.Kind is not (GateKind.Unitary or GateKind.GeneralizedfSim)) data.Add(def.Kind);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FixedKinds))]
    public void MatrixEqualsAnalyticDefinition(GateKind kind)
    {
        var def = GateDefinition.Of(kind);
        var rng = new Random(1234 + (int)kind);
        for (int trial = 0; trial < 5; trial++)
        {
            double[] p = Enumerable.Range(0, def.Parameters).Select(_ => (rng.NextDouble() * 4 - 2) * Math.PI).ToArray();
            int[] qubits = Enumerable.Range(0, def.BuiltInControls + def.Targets).ToArray();
            var gate = Gate.Create(kind, qubits, p);
            AssertClose(ReferenceSimulator.MatrixOf(gate), Analytic.Square(gate.TargetMatrix()));
            Assert.Equal(def.BuiltInControls, gate.Controls.Count);
        }
    }

    [Fact]
    public void GeneralizedFSimEmbedsItsBlockAndPhase()
    {
        var u = Analytic.RandomUnitary(1, new Random(5));
        var gate = Gate.GeneralizedfSim(0, 1, Analytic.Flatten(u), 0.7);
        var m = Analytic.Square(gate.TargetMatrix());
        Assert.Equal(Complex.One, m[0, 0]);
        AssertClose(u[0, 0], m[1, 1]);
        AssertClose(u[0, 1], m[1, 2]);
        AssertClose(u[1, 0], m[2, 1]);
        AssertClose(u[1, 1], m[2, 2]);
        AssertClose(Complex.Exp(-Complex.ImaginaryOne * 0.7), m[3, 3]);
    }

    [Theory]
    [MemberData(nameof(FixedKinds))]
    public void MatricesAreUnitary(GateKind kind)
    {
        var def = GateDefinition.Of(kind);
        double[] p = Enumerable.Range(0, def.Parameters).Select(i => 0.3 + i).ToArray();
        var m = Analytic.Square(Gate.Create(kind, Enumerable.Range(0, def.BuiltInControls + def.Targets).ToArray(), p).TargetMatrix());
        int n = m.GetLength(0);
        var dagger = new Complex[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) dagger[i, j] = Complex.Conjugate(m[j, i]);
        AssertClose(Analytic.Identity(n), Analytic.Mul(dagger, m));
    }

    [Fact]
    public void KnownValues()
    {
        // Spot values written out by hand from qibo's documentation.
        double r = 1 / Math.Sqrt(2);
        AssertClose(new Complex[,] { { r, r }, { r, -r } }, Mat(GateKind.H));
        AssertClose(new Complex[,] { { 0, -Complex.ImaginaryOne }, { -Complex.ImaginaryOne, 0 } }, Mat(GateKind.RX, Math.PI));
        AssertClose(new Complex[,] { { r, -r }, { r, r } }, Mat(GateKind.RY, Math.PI / 2));
        AssertClose(new Complex[,] { { Complex.Exp(-Complex.ImaginaryOne * 0.25), 0 }, { 0, Complex.Exp(Complex.ImaginaryOne * 0.25) } }, Mat(GateKind.RZ, 0.5));
        AssertClose(new Complex[,] { { 1, 0 }, { 0, Complex.ImaginaryOne } }, Mat(GateKind.S));
        var iswap = Mat(GateKind.iSWAP);
        AssertClose(Complex.ImaginaryOne, iswap[1, 2]);
        AssertClose(Complex.ImaginaryOne, iswap[2, 1]);
        Assert.Equal(-1, Mat(GateKind.FSWAP)[3, 3].Real, 12);
        var rzz = Mat(GateKind.RZZ, 1.0);
        AssertClose(Complex.Exp(-Complex.ImaginaryOne * 0.5), rzz[0, 0]);
        AssertClose(Complex.Exp(Complex.ImaginaryOne * 0.5), rzz[1, 1]);
    }

    [Fact]
    public void CreateValidatesArity()
    {
        Assert.Throws<ArgumentException>(() => Gate.Create(GateKind.CNOT, [0]));
        Assert.Throws<ArgumentException>(() => Gate.Create(GateKind.RX, [0]));
        Assert.Throws<ArgumentException>(() => Gate.Create(GateKind.CNOT, [1, 1]));
        Assert.Throws<ArgumentException>(() => Gate.Create(GateKind.RX, [0], double.NaN));
        Assert.Throws<ArgumentException>(() => Gate.Unitary(new Complex[3], 0));
        var e = Assert.Throws<ArgumentException>(() => Gate.Create(GateKind.H, [0]).Controlled(0));
        Assert.Contains("qubit 0 is used twice", e.Message);
    }

    private static Complex[,] Mat(GateKind kind, params double[] p)
    {
        var def = GateDefinition.Of(kind);
        return Analytic.Square(Gate.Create(kind, Enumerable.Range(0, def.BuiltInControls + def.Targets).ToArray(), p).TargetMatrix());
    }

    internal static void AssertClose(Complex[,] expected, Complex[,] actual, double tol = 1e-12)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
            {
                Assert.True((expected[i, j] - actual[i, j]).Magnitude < tol, $"[{i},{j}]: expected {expected[i, j]}, got {actual[i, j]}");
            }
    }

    private static void AssertClose(Complex expected, Complex actual)
        => Assert.True((expected - actual).Magnitude < 1e-12, $"expected {expected}, got {actual}");
}
