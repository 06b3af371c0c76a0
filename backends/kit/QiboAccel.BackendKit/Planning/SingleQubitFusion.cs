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
        var pending = new Complex[bits][];
        var first = new DecodedOp[bits];
        var count = new int[bits];

        void Flush(int bit)
        {
            if (count[bit] == 0) return;
            if (count[bit] == 1) output.Add(first[bit]);
            else if (!IsIdentity(pending[bit])) output.Add(MatrixOp([bit], pending[bit], first[bit].Index, keep));
            count[bit] = 0;
            pending[bit] = null!;
        }

        void FlushUnlessCommuting(int bit, bool diagonal)
        {
            if (!diagonal || (count[bit] > 0 && !IsDiagonal(pending[bit]))) Flush(bit);
        }

        foreach (ref readonly DecodedOp op in input)
        {
            if (op.Kind == QiboOpKind.I) continue;
            if (op.Kind == QiboOpKind.Measure)
            {
                for (int b = 0; b < bits; b++) Flush(b);
                output.Add(op);
                continue;
            }
            if (op.Targets.Length == 1 && op.Controls.Length == 0)
            {
                int bit = op.Targets[0];
                Complex[] m = OpMatrix.Of(op);
                if (count[bit] == 0)
                {
                    pending[bit] = m;
                    first[bit] = op;
                }
                else
                {
                    pending[bit] = Multiply(m, pending[bit]);
                }
                count[bit]++;
                continue;
            }
            // A diagonal operation (CZ, CU1, RZZ, DIAGONAL, ...) commutes with a pending diagonal 1-qubit product on its
            // qubits (T, S, RZ, ...), which may then wait for the next 1-qubit gate there: the T gates of a random circuit
            // merge into its dense gates across the CZs between them instead of costing a pass each.
            bool diagonal = OpMatrix.IsDiagonal(op);
            foreach (int t in op.Targets) FlushUnlessCommuting(t, diagonal);
            foreach (int c in op.Controls) FlushUnlessCommuting(c, diagonal);
            output.Add(op);
        }
        for (int b = 0; b < bits; b++) Flush(b);
        return output;
    }

    /// <summary>a * b for 2x2 row-major matrices.</summary>
    private static Complex[] Multiply(Complex[] a, Complex[] b) =>
    [
        a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
    ];

    private static bool IsDiagonal(Complex[] m) => m[1] == Complex.Zero && m[2] == Complex.Zero;

    private static bool IsIdentity(Complex[] m) => m[0] == Complex.One && m[1] == Complex.Zero && m[2] == Complex.Zero && m[3] == Complex.One;

    /// <summary>
    /// An uncontrolled MATRIX record (or DIAGONAL, given the diagonal) on <paramref name="targets"/> whose values live
    /// in a pinned array added to <paramref name="keep"/>; <paramref name="index"/> is the op index errors name.
    /// </summary>
    public static DecodedOp MatrixOp(int[] targets, Complex[] m, long index, List<double[]> keep, QiboOpKind kind = QiboOpKind.Matrix)
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
