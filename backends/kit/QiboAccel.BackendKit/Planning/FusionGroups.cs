using System.Numerics;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit.Planning;

/// <summary>
/// The grouping behind gate fusion: gates that are connected through shared qubits, on at most a given number of
/// bits. One pass in circuit order keeps at most one open group per bit: an operation joins the open groups of its
/// bits (merged into one) when their union stays within <c>maxBits</c> bits; otherwise the largest of those groups is
/// closed (emitted) until it fits. Two open groups never share a bit, so emitting a group where it closes equals
/// applying its operations where they stood. MEASURE, and an operation with too many bits, close the groups on their
/// bits and stand alone.
/// </summary>
/// <remarks>
/// Unlike <see cref="QubitGroups"/> (cache blocking, which wants any operations that fit in one block), a fusion
/// group should hold many gates per bit: a dense k-qubit product costs 2^k multiply-adds per amplitude whatever it
/// holds, so it pays only when its gates act again and again on the same few qubits.
/// </remarks>
public static class FusionGroups
{
    /// <summary>
    /// Groups <paramref name="ops"/> into connected sets of at most <paramref name="maxBits"/> bits. Every operation is in
    /// exactly one group; applying the groups in order, each group's operations in order, equals applying the batch.
    /// </summary>
    public static List<QubitGroup> Plan(IReadOnlyList<DecodedOp> ops, int maxBits)
    {
        var result = new List<QubitGroup>();
        var owner = new OpenGroup?[64];
        var open = new List<OpenGroup>();

        void Close(OpenGroup g)
        {
            result.Add(new QubitGroup([.. g.Indices], g.Mask));
            for (ulong m = g.Mask; m != 0; m &= m - 1) owner[BitOperations.TrailingZeroCount(m)] = null;
            open.Remove(g);
        }

        List<OpenGroup> Touching(ulong mask)
        {
            var touching = new List<OpenGroup>();
            for (ulong m = mask; m != 0; m &= m - 1)
            {
                if (owner[BitOperations.TrailingZeroCount(m)] is { } g && !touching.Contains(g)) touching.Add(g);
            }
            return touching;
        }

        for (int i = 0; i < ops.Count; i++)
        {
            ulong mask = QubitGroups.Mask(ops[i]);
            if (ops[i].Kind == QiboOpKind.Measure || BitOperations.PopCount(mask) > maxBits)
            {
                foreach (OpenGroup g in Touching(mask)) Close(g);
                result.Add(new QubitGroup([i], mask));
                continue;
            }
            List<OpenGroup> touching = Touching(mask);
            ulong union = mask;
            foreach (OpenGroup g in touching) union |= g.Mask;
            while (BitOperations.PopCount(union) > maxBits)
            {
                OpenGroup largest = touching.MaxBy(g => BitOperations.PopCount(g.Mask))!;
                Close(largest);
                touching.Remove(largest);
                union = mask;
                foreach (OpenGroup g in touching) union |= g.Mask;
            }
            var merged = new OpenGroup { Mask = union };
            foreach (OpenGroup g in touching)
            {
                merged.Indices.AddRange(g.Indices);
                open.Remove(g);
            }
            // Operations of different groups act on disjoint bits: sorting restores circuit order where it matters.
            merged.Indices.Sort();
            merged.Indices.Add(i);
            open.Add(merged);
            for (ulong m = union; m != 0; m &= m - 1) owner[BitOperations.TrailingZeroCount(m)] = merged;
        }
        foreach (OpenGroup g in open.OrderBy(g => g.Indices[0]).ToList()) Close(g);
        return result;
    }

    private sealed class OpenGroup
    {
        public List<int> Indices { get; } = [];
        public ulong Mask { get; set; }
    }
}
