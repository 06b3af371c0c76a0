using System.Numerics;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// ABI 1.1's state-to-state operations on distributed states: state_copy, state_inner_product and state_expectation.
/// Each rank runs the cpu backend's own kernels (<see cref="Overlaps"/>) on its slice; what is added here is only
/// what crosses ranks. Every call starts with an agreement on its arguments (the states' numbers, the Pauli
/// strings), keeps going through its exchanges even when this rank's local work failed, and ends with an agreement
/// that turns any rank's failure into the same error on every rank before the sums are reduced.
/// <list type="bullet">
/// <item><b>Copy</b>: each rank copies its slice and the source's <see cref="QubitLayout"/> (the slice is copied as it
/// lies, so the copy needs no exchange). No data crosses ranks.</item>
/// <item><b>Inner product</b>: the two states may hold their qubits at different positions (gates swap qubits in
/// and out of the slices of each state separately). The ket is brought to the bra's layout with the same swaps as
/// any gate (<see cref="DistributedState{T}.MoveGlobalsTo"/>: half a slice each way per global position that
/// differs); permuting where the bits lie does not change the state, so this is allowed on a "const" ket. Then each
/// rank sums conj(bra)·ket over its slice in double, and one MPI_Allreduce adds the two numbers.</item>
/// <item><b>Expectation</b>: the Pauli strings' index masks name logical qubits; they are translated through the
/// layout to physical positions. Sign bits on global positions are a constant sign per rank. A string whose flips
/// touch only local positions is summed on the slice; one whose flips touch global positions G pairs rank r with
/// rank r ^ G, which streams its slice over in chunks (<see cref="SliceExchange.Stream"/>) while r sums
/// conj(partner chunk)·own chunk. Strings with the same global flips (and flips on the same high local bits) share
/// one stream. The per-rank sums are added with one MPI_Allreduce.</item>
/// </list>
/// A replicated state (too small to split) is whole on every rank: every rank computes the same value, no exchange,
/// no reduction.
/// </summary>
internal static unsafe class DistributedOverlaps
{
    /// <summary>state_copy: <paramref name="destination"/> (same instance, qubits and precision) takes the source's slice and layout.</summary>
    public static void Copy<T>(DistributedState<T> source, DistributedState<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Communicator comm = source.Comm;
        lock (comm.Gate)
        {
            comm.Agree(null, new CallSignature("state_copy").Add(source.Serial).Add(destination.Serial).Value, "state_copy");
            Exception? failure = null;
            try
            {
                if (source.Replicated != destination.Replicated || source.Layout.Local != destination.Layout.Local)
                    throw BackendFault.Internal("state_copy: the two states are split differently");
                Overlaps.Copy(source.Kernel.Data, destination.Kernel.Data, source.Layout.Local, source.Backend.Cpu.Pool);
                destination.Layout.CopyFrom(source.Layout);
            }
            catch (Exception e)
            {
                failure = e;
            }
            comm.Agree(failure, 0, "state_copy");
        }
    }

