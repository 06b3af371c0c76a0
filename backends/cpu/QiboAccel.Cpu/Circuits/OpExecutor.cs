using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.BackendKit.Planning;
using QiboAccel.Cpu.Kernels;

namespace QiboAccel.Cpu.Circuits;

/// <summary>Routes one validated operation to the kernel family that applies it fastest.</summary>
internal static unsafe class OpExecutor
{
    /// <summary>Applies <paramref name="op"/> to the state.</summary>
    public static void Apply<T>(in KernelState<T> state, in DecodedOp op, double* randoms, byte* cbits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op.Kind)
        {
            case QiboOpKind.I:
                return;
            case QiboOpKind.Measure:
                Measure(state, op, randoms[op.RandomIndex], cbits);
                return;
            case QiboOpKind.X:
                PermutationKernel.ApplyX(state, op.Targets[0], op.Controls);
                return;
            case QiboOpKind.Swap:
                PermutationKernel.ApplySwap(state, op.Targets[0], op.Targets[1], op.Controls);
                return;
            case QiboOpKind.Diagonal:
                DiagonalKernel.Apply(state, op.Targets, op.Controls, new ReadOnlySpan<double>(op.Matrix, 2 << op.Targets.Length));
                return;
            case QiboOpKind.Matrix:
                ApplyMatrix(state, op.Targets, op.Controls, new ReadOnlySpan<double>(op.Matrix, 2 << (2 * op.Targets.Length)));
                return;
            default:
                ApplyFixed(state, op);
                return;
        }
    }

    private static void ApplyFixed<T>(in KernelState<T> state, in DecodedOp op) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Phase gates (a QFT is mostly CU1) skip building the matrix: only the amplitudes with the target at 1 change.
        if (OpMatrices.TryPhase(op.Kind, op.Params, out Complex phase))
        {
            if (phase != Complex.One) DiagonalKernel.ApplyPhase(state, op.Targets, op.Controls, 1, phase.Real, phase.Imaginary);
            return;
        }
        Span<double> buffer = stackalloc double[32];
        var (count, diagonal) = OpMatrix.Interleaved(op, buffer);
        if (diagonal) DiagonalKernel.Apply(state, op.Targets, op.Controls, buffer[..count]);
        else ApplyMatrix(state, op.Targets, op.Controls, buffer[..count]);
    }

    /// <summary>A dense matrix: diagonal ones go to the diagonal kernel, 1-qubit ones to the 2x2 kernel.</summary>
    private static void ApplyMatrix<T>(in KernelState<T> state, int[] targets, int[] controls, ReadOnlySpan<double> m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int dim = 1 << targets.Length;
        if (MatrixShape.DiagonalOrNull(m, dim) is { } d)
        {
            DiagonalKernel.Apply(state, targets, controls, d);
        }
        else if (targets.Length == 1)
        {
            SingleQubitKernel.Apply(state, targets[0], controls, m);
        }
        else if (targets.Length != 2 || !TryBlocks(state, targets, controls, m))
        {
            DenseKernel.Apply(state, targets, controls, m);
        }
    }

    /// <summary>The three ways of splitting the 4 basis states of two targets into two pairs.</summary>
    private static readonly int[][] s_pairings = [[1, 2, 0, 3], [0, 1, 2, 3], [0, 2, 1, 3]];

    /// <summary>
    /// A 4x4 matrix that is block diagonal in two 2x2 blocks for one of the pairings (|01&gt;,|10&gt;)+(|00&gt;,|11&gt;),
    /// (|x0&gt;,|x1&gt;) or (|0x&gt;,|1x&gt;) (ISWAP, FSIM, RXX, ...) is applied as one pair pass per non-diagonal block plus
    /// one diagonal pass for the rest (skipped where it is the identity), instead of a dense 4x4 pass.
    /// </summary>
    private static bool TryBlocks<T>(in KernelState<T> state, int[] targets, int[] controls, ReadOnlySpan<double> m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int[] pairing in s_pairings)
        {
            bool fits = true;
            for (int r = 0; r < 4 && fits; r++)
            {
                for (int c = 0; c < 4; c++)
                {
                    if (r == c || Partner(pairing, r) == c) continue;
                    if (m[2 * (4 * r + c)] != 0 || m[2 * (4 * r + c) + 1] != 0)
                    {
                        fits = false;
                        break;
                    }
                }
            }
            if (!fits) continue;

            int a = targets[0], b = targets[1];
            long Offset(int basis) => ((long)(basis >> 1) << a) | ((long)(basis & 1) << b);
            double[] diagonal = [1, 0, 1, 0, 1, 0, 1, 0];
            for (int block = 0; block < 2; block++)
            {
                int p = pairing[2 * block], q = pairing[2 * block + 1];
                double[] sub =
                [
                    m[2 * (4 * p + p)], m[2 * (4 * p + p) + 1], m[2 * (4 * p + q)], m[2 * (4 * p + q) + 1],
                    m[2 * (4 * q + p)], m[2 * (4 * q + p) + 1], m[2 * (4 * q + q)], m[2 * (4 * q + q) + 1],
                ];
                if (sub[2] == 0 && sub[3] == 0 && sub[4] == 0 && sub[5] == 0)
                {
                    diagonal[2 * p] = sub[0];
                    diagonal[2 * p + 1] = sub[1];
                    diagonal[2 * q] = sub[6];
                    diagonal[2 * q + 1] = sub[7];
                    continue;
                }
                var fixedBits = new int[controls.Length + 2];
                long values = Offset(p);
                controls.CopyTo(fixedBits, 0);
                foreach (int c in controls) values |= 1L << c;
                fixedBits[^2] = a;
                fixedBits[^1] = b;
                PairKernel.Apply(state, fixedBits, values, Offset(q) - Offset(p), sub);
            }
            bool identity = true;
            for (int i = 0; i < 4; i++) identity &= diagonal[2 * i] == 1 && diagonal[2 * i + 1] == 0;
            if (!identity) DiagonalKernel.Apply(state, targets, controls, diagonal);
            return true;
        }
        return false;
    }

    private static int Partner(int[] pairing, int basis)
    {
        int at = Array.IndexOf(pairing, basis);
        return pairing[at ^ 1];
    }

    /// <summary>
    /// The header's MEASURE: p0 = P(target = 0) / norm, outcome 1 iff r &gt;= p0, collapse and renormalise,
    /// write the classical bit.
    /// </summary>
    private static void Measure<T>(in KernelState<T> state, in DecodedOp op, double r, byte* cbits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int bit = op.Targets[0];
        double* p = stackalloc double[2];
        Probabilities.Compute(state, [bit], p);
        double total = p[0] + p[1];
        if (!(total > 0) || double.IsInfinity(total))
            throw CpuException.Invalid($"op {op.Index} (MEASURE): the state's norm is {total}; cannot measure it", op.Index);
        double p0 = p[0] / total;
        int outcome = r >= p0 ? 1 : 0;
        double scale = 1 / Math.Sqrt(outcome == 0 ? p[0] : p[1]);
        double[] collapse = outcome == 0 ? [scale, 0, 0, 0] : [0, 0, scale, 0];
        DiagonalKernel.Apply(state, [bit], [], collapse);
        if (op.Cbit >= 0) cbits[op.Cbit] = (byte)outcome;
    }
}
