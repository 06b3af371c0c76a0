using System.Numerics;
using QiboAccel.BackendKit.Planning;

namespace QiboAccel.Cpu.Circuits;

/// <summary>
/// Cache-blocking plan. A block is 2^B amplitudes whose indices differ only in a set of B "inner" bits that always
/// includes the lowest R bits (R = <see cref="BatchRunner.RunBits"/>), so a block is 2^(B-R) contiguous runs. The
/// passes are <see cref="QubitGroups"/> (the grouping shared with the GPU backend's fusion) started from the low R
/// bits: each takes every remaining operation that fits in B bits and commutes with those left behind. MEASURE is a
/// barrier and runs on its own, as does an operation with too many bits for any block and a pass that would hold a
/// single operation.
/// </summary>
internal static class Planner
{
    public static List<PlannedPass> Plan(List<DecodedOp> ops, int n, int blockQubits, int runBits)
    {
        var passes = new List<PlannedPass>();
        ulong low = (1UL << runBits) - 1;
        foreach (QubitGroup group in QubitGroups.Plan(ops, n, blockQubits, low))
        {
            if (group.Indices.Length == 1)
            {
                passes.Add(new PlannedPass([ops[group.Indices[0]]], 0));
                continue;
            }
            // Fill the block up to B bits with the lowest unused bits (longer contiguous runs).
            ulong inner = group.Mask;
            for (int b = 0; b < n && BitOperations.PopCount(inner) < blockQubits; b++) inner |= 1UL << b;
            passes.Add(new PlannedPass([.. group.Indices.Select(i => ops[i])], inner));
        }
        return passes;
    }
}
