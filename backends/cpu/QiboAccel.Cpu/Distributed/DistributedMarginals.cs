using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.Cpu.Kernels;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// Marginal probabilities and sampling of a distributed state. Each rank sums its slice with the cpu backend's
/// marginal code over the listed qubits that are local, places those sums at the outcomes whose global bits are its
/// rank's, and the ranks add their arrays (MPI_Allreduce), so every rank ends with the whole marginal.
/// <para>
/// Sampling applies the header's rule to that marginal when it has at most 2^sampling_bits outcomes. Beyond, the
/// rule is applied level by level so no rank ever holds 2^n numbers: the marginal of the first listed qubits picks
/// each shot's leading bits (the smallest i with r·total below the cumulative sum, as the header says), then, for
/// the distinct prefixes drawn, the marginals of the next qubits restricted to those prefixes pick the following
/// bits with what is left of r·total, and so on. That is the same rule over the same cumulative sums, grouped;
/// only round-off at a group boundary could send a shot to a neighbouring outcome.
/// </para>
/// </summary>
internal static unsafe class DistributedMarginals
{
    /// <summary>out[0 .. 2^bits.Length) = the marginal of canonical bits <paramref name="bits"/> (first = most significant), summed over the ranks.</summary>
    public static void Marginal<T>(DistributedState<T> state, int[] bits, double* output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = bits.Length, local = state.Layout.Local;
        long size = 1L << m;
        var localBits = new List<int>(m);   // positions of the listed local qubits, in listed order
        var localSlots = new List<int>(m);  // their bit in the outcome index
        long globalPart = 0;
        for (int a = 0; a < m; a++)
        {
            int p = state.Layout.PositionOf(bits[a]);
            if (p < local)
            {
                localBits.Add(p);
                localSlots.Add(m - 1 - a);
            }
            else
            {
                globalPart |= (long)((state.RankBits >> (p - local)) & 1) << (m - 1 - a);
            }
        }
        if (localBits.Count == m)
        {
            Cpu.Probabilities.Compute(state.Kernel, [.. localBits], output);
        }
        else
        {
            int ml = localBits.Count;
            NativeMemory.Clear(output, (nuint)(size * sizeof(double)));
            double* part = (double*)NativeMemory.Alloc((nuint)((1L << ml) * sizeof(double)));
            try
            {
                Cpu.Probabilities.Compute(state.Kernel, [.. localBits], part);
                for (long j = 0; j < 1L << ml; j++)
                {
                    long index = globalPart;
                    for (int i = 0; i < ml; i++) index |= ((j >> (ml - 1 - i)) & 1) << localSlots[i];
                    output[index] = part[j];
                }
            }
            finally
            {
                NativeMemory.Free(part);
            }
        }
        state.Reduce(output, size);
    }

    /// <summary>Every rank writes the same <paramref name="shots"/> outcomes, drawn with <paramref name="randoms"/> (already rank 0's).</summary>
    public static void Sample<T>(DistributedState<T> state, int[] bits, long shots, double* randoms, ulong* outcomes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = bits.Length, budget = state.Backend.Options.SamplingBits;
        int first = Math.Min(m, budget);
        double[] marginal = new double[1L << first];
        fixed (double* p = marginal)
        {
            Marginal(state, bits[..first], p);
            if (first == m)
            {
                Sampling.FromMarginal(p, marginal.Length, (ulong)shots, randoms, outcomes);
                return;
            }
        }
        // Level 0: the leading bits of every shot and what is left of r·total inside the chosen outcome.
        var prefix = new long[shots];
        var rest = new double[shots];
        var last = new bool[shots]; // rounding sent the shot past the end: it takes the last outcome with p > 0 all the way down
        Pick(marginal, shots, randoms, prefix, rest, last);
        for (int done = first; done < m;)
        {
            long[] distinct = [.. prefix.Distinct().Order()];
            int h = Math.Clamp(budget - (int)Math.Ceiling(Math.Log2(distinct.Length)), 1, m - done);
            var blocks = RestrictedMarginals(state, bits[..done], bits[done..(done + h)], distinct);
            fixed (double* b = blocks) state.Reduce(b, blocks.Length);
            long dim = 1L << h;
            for (long s = 0; s < shots; s++)
            {
                long d = Array.BinarySearch(distinct, prefix[s]);
                var block = new Span<double>(blocks, (int)(d * dim), (int)dim);
                long j = PickOne(block, rest[s], ref last[s], out rest[s]);
                prefix[s] = (prefix[s] << h) | j;
            }
            done += h;
        }
        for (long s = 0; s < shots; s++) outcomes[s] = (ulong)prefix[s];
    }

