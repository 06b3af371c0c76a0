using System.Numerics;

namespace QiboAccel.Conformance.Reference;

/// <summary>
/// Gate matrices written from their textbook definitions (Pauli algebra, exponentials of generators, Kronecker
/// products), independently of the library's tables, so tests can check the library against them.
/// </summary>
public static class Analytic
{
    public static readonly Complex I = Complex.ImaginaryOne;

    public static readonly Complex[,] Id = { { 1, 0 }, { 0, 1 } };
    public static readonly Complex[,] PauliX = { { 0, 1 }, { 1, 0 } };
    public static readonly Complex[,] PauliY = { { 0, -I }, { I, 0 } };
    public static readonly Complex[,] PauliZ = { { 1, 0 }, { 0, -1 } };

    public static Complex[,] Kron(Complex[,] a, Complex[,] b)
    {
        int ra = a.GetLength(0), rb = b.GetLength(0);
        var r = new Complex[ra * rb, ra * rb];
        for (int i = 0; i < ra; i++)
            for (int j = 0; j < ra; j++)
                for (int k = 0; k < rb; k++)
                    for (int l = 0; l < rb; l++)
                        r[i * rb + k, j * rb + l] = a[i, j] * b[k, l];
        return r;
    }

    public static Complex[,] Mul(Complex[,] a, Complex[,] b)
    {
        int n = a.GetLength(0);
        var r = new Complex[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                Complex s = 0;
                for (int k = 0; k < n; k++) s += a[i, k] * b[k, j];
                r[i, j] = s;
            }
        return r;
    }

    public static Complex[,] Scale(Complex s, Complex[,] a)
    {
        int n = a.GetLength(0);
        var r = new Complex[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) r[i, j] = s * a[i, j];
        return r;
    }

    public static Complex[,] Add(Complex[,] a, Complex[,] b)
    {
        int n = a.GetLength(0);
        var r = new Complex[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) r[i, j] = a[i, j] + b[i, j];
        return r;
    }

    public static Complex[,] Identity(int n)
    {
        var r = new Complex[n, n];
        for (int i = 0; i < n; i++) r[i, i] = 1;
        return r;
    }

    /// <summary>exp(-i θ/2 G) for an involutory generator G (G² = 1): cos(θ/2)·1 − i sin(θ/2)·G.</summary>
    public static Complex[,] Rotation(Complex[,] generator, double theta)
        => Add(Scale(Math.Cos(theta / 2), Identity(generator.GetLength(0))), Scale(-I * Math.Sin(theta / 2), generator));

    public static Complex[,] Phase(double phi) => new Complex[,] { { 1, 0 }, { 0, Complex.Exp(I * phi) } };

    public static Complex[,] Hadamard() => Scale(1 / Math.Sqrt(2), Add(PauliX, PauliZ));

    /// <summary>The full 2^(c+t) matrix of a t-qubit matrix controlled by c qubits listed first: identity except the last block.</summary>
    public static Complex[,] Controlled(Complex[,] u, int nControls)
    {
        int dt = u.GetLength(0), n = dt << nControls;
        var r = Identity(n);
        int offset = n - dt;
        for (int i = 0; i < dt; i++)
            for (int j = 0; j < dt; j++) r[offset + i, offset + j] = u[i, j];
        return r;
    }

    /// <summary>qibo's fSim from its documentation: [[1,0,0,0],[0,cos θ,−i sin θ,0],[0,−i sin θ,cos θ,0],[0,0,0,e^{−iφ}]].</summary>
    public static Complex[,] FSim(double theta, double phi) => new Complex[,]
    {
        { 1, 0, 0, 0 },
        { 0, Math.Cos(theta), -I * Math.Sin(theta), 0 },
        { 0, -I * Math.Sin(theta), Math.Cos(theta), 0 },
        { 0, 0, 0, Complex.Exp(-I * phi) },
    };

    /// <summary>qibo's U3(θ, φ, λ) is exactly RZ(φ)·RY(θ)·RZ(λ) (with RZ(a) = diag(e^{−ia/2}, e^{ia/2})).</summary>
    public static Complex[,] U3(double theta, double phi, double lam)
        => Mul(Mul(Rotation(PauliZ, phi), Rotation(PauliY, theta)), Rotation(PauliZ, lam));

    /// <summary>A 2^k x 2^k random unitary (Gram–Schmidt on a random complex matrix).</summary>
    public static Complex[,] RandomUnitary(int k, Random rng)
    {
        int n = 1 << k;
        var m = new Complex[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) m[i, j] = new Complex(rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1);
        for (int c = 0; c < n; c++)
        {
            for (int p = 0; p < c; p++)
            {
                Complex dot = 0;
                for (int r = 0; r < n; r++) dot += Complex.Conjugate(m[r, p]) * m[r, c];
                for (int r = 0; r < n; r++) m[r, c] -= dot * m[r, p];
            }
            double norm = 0;
            for (int r = 0; r < n; r++) norm += m[r, c].Magnitude * m[r, c].Magnitude;
            norm = Math.Sqrt(norm);
            for (int r = 0; r < n; r++) m[r, c] /= norm;
        }
        return m;
    }

    public static Complex[] Flatten(Complex[,] m)
    {
        int n = m.GetLength(0);
        var r = new Complex[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) r[i * n + j] = m[i, j];
        return r;
    }

    public static Complex[,] Square(ReadOnlySpan<Complex> flat)
    {
        int n = (int)Math.Round(Math.Sqrt(flat.Length));
        var r = new Complex[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) r[i, j] = flat[i * n + j];
        return r;
    }
}
