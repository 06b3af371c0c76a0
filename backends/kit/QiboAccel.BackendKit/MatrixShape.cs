namespace QiboAccel.BackendKit;

/// <summary>Structure a backend can exploit in the dense matrices of MATRIX records (interleaved complex128, row-major).</summary>
public static class MatrixShape
{
    /// <summary>
    /// The diagonal of the <paramref name="dim"/> x <paramref name="dim"/> matrix <paramref name="m"/> as interleaved
    /// (re, im) pairs when every off-diagonal entry is exactly zero; null otherwise.
    /// </summary>
    public static double[]? DiagonalOrNull(ReadOnlySpan<double> m, int dim)
    {
        for (int r = 0; r < dim; r++)
        {
            for (int c = 0; c < dim; c++)
            {
                if (r != c && (m[2 * (r * dim + c)] != 0 || m[2 * (r * dim + c) + 1] != 0)) return null;
            }
        }
        var d = new double[2 * dim];
        for (int i = 0; i < dim; i++)
        {
            d[2 * i] = m[2 * (i * dim + i)];
            d[2 * i + 1] = m[2 * (i * dim + i) + 1];
        }
        return d;
    }
}
