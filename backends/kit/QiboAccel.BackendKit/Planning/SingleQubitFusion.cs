using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit.Planning;

/// <summary>
/// Gate fusion, first stage (every backend of this repository): consecutive uncontrolled 1-qubit gates on the same
/// qubit (consecutive on that qubit: other qubits' operations in between commute with them, and so do diagonal
/// operations on that qubit while the 1-qubit product so far is diagonal) are multiplied into one 2x2 MATRIX, applied
/// where the next other operation on that qubit (or a MEASURE, or the end of the batch) comes. I gates are dropped.
/// A lone gate is kept as it is.
/// </summary>
public static unsafe class SingleQubitFusion
{
    /// <summary>
    /// The fused batch. New matrices live in pinned arrays added to <paramref name="keep"/>: keep it alive while the
    /// returned operations are in use.
    /// </summary>
    public static List<DecodedOp> Fuse(ReadOnlySpan<DecodedOp> input, List<double[]> keep)
    {
        var output = new List<DecodedOp>(input.Length);
        // Per-bit tables as long as the highest bit used, not 64: a small circuit's fusion should not cost kilobytes.
        int bits = 0;
        foreach (ref readonly DecodedOp op in input)
        {
            foreach (int t in op.Targets) bits = Math.Max(bits, t + 1);
            foreach (int c in op.Controls) bits = Math.Max(bits, c + 1);
        }
        // Per bit: the first pending gate, how many are pending, and (from the second on) their 2x2 product in
        // products[4 * bit ..]. A lone gate is passed on as it came, so its matrix is never built.
        var state = new Pending(new DecodedOp[bits], new int[bits], new Complex[4 * bits], output, keep);
        Span<Complex> m = stackalloc Complex[4];
        foreach (ref readonly DecodedOp op in input)
        {
            if (op.Kind == QiboOpKind.I) continue;
            if (op.Kind == QiboOpKind.Measure)
            {
                for (int b = 0; b < bits; b++) state.Flush(b);
                output.Add(op);
                continue;
            }
            if (op.Targets.Length == 1 && op.Controls.Length == 0)
            {
                int bit = op.Targets[0];
                state.Add(bit, op, m);
                continue;
            }
            // A diagonal operation (CZ, CU1, RZZ, DIAGONAL, ...) commutes with a pending diagonal 1-qubit product on its
            // qubits (T, S, RZ, ...), which may then wait for the next 1-qubit gate there: the T gates of a random circuit
            // merge into its dense gates across the CZs between them instead of costing a pass each.
            bool diagonal = OpMatrix.IsDiagonal(op);
            foreach (int t in op.Targets) state.FlushUnlessCommuting(t, diagonal, m);
            foreach (int c in op.Controls) state.FlushUnlessCommuting(c, diagonal, m);
            output.Add(op);
        }
        for (int b = 0; b < bits; b++) state.Flush(b);
        return output;
    }

    /// <summary>The pending 1-qubit products of <see cref="Fuse"/>, per bit.</summary>
    private readonly struct Pending(DecodedOp[] first, int[] count, Complex[] products, List<DecodedOp> output, List<double[]> keep)
    {
        public void Add(int bit, in DecodedOp op, Span<Complex> m)
        {
            if (count[bit] == 0)
            {
                first[bit] = op;
                count[bit] = 1;
                return;
            }
            Span<Complex> product = products.AsSpan(4 * bit, 4);
            if (count[bit] == 1) Write(first[bit], product);
            Write(op, m);
            Multiply(m, product);
            count[bit]++;
        }

        public void Flush(int bit)
        {
            if (count[bit] == 0) return;
            if (count[bit] == 1) output.Add(first[bit]);
            else if (!IsIdentity(products.AsSpan(4 * bit, 4))) output.Add(MatrixOp([bit], products.AsSpan(4 * bit, 4), first[bit].Index, keep));
            count[bit] = 0;
            first[bit] = default;
        }

        public void FlushUnlessCommuting(int bit, bool diagonal, Span<Complex> m)
        {
            if (!diagonal || (count[bit] > 0 && !IsDiagonal(bit, m))) Flush(bit);
        }

        /// <summary>Whether the pending product on <paramref name="bit"/> (at least one gate) is diagonal.</summary>
        private bool IsDiagonal(int bit, Span<Complex> m)
        {
            if (count[bit] == 1) Write(first[bit], m);
            else products.AsSpan(4 * bit, 4).CopyTo(m);
            return m[1] == Complex.Zero && m[2] == Complex.Zero;
        }
    }

    /// <summary>The 2x2 matrix of an uncontrolled 1-target record.</summary>
    private static void Write(in DecodedOp op, Span<Complex> m)
    {
        if (op.Kind == QiboOpKind.Matrix)
        {
            for (int i = 0; i < 4; i++) m[i] = new Complex(op.Matrix[2 * i], op.Matrix[2 * i + 1]);
        }
        else if (op.Kind == QiboOpKind.Diagonal)
        {
            m[0] = new Complex(op.Matrix[0], op.Matrix[1]);
            m[1] = m[2] = Complex.Zero;
            m[3] = new Complex(op.Matrix[2], op.Matrix[3]);
        }
        else
        {
            OpMatrices.Write(op.Kind, op.Params, m);
        }
    }

    /// <summary>b := a * b for 2x2 row-major matrices.</summary>
    private static void Multiply(ReadOnlySpan<Complex> a, Span<Complex> b)
    {
        Complex b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
        b[0] = a[0] * b0 + a[1] * b2;
        b[1] = a[0] * b1 + a[1] * b3;
        b[2] = a[2] * b0 + a[3] * b2;
        b[3] = a[2] * b1 + a[3] * b3;
    }

    private static bool IsIdentity(ReadOnlySpan<Complex> m) => m[0] == Complex.One && m[1] == Complex.Zero && m[2] == Complex.Zero && m[3] == Complex.One;

    /// <summary>
    /// An uncontrolled MATRIX record (or DIAGONAL, given the diagonal) on <paramref name="targets"/> whose values live
    /// in a pinned array added to <paramref name="keep"/>; <paramref name="index"/> is the op index errors name.
    /// </summary>
    public static DecodedOp MatrixOp(int[] targets, ReadOnlySpan<Complex> m, long index, List<double[]> keep, QiboOpKind kind = QiboOpKind.Matrix)
    {
        double[] data = GC.AllocateArray<double>(2 * m.Length, pinned: true);
        for (int i = 0; i < m.Length; i++)
        {
            data[2 * i] = m[i].Real;
            data[2 * i + 1] = m[i].Imaginary;
        }
        keep.Add(data);
        return new DecodedOp
        {
            Index = index,
            Kind = kind,
            Targets = targets,
            Controls = [],
            Matrix = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(data)),
            Params = [0, 0, 0, 0],
            Cbit = -1,
        };
    }
}
