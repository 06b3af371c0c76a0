using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Conformance.Reference;
using QiboAccel.Gates;

namespace QiboAccel.Tests.Gates;

/// <summary>
/// The library's gate tables — <see cref="GateDefinition"/> (the ABI operation a gate applies, its controls and
/// targets) and <see cref="OpMatrices"/> (each operation's matrix) — against the conformance reference's own table
/// (<see cref="ReferenceGates"/>), which never reads them. The reference itself is checked against qibo's matrices
/// written out element by element (qibo 0.2.16, qibo/backends/npmatrices.py).
/// </summary>
public class GateMatrixTests
{
    private static readonly Complex I = Complex.ImaginaryOne;

    public static TheoryData<GateKind> Kinds()
    {
        var data = new TheoryData<GateKind>();
        foreach (var kind in Enum.GetValues<GateKind>())
        {
            if (kind != GateKind.Unitary) data.Add(kind);
        }
        return data;
    }

    /// <summary>
    /// Null when the library applies what the reference says for a gate whose definition is <paramref name="def"/>
    /// (on qubits 0..arity-1 in qibo's constructor order); otherwise what differs.
    /// </summary>
    internal static string? Mismatch(GateDefinition def, double[] p, Complex[] block)
    {
        ReferenceGate reference = ReferenceGates.Of(def.Kind);
        if (def.BuiltInControls != reference.Controls || def.Targets != reference.Targets)
        {
            return $"{def.Name} has {def.BuiltInControls} control(s) and {def.Targets} target(s) in the library, "
                + $"{reference.Controls} and {reference.Targets} in the reference";
        }
        var library = Analytic.Controlled(Analytic.Square(OpMatrices.Of(def.Op, p, block)), def.BuiltInControls);
        var expected = Analytic.Controlled(reference.Matrix(p, block), reference.Controls);
        return Difference(expected, library, $"{def.Name} (applies {def.Op})");
    }

    /// <summary>The full matrix a <see cref="Gate"/> object applies on its qubits (listed order), from its targets, controls and target matrix.</summary>
    private static Complex[,] FullMatrix(Gate gate)
    {
        int[] qubits = [.. gate.Qubits];
        int n = qubits.Length, dim = 1 << n;
        var full = new Complex[dim, dim];
        for (int column = 0; column < dim; column++)
        {
            var sim = new ReferenceSimulator(n);
            sim.State[0] = 0;
            sim.State[column] = 1;
            int[] Position(IEnumerable<int> q) => [.. q.Select(x => Array.IndexOf(qubits, x))];
            sim.ApplyMatrix(Analytic.Square(gate.TargetMatrix()), Position(gate.Targets), Position(gate.Controls));
            for (int row = 0; row < dim; row++) full[row, column] = sim.State[row];
        }
        return full;
    }

    private static (double[] P, Complex[] Block) RandomArguments(ReferenceGate reference, Random rng) =>
        ([.. Enumerable.Range(0, reference.Parameters).Select(_ => (rng.NextDouble() * 4 - 2) * Math.PI)],
         reference.Kind == GateKind.GeneralizedfSim ? Analytic.Flatten(Analytic.RandomUnitary(1, rng)) : []);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LibraryTablesMatchTheReference(GateKind kind)
    {
        ReferenceGate reference = ReferenceGates.Of(kind);
        var rng = new Random(1234 + (int)kind);
        for (int trial = 0; trial < 5; trial++)
        {
            var (p, block) = RandomArguments(reference, rng);
            Assert.Null(Mismatch(GateDefinition.Of(kind), p, block));

            // The same through a gate object, as circuits and the host's lowering use it.
            int[] qubits = [.. Enumerable.Range(0, reference.Arity)];
            Gate gate = kind == GateKind.GeneralizedfSim ? Gate.GeneralizedfSim(0, 1, block, p[0]) : Gate.Create(kind, qubits, p);
            Assert.Equal(qubits, gate.Qubits);
            Assert.Null(Difference(Analytic.Controlled(reference.Matrix(p, block), reference.Controls), FullMatrix(gate), gate.ToString()));
        }
    }

