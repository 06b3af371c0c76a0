using System.Numerics;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit.Planning;

/// <summary>A group of a batch's operations that touch at most a given number of amplitude bits.</summary>
/// <param name="Indices">Positions of the operations in the batch, in the order they are applied.</param>
/// <param name="Mask">The bits they touch (targets and controls), with the base mask the plan started from.</param>
public sealed record QubitGroup(int[] Indices, ulong Mask);

/// <summary>
/// The grouping behind both the CPU backend's cache blocking and the GPU backend's gate fusion. Each group greedily
/// takes, in circuit order, every remaining operation whose bits fit in the group's set (growing it up to
/// <c>maxBits</c> bits) and that commutes with the operations left behind before it (disjoint bits); an operation that
/// does not fit is left for a later group and blocks its bits for the rest of the scan. MEASURE is a barrier: no group
/// reaches past it, and it is a group of its own, as is an operation with too many bits for any group.
/// </summary>
public static class QubitGroups
{
    /// <summary>
    /// Groups <paramref name="ops"/> (on <paramref name="n"/> bits) into sets of at most <paramref name="maxBits"/>
    /// bits that always include <paramref name="baseMask"/>. Every operation is in exactly one group; applying the
    /// groups in order, each group's operations in order, equals applying the batch in order.
    /// </summary>
    public static List<QubitGroup> Plan(IReadOnlyList<DecodedOp> ops, int n, int maxBits, ulong baseMask)
    {
        var groups = new List<QubitGroup>();
        int count = ops.Count, start = 0;
        var done = new bool[count];
        ulong all = n >= 64 ? ulong.MaxValue : (1UL << n) - 1;
        var taken = new List<int>();
        while (true)
        {
            while (start < count && done[start]) start++;
            if (start == count) break;
            DecodedOp head = ops[start];
            if (head.Kind == QiboOpKind.Measure || BitOperations.PopCount(Mask(head) | baseMask) > maxBits)
            {
                groups.Add(new QubitGroup([start], Mask(head) | baseMask));
                done[start] = true;
                continue;
            }
            ulong inner = baseMask, deferred = 0;
            taken.Clear();
            for (int i = start; i < count; i++)
            {
                if (done[i]) continue;
                DecodedOp op = ops[i];
                if (op.Kind == QiboOpKind.Measure) break;
                ulong m = Mask(op);
                if ((m & deferred) != 0 || BitOperations.PopCount(inner | m) > maxBits)
                {
                    deferred |= m;
                    if (deferred == all) break;
                    continue;
                }
                inner |= m;
                taken.Add(i);
            }
            foreach (int i in taken) done[i] = true;
            groups.Add(new QubitGroup([.. taken], inner));
        }
        return groups;
    }

    /// <summary>The bits an operation touches: its targets and controls.</summary>
    public static ulong Mask(in DecodedOp op)
    {
        ulong m = 0;
        foreach (int t in op.Targets) m |= 1UL << t;
        foreach (int c in op.Controls) m |= 1UL << c;
        return m;
    }
}
