using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.Cpu.Kernels;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu;

/// <summary>
/// Shots drawn from the marginal distribution of chosen qubits with the header's exact rule: the cumulative sums
/// C_i = p[0] + ... + p[i] are formed in increasing i in double, and shot s is the smallest i with r_s * total &lt; C_i
/// (when rounding leaves none, the first i whose C_i reaches the total). The state is not changed.
/// <para>
/// Small marginals (at most 2^16 outcomes) are turned into their cumulative sums and searched per shot: the table
/// stays in cache. Large ones are never searched at random: one sequential pass forms the C_i and keeps only the
/// sum at the end of each block of <see cref="BlockOutcomes"/> outcomes (the chain of additions is the rule's own,
/// so it cannot be split across threads); the shots are sorted by their random number, which orders their targets
/// r * total; and the blocks that hold a target are formed again, in parallel, each from the exact sum before it, so
/// every C_i is bit for bit the one of the sequential chain. When the sampled qubits are the leading ones in order
/// (every qubit: outcome = amplitude index) the probabilities are read straight from the state, so sampling costs
/// about two reads of it plus O(shots log shots), and no 2^n marginal is ever held.
/// </para>
/// </summary>
internal static unsafe class Sampling
{
    /// <summary>Marginals up to this many outcomes are sampled by binary search in their cumulative sums.</summary>
    public const long SearchLimit = 1L << 16;

    /// <summary>Outcomes per block of the sweep (32 KiB of probabilities: a block stays in L1/L2 while it is formed).</summary>
    public const long BlockOutcomes = 1L << 12;

    /// <summary>Shots sorted at once (bounds the sort's buffers at 48 MiB whatever n_shots is).</summary>
    private const long ShotChunk = 1L << 22;

    /// <summary>Writes <paramref name="shots"/> outcome indices for amplitude bits <paramref name="bits"/>.</summary>
    public static void Sample<T>(in KernelState<T> state, ReadOnlySpan<int> bits, ulong shots, double* randoms, ulong* outcomes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long size = 1L << bits.Length;
        if (size > SearchLimit && Probabilities.IsLeadingInOrder(bits, state.NQubits))
        {
            // The probabilities as Probabilities.Compute forms them for these qubits (ContiguousJob), streamed.
            Sweep(new LeadingQubits<T>(state.Data, state.NQubits - bits.Length), size, shots, randoms, outcomes, state.Pool, state.Length);
            return;
        }
        ulong bytes = (ulong)size * sizeof(double);
        double* marginal;
        try
        {
            marginal = (double*)NativeMemory.Alloc((nuint)bytes);
        }
        catch (OutOfMemoryException)
        {
            throw CpuException.OutOfMemory(bytes, $"the marginal distribution of {bits.Length} qubits");
        }
        try
        {
            Probabilities.Compute(state, bits, marginal);
            FromMarginal(marginal, size, shots, randoms, outcomes, state.Pool);
        }
        finally
        {
            NativeMemory.Free(marginal);
        }
    }

    /// <summary>
    /// The header's rule on a marginal distribution of <paramref name="size"/> outcomes (which small marginals turn
    /// into their cumulative sums in place): shot s is the smallest i with randoms[s] * total below the i-th sum.
    /// </summary>
    public static void FromMarginal(double* marginal, long size, ulong shots, double* randoms, ulong* outcomes, WorkerPool? pool = null)
    {
        if (size > SearchLimit)
        {
            Sweep(new Materialised(marginal), size, shots, randoms, outcomes, pool, size);
            return;
        }
        double* cumulative = marginal;
        for (long i = 1; i < size; i++) cumulative[i] += cumulative[i - 1];
        double total = CheckTotal(cumulative[size - 1]);
        // r < 1 guarantees r * total < total, but rounding can make them equal: such a shot falls on the last
        // outcome with non-zero probability (the first whose cumulative sum reaches the total).
        long last = FirstAbove(cumulative, size, total, inclusive: true);
        for (ulong s = 0; s < shots; s++)
        {
            long i = FirstAbove(cumulative, size, randoms[s] * total, inclusive: false);
            outcomes[s] = (ulong)(i < size ? i : last);
        }
    }

