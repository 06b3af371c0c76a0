using System.Numerics;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit.Planning;

/// <summary>The matrix of a unitary record on its targets (controls not included), from its kind, parameters or data.</summary>
public static unsafe class OpMatrix
{
    /// <summary>The 2^t x 2^t row-major matrix of <paramref name="op"/> on its t targets.</summary>
    public static Complex[] Of(in DecodedOp op)
    {
        int dim = 1 << op.Targets.Length;
        var m = new Complex[dim * dim];
        Write(op, m);
        return m;
    }

    /// <summary><see cref="Of"/> into <paramref name="m"/> (2^t x 2^t entries), without allocating.</summary>
    public static void Write(in DecodedOp op, Span<Complex> m)
    {
        int dim = 1 << op.Targets.Length;
        switch (op.Kind)
        {
            case QiboOpKind.Matrix:
                for (int i = 0; i < dim * dim; i++) m[i] = new Complex(op.Matrix[2 * i], op.Matrix[2 * i + 1]);
                return;
            case QiboOpKind.Diagonal:
                m[..(dim * dim)].Clear();
                for (int i = 0; i < dim; i++) m[i * dim + i] = new Complex(op.Matrix[2 * i], op.Matrix[2 * i + 1]);
                return;
            case QiboOpKind.GeneralizedFSim:
            {
                Span<Complex> block = stackalloc Complex[4];
                for (int i = 0; i < 4; i++) block[i] = new Complex(op.Matrix[2 * i], op.Matrix[2 * i + 1]);
                OpMatrices.Write(op.Kind, op.Params, m, block);
                return;
            }
            default:
                OpMatrices.Write(op.Kind, op.Params, m);
                return;
        }
    }

    /// <summary>
    /// A fixed-kind record (H, RX, CZ, fSim, …) as the kernels take it, real and imaginary parts interleaved: its
    /// diagonal (2^t values) when the kind is diagonal, else the dense 2^t x 2^t matrix.
    /// </summary>
    public static (double[] Values, bool IsDiagonal) Interleaved(in DecodedOp op)
    {
        Complex[] matrix = Of(op);
        int dim = 1 << op.Targets.Length;
        bool diagonal = OpMatrices.IsDiagonal(op.Kind);
        var values = new double[2 * (diagonal ? dim : matrix.Length)];
        for (int i = 0; i < values.Length / 2; i++)
        {
            Complex v = diagonal ? matrix[i * dim + i] : matrix[i];
            values[2 * i] = v.Real;
            values[2 * i + 1] = v.Imaginary;
        }
        return (values, diagonal);
    }

    /// <summary>
    /// <see cref="Interleaved(in DecodedOp)"/> for a fixed-kind record (not MATRIX or DIAGONAL) into
    /// <paramref name="values"/> (32 doubles hold any of them), without allocating: the number of doubles written.
    /// </summary>
    public static (int Count, bool IsDiagonal) Interleaved(in DecodedOp op, Span<double> values)
    {
        if (op.Kind is QiboOpKind.Matrix or QiboOpKind.Diagonal)
            throw new ArgumentException($"{op.Kind} is not a fixed kind: its values are the record's own", nameof(op));
        int dim = 1 << op.Targets.Length;
        Span<Complex> matrix = stackalloc Complex[dim * dim];
        Write(op, matrix);
        bool diagonal = OpMatrices.IsDiagonal(op.Kind);
        int count = diagonal ? dim : dim * dim;
        for (int i = 0; i < count; i++)
        {
            Complex v = diagonal ? matrix[i * dim + i] : matrix[i];
            values[2 * i] = v.Real;
            values[2 * i + 1] = v.Imaginary;
        }
        return (2 * count, diagonal);
    }

    /// <summary>True when the record's matrix (with its controls) is diagonal.</summary>
    public static bool IsDiagonal(in DecodedOp op)
    {
        if (op.Kind == QiboOpKind.Matrix)
        {
            int dim = 1 << op.Targets.Length;
            return MatrixShape.DiagonalOrNull(new ReadOnlySpan<double>(op.Matrix, 2 * dim * dim), dim) != null;
        }
        return OpMatrices.IsDiagonal(op.Kind);
    }
}
