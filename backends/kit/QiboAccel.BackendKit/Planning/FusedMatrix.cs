using System.Numerics;

namespace QiboAccel.BackendKit.Planning;

/// <summary>
/// Multiplies a group of operations into one matrix on the group's bits: the product G_last ... G_1, each G_i the
/// operation's matrix with its controls, embedded on the group's bits. The result indexes
/// <c>bits[0]</c> as the most significant bit, like a MATRIX record on targets <c>bits</c>.
/// </summary>
public static class FusedMatrix
{
    /// <summary>The 2^k x 2^k product (row-major) of <paramref name="ops"/>, in order, on the k bits <paramref name="bits"/>.</summary>
    public static Complex[] Of(IEnumerable<DecodedOp> ops, int[] bits)
    {
        int k = bits.Length, dim = 1 << k;
        // Column c of the product is the small k-qubit "state" |c> with every operation applied to it.
        var u = new Complex[dim * dim];
        for (int i = 0; i < dim; i++) u[i * dim + i] = 1;
        foreach (DecodedOp op in ops) Apply(u, dim, k, bits, op);
        return u;
    }

    /// <summary>The diagonal of the product of diagonal operations (each entry a product of the ops' phases).</summary>
    public static Complex[] DiagonalOf(IEnumerable<DecodedOp> ops, int[] bits)
    {
        int k = bits.Length, dim = 1 << k;
        var d = new Complex[dim];
        Array.Fill(d, Complex.One);
        foreach (DecodedOp op in ops)
        {
            Complex[] m = OpMatrix.Of(op);
            int t = op.Targets.Length, tdim = 1 << t;
            int[] targets = Local(op.Targets, bits, k), controls = Local(op.Controls, bits, k);
            for (int i = 0; i < dim; i++)
            {
                if (!ControlsSet(i, controls)) continue;
                int r = Row(i, targets);
                d[i] *= m[r * tdim + r];
            }
        }
        return d;
    }

    private static void Apply(Complex[] u, int dim, int k, int[] bits, in DecodedOp op)
    {
        Complex[] m = OpMatrix.Of(op);
        int t = op.Targets.Length, tdim = 1 << t;
        int[] targets = Local(op.Targets, bits, k), controls = Local(op.Controls, bits, k);
        int targetMask = 0;
        foreach (int b in targets) targetMask |= 1 << b;
        var offsets = new int[tdim];
        for (int r = 0; r < tdim; r++)
        {
            for (int j = 0; j < t; j++)
            {
                if (((r >> (t - 1 - j)) & 1) != 0) offsets[r] |= 1 << targets[j];
            }
        }
        var gathered = new Complex[tdim];
        for (int col = 0; col < dim; col++)
        {
            for (int i = 0; i < dim; i++)
            {
                if ((i & targetMask) != 0 || !ControlsSet(i, controls)) continue;
                for (int r = 0; r < tdim; r++) gathered[r] = u[(i | offsets[r]) * dim + col];
                for (int r = 0; r < tdim; r++)
                {
                    Complex s = 0;
                    for (int c = 0; c < tdim; c++) s += m[r * tdim + c] * gathered[c];
                    u[(i | offsets[r]) * dim + col] = s;
                }
            }
        }
    }

    /// <summary>Local bit (k - 1 - position in <paramref name="bits"/>) of each amplitude bit.</summary>
    private static int[] Local(int[] amplitudeBits, int[] bits, int k)
    {
        var local = new int[amplitudeBits.Length];
        for (int j = 0; j < amplitudeBits.Length; j++)
        {
            int at = Array.IndexOf(bits, amplitudeBits[j]);
            if (at < 0) throw new ArgumentException($"bit {amplitudeBits[j]} is not among the group's bits");
            local[j] = k - 1 - at;
        }
        return local;
    }

    private static bool ControlsSet(int i, int[] controls)
    {
        foreach (int c in controls)
        {
            if (((i >> c) & 1) == 0) return false;
        }
        return true;
    }

    private static int Row(int i, int[] targets)
    {
        int r = 0;
        foreach (int b in targets) r = (r << 1) | ((i >> b) & 1);
        return r;
    }
}
