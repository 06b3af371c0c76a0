using System.Numerics;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit.Planning;

/// <summary>
/// Gate fusion, second stage (after <see cref="SingleQubitFusion"/>): <see cref="FusionGroups"/> gathers connected operations
/// that touch at most <c>maxBits</c> bits and commute with what they are moved past, and each group is replaced by
/// one operation where the backend's cost model says it pays: a group of diagonal operations by one DIAGONAL on its
/// bits (Z, S, T, RZ, CZ, CU1, RZZ, ... merge into one phase table), any other group by one dense MATRIX.
/// MEASURE is a barrier. Shared by the CPU backend (cost = arithmetic on cache-resident blocks) and the GPU backend
/// (cost = memory passes); only the price of a dense k-qubit product differs.
/// </summary>
public static class GroupFusion
{
    /// <summary>
    /// The fused batch. <paramref name="denseCost"/>[k - 1] is the cost of one dense k-target product relative to a
    /// 1-qubit one (entries beyond its length take the last); null fuses every group of two or more operations (for
    /// tests and measurements of the fused kernels). New matrices live in pinned arrays added to
    /// <paramref name="keep"/>: keep it alive while the returned operations are in use.
    /// </summary>
    public static List<DecodedOp> Fuse(List<DecodedOp> ops, int maxBits, double[]? denseCost, List<double[]> keep, out int fused)
    {
        fused = 0;
        // A fused group stands where its last gate stood; everything else keeps its place, so the cache-blocking plan
        // sees the circuit's own order. (Valid: a gate between a group's first and last gate that shares a qubit with
        // an earlier member would have joined the group or closed it.)
        var replacement = new DecodedOp?[ops.Count];
        var dropped = new bool[ops.Count];
        foreach (QubitGroup group in FusionGroups.Plan(ops, maxBits))
        {
            if (group.Indices.Length == 1) continue;
            DecodedOp[] members = [.. group.Indices.Select(i => ops[i])];
            // Group bits, highest amplitude bit (lowest qubit) first: the first target is the matrix's most significant bit.
            int[] bits = [.. Enumerable.Range(0, 64).Where(b => (group.Mask & (1UL << b)) != 0).Reverse()];
            bool diagonal = members.All(m => OpMatrix.IsDiagonal(m));
            if (denseCost is not null && (diagonal ? 1 : DenseCost(denseCost, bits.Length)) >= members.Sum(m => Cost(m, denseCost))) continue;
            fused++;
            foreach (int i in group.Indices) dropped[i] = true;
            replacement[group.Indices[^1]] = diagonal
                ? SingleQubitFusion.MatrixOp(bits, FusedMatrix.DiagonalOf(members, bits), members[0].Index, keep, QiboOpKind.Diagonal)
                : SingleQubitFusion.MatrixOp(bits, FusedMatrix.Of(members, bits), members[0].Index, keep);
        }
        if (fused == 0) return ops;
        var output = new List<DecodedOp>(ops.Count);
        for (int i = 0; i < ops.Count; i++)
        {
            if (replacement[i] is { } op) output.Add(op);
            else if (!dropped[i]) output.Add(ops[i]);
        }
        return output;
    }

    /// <summary>
    /// The cost of one operation applied on its own: the fraction of the amplitudes it changes (a gate with c
    /// controls: 2^-c; SWAP half of that; a phase diag(1, .., 1, e^ia) on k bits: 2^-k) times, for a dense matrix on k
    /// targets, the price of a 2^k-row product.
    /// </summary>
    public static double Cost(in DecodedOp op, double[] denseCost)
    {
        int c = op.Controls.Length, k = op.Targets.Length;
        double fraction = Math.Pow(2, -c);
        if (op.Kind == QiboOpKind.X) return fraction;
        if (op.Kind == QiboOpKind.Swap) return fraction / 2;
        if (OpMatrix.IsDiagonal(op))
        {
            Complex[] m = OpMatrix.Of(op);
            int dim = 1 << k;
            bool phase = true;
            for (int i = 0; i < dim - 1 && phase; i++) phase = m[i * dim + i] == Complex.One;
            return phase ? fraction * Math.Pow(2, -k) : fraction;
        }
        return fraction * DenseCost(denseCost, k);
    }

    private static double DenseCost(double[] table, int k) => table[Math.Clamp(k, 1, table.Length) - 1];
}
