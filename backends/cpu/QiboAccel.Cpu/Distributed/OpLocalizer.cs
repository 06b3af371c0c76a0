using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// Turns one operation of the caller's circuit into what this rank applies to its slice (the cpu kernels' input: an
/// operation on local bit positions), given the current <see cref="QubitLayout"/>:
/// <list type="bullet">
/// <item>a control on a global qubit is settled by the rank number: the operation is dropped on ranks where it is 0,
/// and the control is dropped where it is 1;</item>
/// <item>a diagonal operation (DIAGONAL, Z, S, T, RZ, U1, RZZ, ..., or a MATRIX that is diagonal) needs no data from
/// other ranks even on global targets: the rank keeps the entries whose global target bits equal its own, a smaller
/// diagonal on the local targets, or a single phase on its whole slice;</item>
/// <item>any other operation must have every target local (<see cref="NeedsExchange"/>): the state swaps global
/// targets into the slice first.</item>
/// </list>
/// </summary>
internal sealed unsafe class OpLocalizer(QubitLayout layout, int rankBits)
{
    private readonly List<double[]> _keep = [];

    /// <summary>True when <paramref name="op"/>'s matrix is diagonal (no amplitude moves between basis states).</summary>
    public static bool IsDiagonal(in DecodedOp op)
    {
        if (OpMatrices.IsDiagonal(op.Kind)) return true;
        if (op.Kind != QiboOpKind.Matrix) return false;
        int dim = 1 << op.Targets.Length;
        return MatrixShape.DiagonalOrNull(new ReadOnlySpan<double>(op.Matrix, 2 * dim * dim), dim) != null;
    }

    /// <summary>True when a non-diagonal <paramref name="op"/> has a target outside the slice.</summary>
    public bool NeedsExchange(in DecodedOp op, bool diagonal)
    {
        if (diagonal) return false;
        foreach (int t in op.Targets)
        {
            if (layout.PositionOf(t) >= layout.Local) return true;
        }
        return false;
    }

    /// <summary>
    /// The operation this rank applies for <paramref name="op"/> (targets already local unless it is diagonal), or
    /// null when it has nothing to do.
    /// </summary>
    public DecodedOp? Localize(in DecodedOp op, bool diagonal)
    {
        int local = layout.Local;
        var controls = new List<int>(op.Controls.Length);
        foreach (int c in op.Controls)
        {
            int p = layout.PositionOf(c);
            if (p < local) controls.Add(p);
            else if (((rankBits >> (p - local)) & 1) == 0) return null;
        }
        int t = op.Targets.Length;
        var positions = new int[t];
        bool allLocal = true;
        for (int a = 0; a < t; a++)
        {
            positions[a] = layout.PositionOf(op.Targets[a]);
            allLocal &= positions[a] < local;
        }
        if (allLocal) return op with { Targets = positions, Controls = [.. controls] };
        if (!diagonal) throw BackendFault.Internal($"op {op.Index} ({OpNames.Of(op.Kind)}): a target is not local");

        Complex[] d = FullDiagonal(op);
        var localTargets = new List<int>(t);
        long fixedIndex = 0; // the full-diagonal index bits set by this rank's global targets
        for (int a = 0; a < t; a++)
        {
            if (positions[a] < local) localTargets.Add(a);
            else fixedIndex |= (long)((rankBits >> (positions[a] - local)) & 1) << (t - 1 - a);
        }
        if (localTargets.Count > 0)
        {
            int m = localTargets.Count;
            double[] sub = Pinned(2 << m);
            for (int j = 0; j < 1 << m; j++)
            {
                long index = fixedIndex;
                for (int i = 0; i < m; i++) index |= (long)((j >> (m - 1 - i)) & 1) << (t - 1 - localTargets[i]);
                sub[2 * j] = d[index].Real;
                sub[2 * j + 1] = d[index].Imaginary;
            }
            return Diagonal(op.Index, [.. localTargets.Select(a => positions[a])], [.. controls], sub);
        }
        // Every target is global: one phase on the whole slice (or on the part where the local controls are 1).
        Complex phase = d[fixedIndex];
        if (phase == Complex.One) return null;
        if (controls.Count > 0)
        {
            return Diagonal(op.Index, [controls[^1]], [.. controls.Take(controls.Count - 1)],
                Filled(1, 0, phase.Real, phase.Imaginary));
        }
        return Diagonal(op.Index, [0], [], Filled(phase.Real, phase.Imaginary, phase.Real, phase.Imaginary));
    }

    /// <summary>A SWAP of two local positions (used to put the bits back in order).</summary>
    public static DecodedOp LocalSwap(int p, int q) => new()
    {
        Index = -1,
        Kind = QiboOpKind.Swap,
        Targets = [p, q],
        Controls = [],
        Cbit = -1,
    };

    /// <summary>The 2^t diagonal entries of a diagonal operation.</summary>
    private static Complex[] FullDiagonal(in DecodedOp op)
    {
        int dim = 1 << op.Targets.Length;
        var d = new Complex[dim];
        switch (op.Kind)
        {
            case QiboOpKind.Diagonal:
                for (int i = 0; i < dim; i++) d[i] = new Complex(op.Matrix[2 * i], op.Matrix[2 * i + 1]);
                break;
            case QiboOpKind.Matrix:
                for (int i = 0; i < dim; i++) d[i] = new Complex(op.Matrix[2 * (i * dim + i)], op.Matrix[2 * (i * dim + i) + 1]);
                break;
            default:
                Complex[] m = OpMatrices.Of(op.Kind, op.Params);
                for (int i = 0; i < dim; i++) d[i] = m[i * dim + i];
                break;
        }
        return d;
    }

    private double[] Pinned(int length)
    {
        double[] data = GC.AllocateArray<double>(length, pinned: true);
        _keep.Add(data); // the operation points into it until the batch is applied
        return data;
    }

    private double[] Filled(double a, double b, double c, double d)
    {
        double[] data = Pinned(4);
        data[0] = a;
        data[1] = b;
        data[2] = c;
        data[3] = d;
        return data;
    }

    private static DecodedOp Diagonal(long index, int[] targets, int[] controls, double[] entries) => new()
    {
        Index = index,
        Kind = QiboOpKind.Diagonal,
        Targets = targets,
        Controls = controls,
        Matrix = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(entries)),
        Cbit = -1,
    };
}