    /// <summary>Smallest i with x &lt; c[i] (or x &lt;= c[i] when inclusive); <paramref name="size"/> if none.</summary>
    public static long FirstAbove(double* c, long size, double x, bool inclusive)
    {
        long lo = 0, hi = size;
        while (lo < hi)
        {
            long mid = lo + ((hi - lo) >> 1);
            bool above = inclusive ? x <= c[mid] : x < c[mid];
            if (above) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    private static double CheckTotal(double total) => total > 0 && !double.IsInfinity(total)
        ? total
        : throw CpuException.Invalid($"sample: the state's norm is {total}; cannot sample from it");

    /// <summary>Where the probabilities of a run of outcomes come from.</summary>
    private interface IMarginal
    {
        /// <summary>p[j] = probability of outcome begin + j for j in [0, count).</summary>
        void Fill(long begin, long count, double* p);
    }

    /// <summary>A marginal already in memory.</summary>
    private readonly struct Materialised(double* marginal) : IMarginal
    {
        public void Fill(long begin, long count, double* p) =>
            Buffer.MemoryCopy(marginal + begin, p, count * sizeof(double), count * sizeof(double));
    }

    /// <summary>
    /// The leading qubits in order: outcome o is the run of 2^shift amplitudes from o &lt;&lt; shift, summed exactly as
    /// <see cref="Probabilities"/> sums it (shift 0: |a_o|^2).
    /// </summary>
    private readonly struct LeadingQubits<T>(T* data, int shift) : IMarginal where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Fill(long begin, long count, double* p)
        {
            if (shift == 0)
            {
                T* a = data + 2 * begin;
                for (long j = 0; j < count; j++)
                {
                    double re = double.CreateTruncating(a[2 * j]), im = double.CreateTruncating(a[2 * j + 1]);
                    p[j] = re * re + im * im;
                }
                return;
            }
            long run = 1L << shift;
            for (long j = 0; j < count; j++) p[j] = SquareSums.Sum(data + 2 * ((begin + j) << shift), run);
        }
    }

    /// <summary>The sorted sweep described on the class, over <paramref name="size"/> outcomes.</summary>
    private static void Sweep<TMarginal>(TMarginal marginal, long size, ulong shots, double* randoms, ulong* outcomes,
        WorkerPool? pool, long amplitudes) where TMarginal : struct, IMarginal
    {
        long blocks = (size + BlockOutcomes - 1) / BlockOutcomes;
        var ends = new double[blocks]; // C_i at the last outcome of each block
        double* p = (double*)NativeMemory.Alloc((nuint)(BlockOutcomes * sizeof(double)));
        try
        {
            double c = 0;
            for (long k = 0; k < blocks; k++)
            {
                long begin = k * BlockOutcomes, count = Math.Min(BlockOutcomes, size - begin);
                marginal.Fill(begin, count, p);
                for (long j = 0; j < count; j++) c += p[j];
                ends[k] = c;
            }
            double total = CheckTotal(c);
            long last = -1; // found when a shot needs it
            for (ulong done = 0; done < shots;)
            {
                int n = (int)Math.Min(ShotChunk, (long)(shots - done));
                var job = new SweepJob<TMarginal>(marginal, size, ends, total, randoms + done, outcomes + done, n);
                if (job.Groups > 0)
                {
                    if (pool != null) pool.Run(job, job.Groups, amplitudes);
                    else job.Run(0, 0, job.Groups);
                }
                if (job.PastTheEnd < n)
                {
                    if (last < 0) last = FirstReaching(marginal, size, ends, total, p);
                    for (int t = job.PastTheEnd; t < n; t++) outcomes[done + (ulong)job.Positions[t]] = (ulong)last;
                }
                done += (ulong)n;
            }
        }
        finally
        {
            NativeMemory.Free(p);
        }
    }

    /// <summary>The first outcome whose cumulative sum reaches <paramref name="total"/> (the last with p &gt; 0).</summary>
    private static long FirstReaching<TMarginal>(TMarginal marginal, long size, double[] ends, double total, double* p)
        where TMarginal : struct, IMarginal
    {
        long k = 0;
        while (ends[k] < total) k++;
        long begin = k * BlockOutcomes, count = Math.Min(BlockOutcomes, size - begin);
        marginal.Fill(begin, count, p);
        double c = k == 0 ? 0 : ends[k - 1];
        for (long j = 0; j < count; j++)
        {
            c += p[j];
            if (c >= total) return begin + j;
        }
        return size - 1; // not reached: ends[k] is this chain's last value
    }

    /// <summary>
    /// One chunk of shots: sorted by random number, grouped by the block that holds their target; each group's
    /// block is formed again from the exact sum before it and its targets resolved in order.
    /// </summary>
    private sealed class SweepJob<TMarginal> : IRangeJob where TMarginal : struct, IMarginal
    {
        private readonly TMarginal _marginal;
        private readonly long _size;
        private readonly double[] _ends;
        private readonly double[] _targets;
        private readonly ulong* _outcomes;
        private readonly List<(long Block, int First, int End)> _groups = [];

        public SweepJob(TMarginal marginal, long size, double[] ends, double total, double* randoms, ulong* outcomes, int n)
        {
            _marginal = marginal;
            _size = size;
            _ends = ends;
            _outcomes = outcomes;
            _targets = new double[n];
            Positions = new int[n];
            for (int s = 0; s < n; s++)
            {
                _targets[s] = randoms[s];
                Positions[s] = s;
            }
            Array.Sort(_targets, Positions);
            // x -> x * total is monotone, so the targets stay sorted.
            for (int s = 0; s < n; s++) _targets[s] *= total;
            int t = 0;
            for (long k = 0; k < ends.Length && t < n; k++)
            {
                int first = t;
                while (t < n && _targets[t] < ends[k]) t++;
                if (t > first) _groups.Add((k, first, t));
            }
            PastTheEnd = t;
        }

        /// <summary>Shot numbers (into this chunk) in target order.</summary>
        public int[] Positions { get; }

        /// <summary>Targets from here on reach no cumulative sum (r * total rounded up to the total).</summary>
        public int PastTheEnd { get; }

        /// <summary>Blocks that hold at least one target.</summary>
        public int Groups => _groups.Count;

        public void Run(int chunk, long begin, long end)
        {
            double* p = stackalloc double[(int)BlockOutcomes];
            for (long g = begin; g < end; g++)
            {
                var (k, t, stop) = _groups[(int)g];
                long first = k * BlockOutcomes, count = Math.Min(BlockOutcomes, _size - first);
                _marginal.Fill(first, count, p);
                double c = k == 0 ? 0 : _ends[k - 1];
                for (long j = 0; j < count && t < stop; j++)
                {
                    c += p[j];
                    while (t < stop && _targets[t] < c) _outcomes[Positions[t++]] = (ulong)(first + j);
                }
            }
        }
    }
}
