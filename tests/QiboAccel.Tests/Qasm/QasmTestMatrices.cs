using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Gates;

namespace QiboAccel.Tests.Qasm;

/// <summary>
/// Dense unitaries of small gate-only circuits (qubit 0 = most significant bit, as in qibo), built from each gate's
/// <see cref="Gate.TargetMatrix"/> and its controls, plus hand-written reference matrices to compare them with.
/// </summary>
internal static class QasmTestMatrices
{
    public static readonly Complex I = Complex.ImaginaryOne;
    public static readonly Complex[,] Id = { { 1, 0 }, { 0, 1 } };
    public static readonly Complex[,] X = { { 0, 1 }, { 1, 0 } };
    public static readonly Complex[,] Y = { { 0, -Complex.ImaginaryOne }, { Complex.ImaginaryOne, 0 } };
    public static readonly Complex[,] Z = { { 1, 0 }, { 0, -1 } };

    /// <summary>The unitary of a circuit made only of gates.</summary>
    public static Complex[,] UnitaryOf(Circuit circuit)
    {
        int n = circuit.NQubits, dim = 1 << n;
        var u = Identity(dim);
        foreach (var op in circuit.Operations)
        {
            var gate = Assert.IsType<Gate>(op);
            u = Multiply(Embed(gate, n), u);
        }
        return u;
    }

    /// <summary>Qiskit's U(θ, φ, λ) (the OpenQASM 2.0 spec's U).</summary>
    public static Complex[,] QiskitU(double theta, double phi, double lambda)
    {
        double c = Math.Cos(theta / 2), s = Math.Sin(theta / 2);
        return new Complex[,]
        {
            { c, -Complex.FromPolarCoordinates(s, lambda) },
            { Complex.FromPolarCoordinates(s, phi), Complex.FromPolarCoordinates(c, phi + lambda) },
        };
    }

    /// <summary>|0⟩⟨0| ⊗ I + |1⟩⟨1| ⊗ u (control is the most significant qubit).</summary>
    public static Complex[,] Controlled(Complex[,] u)
    {
        int d = u.GetLength(0);
        var m = Identity(2 * d);
        for (int r = 0; r < d; r++)
        {
            for (int c = 0; c < d; c++) m[d + r, d + c] = u[r, c];
        }
        return m;
    }

    /// <summary>The permutation matrix sending basis state |i⟩ to |map(i)⟩.</summary>
    public static Complex[,] Permutation(int dim, Func<int, int> map)
    {
        var m = new Complex[dim, dim];
        for (int i = 0; i < dim; i++) m[map(i), i] = 1;
        return m;
    }

    public static Complex[,] Kron(Complex[,] a, Complex[,] b)
    {
        int ra = a.GetLength(0), rb = b.GetLength(0);
        var m = new Complex[ra * rb, ra * rb];
        for (int i = 0; i < ra; i++)
        for (int j = 0; j < ra; j++)
        for (int k = 0; k < rb; k++)
        for (int l = 0; l < rb; l++)
            m[i * rb + k, j * rb + l] = a[i, j] * b[k, l];
        return m;
    }

    public static Complex[,] Scale(Complex s, Complex[,] a)
    {
        var m = (Complex[,])a.Clone();
        for (int i = 0; i < m.GetLength(0); i++)
        for (int j = 0; j < m.GetLength(1); j++)
            m[i, j] *= s;
        return m;
    }

    public static Complex[,] Add(Complex[,] a, Complex[,] b)
    {
        var m = (Complex[,])a.Clone();
        for (int i = 0; i < m.GetLength(0); i++)
        for (int j = 0; j < m.GetLength(1); j++)
            m[i, j] += b[i, j];
        return m;
    }

    /// <summary>Asserts <paramref name="actual"/> = e^{iα} <paramref name="expected"/> for some global phase α.</summary>
    public static void AssertEqualUpToPhase(Complex[,] expected, Complex[,] actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        int bi = 0, bj = 0;
        for (int i = 0; i < expected.GetLength(0); i++)
        for (int j = 0; j < expected.GetLength(1); j++)
            if (expected[i, j].Magnitude > expected[bi, bj].Magnitude) (bi, bj) = (i, j);
        Complex phase = actual[bi, bj] / expected[bi, bj];
        Assert.True(Math.Abs(phase.Magnitude - 1) < tolerance, $"not a phase: |{phase}| != 1");
        AssertEqual(Scale(phase, expected), actual, tolerance);
    }

    public static void AssertEqual(Complex[,] expected, Complex[,] actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        for (int i = 0; i < expected.GetLength(0); i++)
        for (int j = 0; j < expected.GetLength(1); j++)
            Assert.True((expected[i, j] - actual[i, j]).Magnitude < tolerance, $"entry [{i},{j}]: expected {expected[i, j]}, got {actual[i, j]}");
    }

    private static Complex[,] Identity(int dim)
    {
        var m = new Complex[dim, dim];
        for (int i = 0; i < dim; i++) m[i, i] = 1;
        return m;
    }

    private static Complex[,] Multiply(Complex[,] a, Complex[,] b)
    {
        int n = a.GetLength(0);
        var m = new Complex[n, n];
        for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++)
        {
            if (a[i, k] == Complex.Zero) continue;
            for (int j = 0; j < n; j++) m[i, j] += a[i, k] * b[k, j];
        }
        return m;
    }

    private static int Bit(int index, int qubit, int n) => (index >> (n - 1 - qubit)) & 1;

    /// <summary>The gate as a 2^n x 2^n matrix: its target matrix where all controls are 1, identity elsewhere.</summary>
    private static Complex[,] Embed(Gate gate, int n)
    {
        int dim = 1 << n;
        var targets = gate.Targets;
        int k = targets.Count, tdim = 1 << k;
        Complex[] m = gate.TargetMatrix();
        var full = new Complex[dim, dim];
        for (int col = 0; col < dim; col++)
        {
            if (gate.Controls.Any(c => Bit(col, c, n) == 0))
            {
                full[col, col] = 1;
                continue;
            }
            int sub = 0;
            foreach (int t in targets) sub = 2 * sub + Bit(col, t, n);
            for (int r = 0; r < tdim; r++)
            {
                int row = col;
                for (int j = 0; j < k; j++)
                {
                    int bit = (r >> (k - 1 - j)) & 1;
                    int mask = 1 << (n - 1 - targets[j]);
                    row = bit == 1 ? row | mask : row & ~mask;
                }
                full[row, col] += m[r * tdim + sub];
            }
        }
        return full;
    }
}
