using System.Numerics;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit.Planning;

/// <summary>
/// Merges diagonal operations that follow each other on any qubits (a layer of CZ gates, CU1 ladders, RZZ terms) into
/// one DIAGONAL on at most <c>maxBits</c> bits, where that touches fewer amplitudes than the operations apart. Why:
/// <see cref="GroupFusion"/> groups gates connected through shared qubits, so the CZs of a layer, joined to the
/// dense gates around them, never form an all-diagonal group; yet diagonal operations commute with each other
/// whatever their qubits, and a kernel that visits only the entries that are not 1 applies the product of a
/// chain of CZs on k bits (about half its entries are -1) for about what two of them cost.
/// </summary>
public static class DiagonalFusion
{
    /// <summary>
    /// The batch with runs of diagonal operations merged. One group is open at a time: a diagonal operation joins it
    /// while the group's bits stay within <paramref name="maxBits"/>, else the group closes and a new one starts; an
    /// operation that is not diagonal closes the group when it touches the group's bits (it does not commute with
    /// them). A closed group stands where its last operation stood (valid: everything between its members on its bits
    /// is diagonal, and everything else is on other bits) and is merged only when its product has fewer entries
    /// other than 1 than its members change together (<see cref="GroupFusion.Cost"/>). New diagonals live in pinned
    /// arrays added to <paramref name="keep"/>.
    /// </summary>
    public static List<DecodedOp> Fuse(List<DecodedOp> ops, int maxBits, List<double[]> keep, out int merged)
    {
        merged = 0;
        var output = new List<DecodedOp>(ops.Count);
        var members = new List<DecodedOp>();
        var slots = new List<int>();   // where each member stood in output (a placeholder until the group closes)
        ulong mask = 0;
        int mergedCount = 0;

        void Close()
        {
            if (members.Count >= 2 && TryMerge(members, mask, keep) is { } op)
            {
                // The merged diagonal takes the last member's slot; the other slots are dropped below.
                for (int i = 0; i < slots.Count - 1; i++) output[slots[i]] = default;
                output[slots[^1]] = op;
                mergedCount++;
            }
            members.Clear();
            slots.Clear();
            mask = 0;
        }

        foreach (DecodedOp op in ops)
        {
            ulong bits = QubitGroups.Mask(op);
            bool diagonal = Diagonal(op); // never MEASURE (not a unitary kind)
            if (!diagonal)
            {
                if ((bits & mask) != 0 || op.Kind == QiboOpKind.Measure) Close();
                output.Add(op);
                continue;
            }
            if (BitOperations.PopCount(mask | bits) > maxBits) Close();
            if (BitOperations.PopCount(bits) > maxBits)
            {
                output.Add(op);
                continue;
            }
            members.Add(op);
            slots.Add(output.Count);
            mask |= bits;
            output.Add(op);
        }
        Close();
        merged = mergedCount;
        if (merged == 0) return ops;
        // Dropped slots hold default(DecodedOp), whose Targets is null.
        return output.Where(o => o.Targets is not null).ToList();
    }

    private static bool Diagonal(in DecodedOp op) =>
        (op.Kind == QiboOpKind.Matrix || op.Kind == QiboOpKind.Diagonal || OpMatrices.IsFixed(op.Kind)) && OpMatrix.IsDiagonal(op);

    private static DecodedOp? TryMerge(List<DecodedOp> members, ulong mask, List<double[]> keep)
    {
        // Group bits, highest amplitude bit (lowest qubit) first: the first target is the most significant bit.
        int[] bits = [.. Enumerable.Range(0, 64).Where(b => (mask & (1UL << b)) != 0).Reverse()];
        Complex[] diagonal = FusedMatrix.DiagonalOf(members, bits);
        int changed = diagonal.Count(d => d != Complex.One);
        double apart = members.Sum(m => GroupFusion.Cost(m, [1]));
        if ((double)changed / diagonal.Length >= apart) return null;
        return SingleQubitFusion.MatrixOp(bits, diagonal, members[0].Index, keep, QiboOpKind.Diagonal);
    }
}
