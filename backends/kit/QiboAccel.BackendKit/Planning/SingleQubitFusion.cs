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
    /// The fused batch, or null when fusion leaves <paramref name="input"/> as it is (nothing merged, dropped or
    /// moved: the input is then the fused batch). New matrices live in pinned arrays added to <paramref name="keep"/>:
    /// keep it alive while the returned operations are in use.
    /// </summary>
    public static List<DecodedOp>? Fuse(ReadOnlySpan<DecodedOp> input, List<double[]> keep)
    {
        // Per-bit tables as long as the highest bit used, not 64: a small circuit's fusion should not cost kilobytes.
        int bits = 0;
        foreach (ref readonly DecodedOp op in input)
        {
            foreach (int t in op.Targets) bits = Math.Max(bits, t + 1);
            foreach (int c in op.Controls) bits = Math.Max(bits, c + 1);
        }
        var fuser = new Fuser(input, bits, keep);
        Span<Complex> m = stackalloc Complex[4];
        foreach (ref readonly DecodedOp op in input)
        {
            if (op.Kind == QiboOpKind.I) continue;
            if (op.Kind == QiboOpKind.Measure)
            {
                for (int b = 0; b < bits; b++) fuser.Flush(b);
                fuser.Emit(op);
                continue;
            }
            if (op.Targets.Length == 1 && op.Controls.Length == 0)
            {
                fuser.Add(op.Targets[0], op, m);
                continue;
            }
            // A diagonal operation (CZ, CU1, RZZ, DIAGONAL, ...) commutes with a pending diagonal 1-qubit product on its
            // qubits (T, S, RZ, ...), which may then wait for the next 1-qubit gate there: the T gates of a random circuit
            // merge into its dense gates across the CZs between them instead of costing a pass each.
            bool diagonal = OpMatrix.IsDiagonal(op);
            foreach (int t in op.Targets) fuser.FlushUnlessCommuting(t, diagonal, m);
            foreach (int c in op.Controls) fuser.FlushUnlessCommuting(c, diagonal, m);
            fuser.Emit(op);
        }
        for (int b = 0; b < bits; b++) fuser.Flush(b);
        return fuser.Result();
    }

    /// <summary>
    /// The pending 1-qubit products of <see cref="Fuse"/> per bit (the first pending gate, how many are pending, and
    /// from the second on their 2x2 product in products[4 * bit ..]: a lone gate is passed on as it came, so its matrix
    /// is never built), and the output, copied only from the first operation that differs from the input's at the same
    /// position: a batch fusion leaves as it is (a QFT, whose 1-qubit gates stand alone) costs no copy.
    /// </summary>
    private ref struct Fuser(ReadOnlySpan<DecodedOp> input, int bits, List<double[]> keep)
    {
        private readonly ReadOnlySpan<DecodedOp> _input = input;
        private readonly DecodedOp[] _first = new DecodedOp[bits];
        private readonly int[] _count = new int[bits];
        private readonly Complex[] _products = new Complex[4 * bits];
        private List<DecodedOp>? _copy;
        private int _same;

        public void Emit(in DecodedOp op)
        {
            if (_copy == null)
            {
                // The same operation as the input's here: decoded once, its target array is its own (a fused one's
                // is new).
                if (_same < _input.Length && _input[_same].Index == op.Index && ReferenceEquals(_input[_same].Targets, op.Targets))
                {
                    _same++;
                    return;
                }
                _copy = new List<DecodedOp>(_input.Length);
                _copy.AddRange(_input[.._same]);
            }
            _copy.Add(op);
        }

        public readonly List<DecodedOp>? Result() =>
            _copy ?? (_same == _input.Length ? null : new List<DecodedOp>(_input[.._same].ToArray()));

        public void Add(int bit, in DecodedOp op, scoped Span<Complex> m)
        {
            if (_count[bit] == 0)
            {
                _first[bit] = op;
                _count[bit] = 1;
                return;
            }
            Span<Complex> product = _products.AsSpan(4 * bit, 4);
            if (_count[bit] == 1) OpMatrix.Write(_first[bit], product);
            OpMatrix.Write(op, m);
            Multiply(m, product);
            _count[bit]++;
        }

        public void Flush(int bit)
        {
            if (_count[bit] == 0) return;
            if (_count[bit] == 1) Emit(_first[bit]);
            else if (!IsIdentity(_products.AsSpan(4 * bit, 4))) Emit(MatrixOp([bit], _products.AsSpan(4 * bit, 4), _first[bit].Index, keep));
            _count[bit] = 0;
            _first[bit] = default;
        }

        public void FlushUnlessCommuting(int bit, bool diagonal, scoped Span<Complex> m)
        {
            if (!diagonal || (_count[bit] > 0 && !IsDiagonal(bit, m))) Flush(bit);
        }

        /// <summary>Whether the pending product on <paramref name="bit"/> (at least one gate) is diagonal.</summary>
        private readonly bool IsDiagonal(int bit, scoped Span<Complex> m)
        {
            if (_count[bit] == 1) OpMatrix.Write(_first[bit], m);
            else _products.AsSpan(4 * bit, 4).CopyTo(m);
            return m[1] == Complex.Zero && m[2] == Complex.Zero;
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
            Cbit = -1,
        };
    }
}
