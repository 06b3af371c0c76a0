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
        switch (op.Kind)
        {
            case QiboOpKind.Matrix:
            {
                var m = new Complex[dim * dim];
                for (int i = 0; i < m.Length; i++) m[i] = new Complex(op.Matrix[2 * i], op.Matrix[2 * i + 1]);
                return m;
            }
            case QiboOpKind.Diagonal:
            {
                var m = new Complex[dim * dim];
                for (int i = 0; i < dim; i++) m[i * dim + i] = new Complex(op.Matrix[2 * i], op.Matrix[2 * i + 1]);
                return m;
            }
            case QiboOpKind.GeneralizedFSim:
            {
                var block = new Complex[4];
                for (int i = 0; i < 4; i++) block[i] = new Complex(op.Matrix[2 * i], op.Matrix[2 * i + 1]);
                return OpMatrices.Of(op.Kind, op.Params, block);
            }
            default:
                return OpMatrices.Of(op.Kind, op.Params);
        }
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
