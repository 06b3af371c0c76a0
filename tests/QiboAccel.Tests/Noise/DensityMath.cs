using System.Numerics;

namespace QiboAccel.Tests.Noise;

/// <summary>
/// Plain dense-matrix arithmetic for the noise tests: the references are written with these, never with the
/// library's superoperators. Qubit 0 is the most significant bit of an index.
/// </summary>
internal static class DensityMath
{
    public static readonly Complex I = Complex.ImaginaryOne;
    public static readonly Complex[,] Id = { { 1, 0 }, { 0, 1 } };
    public static readonly Complex[,] X = { { 0, 1 }, { 1, 0 } };
    public static readonly Complex[,] Y = { { 0, -I }, { I, 0 } };
    public static readonly Complex[,] Z = { { 1, 0 }, { 0, -1 } };

    public static Complex[,] Scale(Complex s, Complex[,] a)
    {
        var r = (Complex[,])a.Clone();
        for (int i = 0; i < a.GetLength(0); i++)
        for (int j = 0; j < a.GetLength(1); j++)
            r[i, j] *= s;
        return r;
    }

    public static Complex[,] Mul(Complex[,] a, Complex[,] b)
    {
        int n = a.GetLength(0), m = b.GetLength(1), k = a.GetLength(1);
        var r = new Complex[n, m];
        for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
        {
            Complex s = 0;
            for (int l = 0; l < k; l++) s += a[i, l] * b[l, j];
            r[i, j] = s;
        }
        return r;
    }

    public static Complex[,] Dagger(Complex[,] a)
    {
        int n = a.GetLength(0), m = a.GetLength(1);
        var r = new Complex[m, n];
        for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            r[j, i] = Complex.Conjugate(a[i, j]);
        return r;
    }

    public static Complex[,] Add(Complex[,] a, Complex[,] b)
    {
        var r = (Complex[,])a.Clone();
        for (int i = 0; i < a.GetLength(0); i++)
        for (int j = 0; j < a.GetLength(1); j++)
            r[i, j] += b[i, j];
        return r;
    }

    public static Complex[,] Kron(Complex[,] a, Complex[,] b)
    {
        int ra = a.GetLength(0), ca = a.GetLength(1), rb = b.GetLength(0), cb = b.GetLength(1);
        var r = new Complex[ra * rb, ca * cb];
        for (int i = 0; i < ra; i++)
        for (int j = 0; j < ca; j++)
        for (int k = 0; k < rb; k++)
        for (int l = 0; l < cb; l++)
            r[i * rb + k, j * cb + l] = a[i, j] * b[k, l];
        return r;
    }

    /// <summary>|i⟩⟨j| in dimension d.</summary>
    public static Complex[,] Ket(int d, int i, int j, double value = 1)
    {
        var r = new Complex[d, d];
        r[i, j] = value;
        return r;
    }

    /// <summary>A k-qubit operator on <paramref name="targets"/> (first = most significant) as a full n-qubit matrix.</summary>
    public static Complex[,] Embed(Complex[,] k, int[] targets, int n)
    {
        int dim = 1 << n;
        int targetMask = 0;
        foreach (int t in targets) targetMask |= 1 << (n - 1 - t);
        var r = new Complex[dim, dim];
        for (int i = 0; i < dim; i++)
        for (int a = 0; a < dim; a++)
        {
            if ((i & ~targetMask) != (a & ~targetMask)) continue;
            r[i, a] = k[Sub(i, targets, n), Sub(a, targets, n)];
        }
        return r;
    }

    public static int Sub(int index, int[] targets, int n)
    {
        int s = 0;
        foreach (int t in targets) s = (s << 1) | ((index >> (n - 1 - t)) & 1);
        return s;
    }

    /// <summary>ρ' = Σ K ρ K† with each K embedded on <paramref name="targets"/>.</summary>
    public static Complex[,] KrausSum(Complex[,] rho, IEnumerable<Complex[,]> kraus, int[] targets, int n)
    {
        int dim = 1 << n;
        var r = new Complex[dim, dim];
        foreach (Complex[,] k in kraus)
        {
            Complex[,] full = Embed(k, targets, n);
            r = Add(r, Mul(Mul(full, rho), Dagger(full)));
        }
        return r;
    }

    /// <summary>A random density matrix of full rank: A A† / Tr(A A†) with Gaussian A.</summary>
    public static Complex[,] RandomDensityMatrix(int n, Random rng)
    {
        int dim = 1 << n;
        var a = new Complex[dim, dim];
        for (int i = 0; i < dim; i++)
        for (int j = 0; j < dim; j++)
            a[i, j] = new Complex(Gauss(rng), Gauss(rng));
        Complex[,] rho = Mul(a, Dagger(a));
        Complex trace = 0;
        for (int i = 0; i < dim; i++) trace += rho[i, i];
        return Scale(1 / trace, rho);
    }

    public static Complex[] RandomState(int n, Random rng)
    {
        var psi = new Complex[1 << n];
        double norm = 0;
        for (int i = 0; i < psi.Length; i++)
        {
            psi[i] = new Complex(Gauss(rng), Gauss(rng));
            norm += psi[i].Magnitude * psi[i].Magnitude;
        }
        for (int i = 0; i < psi.Length; i++) psi[i] /= Math.Sqrt(norm);
        return psi;
    }

    public static Complex[] Flatten(Complex[,] m)
    {
        int r = m.GetLength(0), c = m.GetLength(1);
        var f = new Complex[r * c];
        for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++)
            f[i * c + j] = m[i, j];
        return f;
    }

    public static Complex[,] Square(ReadOnlySpan<Complex> flat)
    {
        int d = (int)Math.Round(Math.Sqrt(flat.Length));
        var m = new Complex[d, d];
        for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++)
            m[i, j] = flat[i * d + j];
        return m;
    }

    public static double MaxDiff(Complex[,] a, Complex[,] b)
    {
        double worst = 0;
        for (int i = 0; i < a.GetLength(0); i++)
        for (int j = 0; j < a.GetLength(1); j++)
            worst = Math.Max(worst, (a[i, j] - b[i, j]).Magnitude);
        return worst;
    }

    private static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