    /// <summary>state_inner_product: ⟨bra|ket⟩ in double, the ket first brought to the bra's layout.</summary>
    public static (double Re, double Im) InnerProduct<T>(DistributedState<T> bra, DistributedState<T> ket) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Communicator comm = bra.Comm;
        lock (comm.Gate)
        {
            comm.Agree(null, new CallSignature("state_inner_product").Add(bra.Serial).Add(ket.Serial).Value, "state_inner_product");
            // Layouts are the same on every rank (each changes only through agreed calls), so every rank takes the same
            // branch and pairs the same exchanges. Ket = bra has one layout.
            if (!ReferenceEquals(bra, ket) && !ket.Layout.SameAs(bra.Layout)) ket.MoveGlobalsTo(bra.Layout);
            double* sums = stackalloc double[2];
            Exception? failure = null;
            try
            {
                if (!ReferenceEquals(bra, ket)) ket.PermuteLocalsTo(bra.Layout);
                (sums[0], sums[1]) = Overlaps.InnerProduct(bra.Kernel.Data, ket.Kernel.Data, bra.Layout.Local, bra.Backend.Cpu.Pool);
            }
            catch (Exception e)
            {
                failure = e;
            }
            comm.Agree(failure, 0, "state_inner_product");
            bra.Reduce(sums, 2);
            return (sums[0], sums[1]);
        }
    }

    /// <summary>state_expectation: Σ c·⟨ψ|P|ψ⟩ over validated strings in amplitude-index form (logical bits).</summary>
    public static double Expectation<T>(DistributedState<T> state, ReadOnlySpan<PauliString> terms) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Communicator comm = state.Comm;
        lock (comm.Gate)
        {
            var signature = new CallSignature("state_expectation").Add(state.Serial).Add(terms.Length);
            foreach (PauliString t in terms) signature.Add(t.Coefficient).Add(t.Flip).Add(t.Sign).Add(t.YCount);
            comm.Agree(null, signature.Value, "state_expectation");

            QubitLayout layout = state.Layout;
            int local = layout.Local;
            ulong localMask = (1UL << local) - 1;
            // The stream's chunk: a power of two of amplitudes that fits the exchange buffer (0 for a replicated state,
            // which never streams: all its positions are local).
            long chunk = state.Replicated ? 0 : 1L << BitOperations.Log2((ulong)(state.Exchange.ChunkBytes / DistributedState<T>.ElementBytes));
            int chunkBits = chunk == 0 ? local : BitOperations.Log2((ulong)chunk);
            // Each string on physical positions: local flips and signs as the cpu kernel takes them, the rank's sign for
            // the global sign bits folded into the coefficient. Grouped by what the partner must send: its rank
            // (global flips) and which of its chunks (the flips above the chunk's bits).
            var groups = new List<(ulong GlobalFlip, ulong ChunkFlip, List<PauliString> Terms)>();
            var groupOf = new Dictionary<(ulong, ulong), int>();
            foreach (PauliString t in terms)
            {
                ulong flip = Physical(layout, t.Flip), sign = Physical(layout, t.Sign);
                ulong globalFlip = flip >> local, globalSign = sign >> local;
                double coefficient = (BitOperations.PopCount(globalSign & (ulong)state.RankBits) & 1) == 0 ? t.Coefficient : -t.Coefficient;
                ulong chunkFlip = globalFlip == 0 ? 0 : (flip & localMask) >> chunkBits;
                var term = new PauliString(coefficient, flip & localMask, sign & localMask, t.YCount);
                if (groupOf.TryGetValue((globalFlip, chunkFlip), out int g))
                {
                    groups[g].Terms.Add(term);
                }
                else
                {
                    groupOf[(globalFlip, chunkFlip)] = groups.Count;
                    groups.Add((globalFlip, chunkFlip, [term]));
                }
            }

            double sum = 0;
            Exception? failure = null;
            T* data = state.Kernel.Data;
            var pool = state.Backend.Cpu.Pool;
            foreach (var (globalFlip, chunkFlip, group) in groups)
            {
                if (globalFlip == 0)
                {
                    try
                    {
                        foreach (var byFlip in group.GroupBy(t => t.Flip)) sum += Overlaps.PauliSum(data, data, local, byFlip.Key, [.. byFlip], 0, pool);
                    }
                    catch (Exception e)
                    {
                        failure ??= e;
                    }
                    continue;
                }
                // Why stream the partner's slice rather than swap the flipped global qubits into the slices: a string
                // may flip more qubits than a slice holds (X on every qubit), which no choice of local qubits makes
                // local, and streaming never changes the layout. It moves a whole slice each way per group instead of
                // half a slice per swapped qubit.
                var byLowFlip = group.GroupBy(t => t.Flip & (ulong)(chunk - 1)).Select(x => (Flip: x.Key, Terms: x.ToArray())).ToArray();
                state.Exchange.Stream((byte*)data, (1L << local) * DistributedState<T>.ElementBytes, chunk * DistributedState<T>.ElementBytes,
                    (long)chunkFlip, comm.Rank ^ (int)globalFlip, (c, received) =>
                    {
                        if (failure != null) return; // keep pairing the partner's sends; the error is agreed below
                        try
                        {
                            foreach (var (flip, part) in byLowFlip)
                                sum += Overlaps.PauliSum((T*)received, data + 2 * c * chunk, chunkBits, flip, part, (ulong)(c * chunk), pool);
                        }
                        catch (Exception e)
                        {
                            failure = e;
                        }
                    });
            }
            comm.Agree(failure, 0, "state_expectation");
            double* reduced = stackalloc double[1];
            reduced[0] = sum;
            state.Reduce(reduced, 1);
            return reduced[0];
        }
    }

    /// <summary>The physical positions of the canonical bits in <paramref name="mask"/>.</summary>
    private static ulong Physical(QubitLayout layout, ulong mask)
    {
        ulong result = 0;
        for (; mask != 0; mask &= mask - 1) result |= 1UL << layout.PositionOf(BitOperations.TrailingZeroCount(mask));
        return result;
    }
}