    /// <summary>
    /// <see cref="OpMatrices.TryPhase"/> (backends apply phase gates from it without building the matrix) answers for
    /// exactly the gates whose reference matrix on their target is diag(1, x) with x not 1, and gives that x.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void TryPhaseGivesTheReferencePhase(GateKind kind)
    {
        ReferenceGate reference = ReferenceGates.Of(kind);
        var rng = new Random(77 + (int)kind);
        for (int trial = 0; trial < 3; trial++)
        {
            var (p, block) = RandomArguments(reference, rng);
            Complex[,] m = reference.Matrix(p, block);
            bool isPhase = m.GetLength(0) == 2 && m[0, 1] == Complex.Zero && m[1, 0] == Complex.Zero
                && Complex.Abs(m[0, 0] - 1) < 1e-15 && Complex.Abs(m[1, 1] - 1) > 1e-9;
            bool answered = OpMatrices.TryPhase(GateDefinition.Of(kind).Op, p, out Complex phase);
            Assert.Equal(isPhase, answered);
            if (answered) Assert.True(Complex.Abs(phase - m[1, 1]) < 1e-15, $"{kind}: phase {phase}, reference {m[1, 1]}");
        }
    }

    /// <summary>The comparison above catches wrong library entries (each would pass a comparison of the library with itself).</summary>
    [Theory]
    [InlineData(GateKind.CRY, "applies RX", nameof(QiboOpKind.RX), -1)]
    [InlineData(GateKind.CSX, "applies SXdg", nameof(QiboOpKind.SXdg), -1)]
    [InlineData(GateKind.CCZ, "has 1 control(s)", "", 1)]
    [InlineData(GateKind.U3, "applies U2", nameof(QiboOpKind.U2), -1)]
    public void WrongLibraryEntriesAreCaught(GateKind kind, string expected, string op, int controls)
    {
        GateDefinition wrong = GateDefinition.Of(kind);
        if (op.Length > 0) wrong = wrong with { Op = Enum.Parse<QiboOpKind>(op) };
        if (controls >= 0) wrong = wrong with { BuiltInControls = controls };
        var (p, block) = RandomArguments(ReferenceGates.Of(kind), new Random(5));
        if (kind == GateKind.U3) p = [0.3, 0.7, 1.1]; // U2 reads two of U3's three parameters
        string? mismatch = Mismatch(wrong, p, block);
        Assert.NotNull(mismatch);
        Assert.Contains(expected, mismatch);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ReferenceMatricesAreUnitary(GateKind kind)
    {
        ReferenceGate reference = ReferenceGates.Of(kind);
        var (p, block) = RandomArguments(reference, new Random(3));
        var m = reference.Matrix(p, block);
        int n = m.GetLength(0);
        var dagger = new Complex[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) dagger[i, j] = Complex.Conjugate(m[j, i]);
        Assert.Null(Difference(Analytic.Identity(n), Analytic.Mul(dagger, m), $"{kind}† {kind}"));
    }

    /// <summary>The reference against qibo's npmatrices, written out element by element (a second derivation).</summary>
    [Fact]
    public void ReferenceEqualsQibosMatrices()
    {
        double t = 0.7, f = -1.3, l = 2.1, r = 1 / Math.Sqrt(2);
        Complex E(double a) => Complex.Exp(I * a);
        var expected = new Dictionary<GateKind, Complex[,]>
        {
            [GateKind.H] = new Complex[,] { { r, r }, { r, -r } },
            [GateKind.Y] = new Complex[,] { { 0, -I }, { I, 0 } },
            [GateKind.SX] = new Complex[,] { { (1 + I) / 2, (1 - I) / 2 }, { (1 - I) / 2, (1 + I) / 2 } },
            [GateKind.SXDG] = new Complex[,] { { (1 - I) / 2, (1 + I) / 2 }, { (1 + I) / 2, (1 - I) / 2 } },
            [GateKind.SDG] = new Complex[,] { { 1, 0 }, { 0, -I } },
            [GateKind.TDG] = new Complex[,] { { 1, 0 }, { 0, E(-Math.PI / 4) } },
            [GateKind.RX] = new Complex[,] { { Math.Cos(t / 2), -I * Math.Sin(t / 2) }, { -I * Math.Sin(t / 2), Math.Cos(t / 2) } },
            [GateKind.RY] = new Complex[,] { { Math.Cos(t / 2), -Math.Sin(t / 2) }, { Math.Sin(t / 2), Math.Cos(t / 2) } },
            [GateKind.RZ] = new Complex[,] { { E(-t / 2), 0 }, { 0, E(t / 2) } },
            [GateKind.U1] = new Complex[,] { { 1, 0 }, { 0, E(t) } },
            [GateKind.U2] = new Complex[,] { { r * E(-(t + f) / 2), -r * E(-(t - f) / 2) }, { r * E((t - f) / 2), r * E((t + f) / 2) } },
            [GateKind.U3] = new Complex[,]
            {
                { E(-(f + l) / 2) * Math.Cos(t / 2), -E(-(f - l) / 2) * Math.Sin(t / 2) },
                { E((f - l) / 2) * Math.Sin(t / 2), E((f + l) / 2) * Math.Cos(t / 2) },
            },
            [GateKind.iSWAP] = new Complex[,] { { 1, 0, 0, 0 }, { 0, 0, I, 0 }, { 0, I, 0, 0 }, { 0, 0, 0, 1 } },
            [GateKind.FSWAP] = new Complex[,] { { 1, 0, 0, 0 }, { 0, 0, 1, 0 }, { 0, 1, 0, 0 }, { 0, 0, 0, -1 } },
            [GateKind.fSim] = new Complex[,]
            {
                { 1, 0, 0, 0 }, { 0, Math.Cos(t), -I * Math.Sin(t), 0 }, { 0, -I * Math.Sin(t), Math.Cos(t), 0 }, { 0, 0, 0, E(-f) },
            },
            [GateKind.RXX] = new Complex[,]
            {
                { Math.Cos(t / 2), 0, 0, -I * Math.Sin(t / 2) }, { 0, Math.Cos(t / 2), -I * Math.Sin(t / 2), 0 },
                { 0, -I * Math.Sin(t / 2), Math.Cos(t / 2), 0 }, { -I * Math.Sin(t / 2), 0, 0, Math.Cos(t / 2) },
            },
            [GateKind.RYY] = new Complex[,]
            {
                { Math.Cos(t / 2), 0, 0, I * Math.Sin(t / 2) }, { 0, Math.Cos(t / 2), -I * Math.Sin(t / 2), 0 },
                { 0, -I * Math.Sin(t / 2), Math.Cos(t / 2), 0 }, { I * Math.Sin(t / 2), 0, 0, Math.Cos(t / 2) },
            },
            [GateKind.RZZ] = new Complex[,] { { E(-t / 2), 0, 0, 0 }, { 0, E(t / 2), 0, 0 }, { 0, 0, E(t / 2), 0 }, { 0, 0, 0, E(-t / 2) } },
        };
        foreach (var (kind, matrix) in expected)
        {
            ReferenceGate reference = ReferenceGates.Of(kind);
            double[] p = [.. new[] { t, f, l }.Take(reference.Parameters)];
            Assert.Null(Difference(matrix, reference.Matrix(p, []), kind.ToString()));
        }
        // Controlled gates: qibo's CRY, CU3, TOFFOLI and CCZ as full matrices, controls first.
        Assert.Null(Difference(Analytic.Controlled(expected[GateKind.RY], 1), Full(GateKind.CRY, t), "CRY"));
        Assert.Null(Difference(Analytic.Controlled(expected[GateKind.U3], 1), Full(GateKind.CU3, t, f, l), "CU3"));
        var toffoli = Analytic.Identity(8);
        (toffoli[6, 6], toffoli[6, 7], toffoli[7, 6], toffoli[7, 7]) = (0, 1, 1, 0);
        Assert.Null(Difference(toffoli, Full(GateKind.TOFFOLI), "TOFFOLI"));
        var ccz = Analytic.Identity(8);
        ccz[7, 7] = -1;
        Assert.Null(Difference(ccz, Full(GateKind.CCZ), "CCZ"));
    }

    [Fact]
    public void GeneralizedFSimEmbedsItsBlockAndPhase()
    {
        var u = Analytic.RandomUnitary(1, new Random(5));
        var m = ReferenceGates.Of(GateKind.GeneralizedfSim).Matrix([0.7], Analytic.Flatten(u));
        var expected = new Complex[,]
        {
            { 1, 0, 0, 0 }, { 0, u[0, 0], u[0, 1], 0 }, { 0, u[1, 0], u[1, 1], 0 }, { 0, 0, 0, Complex.Exp(-I * 0.7) },
        };
        Assert.Null(Difference(expected, m, "GeneralizedfSim"));
        Assert.Null(Difference(expected, Analytic.Square(Gate.GeneralizedfSim(0, 1, Analytic.Flatten(u), 0.7).TargetMatrix()), "the library's GeneralizedfSim"));
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

    private static Complex[,] Full(GateKind kind, params double[] p)
    {
        ReferenceGate reference = ReferenceGates.Of(kind);
        return Analytic.Controlled(reference.Matrix(p, []), reference.Controls);
    }

    /// <summary>Null when equal within 1e-12; else the first differing entry.</summary>
    private static string? Difference(Complex[,] expected, Complex[,] actual, string what)
    {
        if (expected.GetLength(0) != actual.GetLength(0)) return $"{what}: a {actual.GetLength(0)}-row matrix, expected {expected.GetLength(0)} rows";
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
            {
                if (!((expected[i, j] - actual[i, j]).Magnitude < 1e-12)) return $"{what}: [{i},{j}] is {actual[i, j]}, expected {expected[i, j]}";
            }
        return null;
    }
}