    /// <summary>The first level: the header's rule on <paramref name="marginal"/> (r·total against the cumulative sums).</summary>
    private static void Pick(double[] marginal, long shots, double* randoms, long[] prefix, double[] rest, bool[] last)
    {
        var cumulative = (double[])marginal.Clone();
        for (int i = 1; i < cumulative.Length; i++) cumulative[i] += cumulative[i - 1];
        double total = cumulative[^1];
        if (!(total > 0) || double.IsInfinity(total))
            throw BackendFault.Invalid($"sample: the state's norm is {total}; cannot sample from it");
        fixed (double* c = cumulative)
        {
            long end = cumulative.Length;
            long lastNonZero = Sampling.FirstAbove(c, end, total, inclusive: true);
            for (long s = 0; s < shots; s++)
            {
                double x = randoms[s] * total;
                long i = Sampling.FirstAbove(c, end, x, inclusive: false);
                if (i == end)
                {
                    i = lastNonZero;
                    last[s] = true;
                }
                prefix[s] = i;
                rest[s] = x - (i > 0 ? c[i - 1] : 0);
            }
        }
    }

    /// <summary>One shot's next bits within <paramref name="block"/> (the marginal of the next qubits given its prefix).</summary>
    private static long PickOne(Span<double> block, double x, ref bool last, out double rest)
    {
        double sum = 0;
        long lastNonZero = 0;
        for (int j = 0; j < block.Length; j++)
        {
            if (block[j] > 0) lastNonZero = j;
        }
        if (!last)
        {
            for (int j = 0; j < block.Length; j++)
            {
                double next = sum + block[j];
                if (x < next)
                {
                    rest = x - sum;
                    return j;
                }
                sum = next;
            }
            last = true; // round-off: past this block's total
        }
        rest = 0;
        return lastNonZero;
    }

    /// <summary>
    /// For each prefix (values of <paramref name="fixedBits"/>, first most significant): the marginal of
    /// <paramref name="groupBits"/> over the amplitudes with those values, this rank's part; blocks of 2^group.
    /// </summary>
    private static double[] RestrictedMarginals<T>(DistributedState<T> state, int[] fixedBits, int[] groupBits, long[] prefixes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = new RestrictedJob<T>(state, fixedBits, groupBits, prefixes);
        KernelState<T> kernel = state.Kernel;
        kernel.Pool.Run(job, prefixes.Length, Math.Min(kernel.Length, prefixes.Length * (kernel.Length >> Math.Min(fixedBits.Length, kernel.NQubits))));
        return job.Blocks;
    }

    private sealed class RestrictedJob<T> : IRangeJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _data;
        private readonly int _local, _rankBits, _h;
        private readonly int[] _fixedPositions, _groupPositions;
        private readonly long[] _prefixes;

        public RestrictedJob(DistributedState<T> state, int[] fixedBits, int[] groupBits, long[] prefixes)
        {
            _data = state.Kernel.Data;
            _local = state.Layout.Local;
            _rankBits = state.RankBits;
            _fixedPositions = [.. fixedBits.Select(state.Layout.PositionOf)];
            _groupPositions = [.. groupBits.Select(state.Layout.PositionOf)];
            _h = groupBits.Length;
            _prefixes = prefixes;
            Blocks = new double[prefixes.Length << _h];
        }

        public double[] Blocks { get; }

        public void Run(int chunk, long begin, long end)
        {
            int f = _fixedPositions.Length, h = _h;
            var fixedLocal = new List<int>(f);
            var groupLocal = new List<(int Position, int Slot)>(h);
            long groupGlobal = 0;
            for (int a = 0; a < h; a++)
            {
                int p = _groupPositions[a];
                if (p < _local) groupLocal.Add((p, h - 1 - a));
                else groupGlobal |= (long)((_rankBits >> (p - _local)) & 1) << (h - 1 - a);
            }
            for (long d = begin; d < end; d++)
            {
                long prefix = _prefixes[d], values = 0;
                bool mine = true;
                fixedLocal.Clear();
                for (int a = 0; a < f && mine; a++)
                {
                    int p = _fixedPositions[a];
                    long bit = (prefix >> (f - 1 - a)) & 1;
                    if (p < _local)
                    {
                        fixedLocal.Add(p);
                        values |= bit << p;
                    }
                    else
                    {
                        mine = bit == ((_rankBits >> (p - _local)) & 1);
                    }
                }
                if (!mine) continue; // the prefix's global bits are another rank's
                var block = new Span<double>(Blocks, (int)(d << h), 1 << h);
                var inserter = new BitInserter(fixedLocal.ToArray(), values);
                long count = 1L << (_local - fixedLocal.Count), run = inserter.RunLength;
                for (long k = 0; k < count;)
                {
                    long runEnd = Math.Min(count, (k | (run - 1)) + 1);
                    long index = inserter.Insert(k);
                    for (long i = index; i < index + (runEnd - k); i++)
                    {
                        long o = groupGlobal;
                        foreach (var (position, slot) in groupLocal) o |= ((i >> position) & 1) << slot;
                        double re = double.CreateTruncating(_data[2 * i]), im = double.CreateTruncating(_data[2 * i + 1]);
                        block[(int)o] += re * re + im * im;
                    }
                    k = runEnd;
                }
            }
        }
    }
}
