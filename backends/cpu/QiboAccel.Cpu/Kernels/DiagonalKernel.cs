using System.Numerics;
using QiboAccel.Cpu.Kernels.Simd;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Kernels;

/// <summary>
/// A diagonal matrix on k targets with any number of controls: Z S T SDG TDG RZ U1 (CZ, CU1 via controls), RZZ,
/// DIAGONAL, and the collapse of MEASURE. Every amplitude whose controls are 1 is multiplied by the entry its target
/// bits select. Targets and controls above the in-vector bits are inserted (controls = 1, targets = 0); for each run
/// the kernel visits the target patterns whose coefficient is not 1 (a phase gate touches only the half of the state
/// it changes) at a fixed offset from the run. Targets and controls inside a vector are per-lane coefficients.
/// </summary>
internal static unsafe class DiagonalKernel
{
    private const int MaxTableBits = 12;

    /// <summary>
    /// Multiplies by diag(<paramref name="d"/>): 2^k complex entries (interleaved doubles) indexed by the target bits,
    /// the first of <paramref name="targets"/> the most significant.
    /// </summary>
    public static void Apply<T>(in KernelState<T> state, int[] targets, int[] controls, ReadOnlySpan<double> d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lone = LoneEntry(d[..(2 << targets.Length)]);
        if (lone == -1) return; // the identity
        if (lone >= 0)
        {
            ApplyPhase(state, targets, controls, lone, d[2 * lone], d[2 * lone + 1]);
            return;
        }
        fixed (double* entries = d)
        {
            var visitor = new Visitor<T> { State = state, Targets = targets, Controls = controls, Diagonal = entries };
            SimdSelect.Dispatch<T, Visitor<T>>(ref visitor, state.MaxBits, state.NQubits);
        }
    }

    /// <summary>
    /// Multiplies the amplitudes whose controls are 1 and whose target bits spell <paramref name="entry"/> (the first
    /// target the most significant) by (<paramref name="re"/>, <paramref name="im"/>): a diagonal whose other entries are 1.
    /// </summary>
    public static void ApplyPhase<T>(in KernelState<T> state, int[] targets, int[] controls, int entry, double re, double im)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var visitor = new PhaseVisitor<T> { State = state, Targets = targets, Controls = controls, Entry = entry, Re = re, Im = im };
        SimdSelect.Dispatch<T, PhaseVisitor<T>>(ref visitor, state.MaxBits, state.NQubits);
    }

    private struct Visitor<T> : IKernelVisitor<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public KernelState<T> State;
        public int[] Targets;
        public int[] Controls;
        public double* Diagonal;   // valid during Apply only: the job copies what it keeps

        public readonly void Visit<TV, TOps>() where TV : unmanaged where TOps : struct, IVecOps<TV, T>
        {
            var job = new Job<T, TV, TOps>(State, Targets, Controls, Diagonal);
            State.Run(ref job, job.Parts, job.Amplitudes);
        }
    }

    private struct PhaseVisitor<T> : IKernelVisitor<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public KernelState<T> State;
        public int[] Targets;
        public int[] Controls;
        public int Entry;
        public double Re, Im;

        public readonly void Visit<TV, TOps>() where TV : unmanaged where TOps : struct, IVecOps<TV, T>
        {
            var job = new PhaseJob<T, TV, TOps>(State, Targets, Controls, Entry, Re, Im);
            State.Run(ref job, job.Parts, job.Amplitudes);
        }
    }

    /// <summary>The index of the only entry of <paramref name="diagonal"/> that is not 1; -1 when none is, -2 when several are.</summary>
    private static int LoneEntry(ReadOnlySpan<double> diagonal)
    {
        int lone = -1;
        for (int e = 0; e < diagonal.Length / 2; e++)
        {
            if (diagonal[2 * e] == 1 && diagonal[2 * e + 1] == 0) continue;
            if (lone >= 0) return -2;
            lone = e;
        }
        return lone;
    }

    /// <summary>
    /// A diagonal with one entry that is not 1 (phase gates: Z S T U1, controlled or not, CZ, CU1): the amplitudes whose
    /// controls are 1 and targets match the entry's index are multiplied by it. Its fixed bits are set to those values,
    /// so the walk visits only the changed amplitudes, and the coefficient stays in registers across runs. The job
    /// holds no references: a 10-qubit circuit builds one per phase gate, and a job with references is cleared and
    /// copied with write barriers on its way to the run.
    /// </summary>
    private readonly struct PhaseJob<T, TV, TOps> : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged
        where TOps : struct, IVecOps<TV, T>
    {
        private readonly T* _data;
        private readonly BitInserter _inserter;
        private readonly long _streamOffset;
        private readonly bool _complex;
        private readonly TV _r, _i;

        public PhaseJob(in KernelState<T> state, int[] targets, int[] controls, int entry, double re, double im)
        {
            int laneBits = TOps.LaneBits, lanes = 1 << laneBits, k = targets.Length;
            _data = state.Data;
            Span<int> fixedBits = stackalloc int[controls.Length + k];
            int nFixed = 0, laneMask = 0, laneValue = 0;
            long values = 0;
            foreach (int c in controls)
            {
                if (c < laneBits)
                {
                    laneMask |= 1 << c;
                    laneValue |= 1 << c;
                    continue;
                }
                fixedBits[nFixed++] = c - laneBits;
                values |= 1L << (c - laneBits);
            }
            for (int i = 0; i < k; i++)
            {
                int bit = (entry >> (k - 1 - i)) & 1; // the first target is the entry index's most significant bit
                if (targets[i] < laneBits)
                {
                    laneMask |= 1 << targets[i];
                    laneValue |= bit << targets[i];
                    continue;
                }
                fixedBits[nFixed++] = targets[i] - laneBits;
                values |= (long)bit << (targets[i] - laneBits);
            }
            _inserter = new BitInserter(fixedBits[..nFixed], values);
            long total = 1L << (state.NQubits - laneBits - nFixed);
            _streamOffset = StreamSplit.Offset(_inserter, total, laneBits + 1);
            Parts = _streamOffset != 0 ? total / 2 : total;
            Amplitudes = total << laneBits;

            // Per lane: the entry where the lane's in-vector controls and targets match, 1 elsewhere.
            int w = 2 * lanes;
            Span<T> rAndI = stackalloc T[2 * w];
            for (int j = 0; j < lanes; j++)
            {
                bool on = (j & laneMask) == laneValue;
                Lanes.Put(rAndI, 0, lanes, j, on ? re : 1, on ? im : 0);
            }
            fixed (T* c = rAndI)
            {
                _r = TOps.Load(c);
                _i = TOps.Load(c + w);
            }
            _complex = im != 0;
        }

        public long Parts { get; }

        public long Amplitudes { get; }

        public void Run(int chunk, long begin, long end)
        {
            if (_streamOffset != 0) Run<TwoStreams>(begin, end);
            else Run<OneStream>(begin, end);
        }

        private void Run<TS>(long begin, long end) where TS : struct, IStreams
        {
            var body = new PhaseBody<T, TV, TOps, TS> { W = 2 << TOps.LaneBits, Second = _streamOffset, Complex = _complex, R = _r, I = _i };
            IndexRuns.Walk(_inserter, BlockContext.Resolve(_data), TOps.LaneBits + 1, begin, end, ref body);
        }
    }

    /// <summary>A run multiplied by a (per-lane) coefficient (R, I): <see cref="MultiplyRun"/> at the run itself.</summary>
    private struct PhaseBody<T, TV, TOps, TS> : IRunBody<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged
        where TOps : struct, IVecOps<TV, T>
        where TS : struct, IStreams
    {
        public int W;
        public long Second;
        public bool Complex;
        public TV R, I;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public readonly void Run(T* run, long count) => MultiplyRun<T, TV, TOps, TS>(run, count, W, Second, R, I, Complex);
    }

    /// <summary>
    /// Multiplies <paramref name="count"/> units from <paramref name="p"/> (and, with two streams, from
    /// <paramref name="p"/> + <paramref name="second"/>) by the per-lane coefficient (R, I); a real one skips the shuffle.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void MultiplyRun<T, TV, TOps, TS>(T* p, long count, int w, long second, TV r, TV i, bool complex)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged
        where TOps : struct, IVecOps<TV, T>
        where TS : struct, IStreams
    {
        T* stop = p + count * w;
        if (!complex)
        {
            for (; p < stop; p += w)
            {
                TOps.Store(p, TOps.Mul(r, TOps.Load(p)));
                if (TS.Dual) TOps.Store(p + second, TOps.Mul(r, TOps.Load(p + second)));
            }
            return;
        }
        for (; p < stop; p += w)
        {
            TV v = TOps.Load(p);
            TOps.Store(p, TOps.MulAdd(r, v, TOps.Mul(i, TOps.SwapReIm(v))));
            if (TS.Dual)
            {
                TV u = TOps.Load(p + second);
                TOps.Store(p + second, TOps.MulAdd(r, u, TOps.Mul(i, TOps.SwapReIm(u))));
            }
        }
    }

    /// <summary>A high-target pattern whose coefficient is not 1: where its run lies and where its vectors are.</summary>
    private struct ActivePattern
    {
        public long Offset;    // T elements from the run to the pattern's run
        public int Table;      // T elements from the table's start to the pattern's R and I vectors
        public bool Complex;   // the coefficient has an imaginary part
    }

    private readonly struct Job<T, TV, TOps> : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged
        where TOps : struct, IVecOps<TV, T>
    {
        private readonly T* _data;
        private readonly BitInserter _inserter;
        private readonly long _streamOffset;
        private readonly int[] _targets;
        private readonly long _highMask;       // bit i set: _targets[i] lies above the lanes
        private readonly int _nHigh;
        private readonly int _lowControls;
        private readonly double[]? _diagonal;  // wide mode only (the table holds what table mode needs)
        private readonly ActivePattern[] _active; // table mode, two or more: the patterns whose coefficient is not 1
        private readonly T[]? _table;          // per pattern: R and I vectors; null in wide mode or when no pattern is active
        private readonly bool _wide;

        // Diagonals with one entry that is not 1 go to PhaseJob; this one takes two or more (RZ, RZZ, DIAGONAL, fused
        // diagonals). The caller's entries are read in place while the job is built.
        public Job(in KernelState<T> state, int[] targets, int[] controls, double* diagonal)
        {
            int laneBits = TOps.LaneBits, w = 2 << laneBits, shift = laneBits + 1;
            _data = state.Data;
            _targets = targets;
            _lowControls = Lanes.LowMask(controls, laneBits);

            Span<int> fixedBits = stackalloc int[controls.Length + targets.Length];
            int nFixed = 0;
            long values = 0;
            foreach (int c in controls)
            {
                if (c < laneBits) continue;
                fixedBits[nFixed++] = c - laneBits;
                values |= 1L << (c - laneBits);
            }
            for (int i = 0; i < targets.Length; i++)
            {
                if (targets[i] < laneBits) continue;
                _highMask |= 1L << i;
                _nHigh++;
                fixedBits[nFixed++] = targets[i] - laneBits;
            }
            _inserter = new BitInserter(fixedBits[..nFixed], values);
            long total = 1L << (state.NQubits - laneBits - nFixed);
            _streamOffset = StreamSplit.Offset(_inserter, total, shift);
            Parts = _streamOffset != 0 ? total / 2 : total;
            Amplitudes = total << (laneBits + _nHigh);

            var entries = new ReadOnlySpan<double>(diagonal, 2 << targets.Length);
            _active = [];
            if (_nHigh > MaxTableBits)
            {
                _wide = true;
                _diagonal = entries.ToArray();
                return;
            }
            Span<T> scratch = stackalloc T[2 * w];
            int patterns = 1 << _nHigh, count = 0;
            Span<byte> kinds = stackalloc byte[patterns];
            for (int p = 0; p < patterns; p++)
            {
                kinds[p] = Fill(p, scratch, entries);
                if (kinds[p] != 0) count++;
            }
            if (count == 0) return; // the entries that are not 1 lie in lanes whose controls are 0
            _table = new T[patterns * 2 * w];
            _active = new ActivePattern[count];
            for (int p = 0, a = 0; p < patterns; p++)
            {
                if (kinds[p] == 0) continue;
                Fill(p, _table.AsSpan(p * 2 * w, 2 * w), entries);
                _active[a++] = new ActivePattern { Offset = PatternOffset(p) << shift, Table = p * 2 * w, Complex = kinds[p] == 2 };
            }
        }

        public long Parts { get; }

        public long Amplitudes { get; }

        /// <summary>Unit offset of high-target pattern <paramref name="pattern"/> (first high target = MSB).</summary>
        private long PatternOffset(long pattern)
        {
            long offset = 0;
            for (int i = 0, h = 0; i < _targets.Length; i++)
            {
                if ((_highMask & (1L << i)) == 0) continue;
                if (((pattern >> (_nHigh - 1 - h)) & 1) != 0) offset |= 1L << (_targets[i] - TOps.LaneBits);
                h++;
            }
            return offset;
        }

        /// <summary>Writes the R and I vectors for high-target pattern <paramref name="pattern"/>; returns 0 identity, 1 real, 2 complex.</summary>
        private byte Fill(long pattern, Span<T> rAndI, ReadOnlySpan<double> diagonal)
        {
            int lanes = 1 << TOps.LaneBits, k = _targets.Length;
            bool identity = true, real = true;
            for (int j = 0; j < lanes; j++)
            {
                double re = 1, im = 0;
                if ((j & _lowControls) == _lowControls)
                {
                    long index = 0;
                    int h = 0;
                    for (int i = 0; i < k; i++)
                    {
                        long bit;
                        if ((_highMask & (1L << i)) != 0)
                        {
                            bit = (pattern >> (_nHigh - 1 - h)) & 1;
                            h++;
                        }
                        else
                        {
                            bit = (j >> _targets[i]) & 1;
                        }
                        index = (index << 1) | bit;
                    }
                    re = diagonal[(int)(2 * index)];
                    im = diagonal[(int)(2 * index + 1)];
                }
                identity &= re == 1 && im == 0;
                real &= im == 0;
                Lanes.Put(rAndI, 0, lanes, j, re, im);
            }
            return identity ? (byte)0 : real ? (byte)1 : (byte)2;
        }

        public void Run(int chunk, long begin, long end)
        {
            if (_wide) RunWide(begin, end);
            else if (_streamOffset != 0) RunTable<TwoStreams>(begin, end);
            else RunTable<OneStream>(begin, end);
        }

        private void RunTable<TS>(long begin, long end) where TS : struct, IStreams
        {
            if (_table == null) return; // every pattern is the identity
            fixed (T* table = _table)
            fixed (ActivePattern* active = _active)
            {
                var body = new TableBody<TS> { W = 2 << TOps.LaneBits, Second = _streamOffset, Table = table, Active = active, ActiveCount = _active.Length };
                IndexRuns.Walk(_inserter, BlockContext.Resolve(_data), TOps.LaneBits + 1, begin, end, ref body);
            }
        }

        /// <summary>More high targets than the table holds (a large DIAGONAL): coefficients computed per pattern and run.</summary>
        private void RunWide(long begin, long end)
        {
            int w = 2 << TOps.LaneBits;
            Span<T> scratch = stackalloc T[2 * w];
            fixed (T* c = scratch)
            {
                var body = new WideBody { Job = this, W = w, Shift = TOps.LaneBits + 1, Second = _streamOffset, Scratch = c };
                IndexRuns.Walk(_inserter, BlockContext.Resolve(_data), TOps.LaneBits + 1, begin, end, ref body);
            }
        }

        /// <summary>Each active pattern of the high targets: its run multiplied by the pattern's (per-lane) coefficient.</summary>
        private struct TableBody<TS> : IRunBody<T> where TS : struct, IStreams
        {
            public int W, ActiveCount;
            public long Second;
            public T* Table;
            public ActivePattern* Active;

            public readonly void Run(T* run, long count)
            {
                int w = W;
                long second = Second;
                for (int a = 0; a < ActiveCount; a++)
                {
                    ActivePattern* pattern = Active + a;
                    T* c = Table + pattern->Table;
                    MultiplyRun<T, TV, TOps, TS>(run + pattern->Offset, count, w, second, TOps.Load(c), TOps.Load(c + w), pattern->Complex);
                }
            }
        }

        /// <summary>Every pattern of the high targets, its coefficient filled in per run.</summary>
        private struct WideBody : IRunBody<T>
        {
            public Job<T, TV, TOps> Job;
            public int W, Shift;
            public long Second;
            public T* Scratch;

            public readonly void Run(T* run, long count)
            {
                int w = W;
                long patterns = 1L << Job._nHigh;
                var scratch = new Span<T>(Scratch, 2 * w);
                for (long pattern = 0; pattern < patterns; pattern++)
                {
                    if (Job.Fill(pattern, scratch, Job._diagonal) == 0) continue;
                    TV r = TOps.Load(Scratch), i = TOps.Load(Scratch + w);
                    for (int stream = 0; stream < (Second != 0 ? 2 : 1); stream++)
                    {
                        T* p = run + (Job.PatternOffset(pattern) << Shift) + stream * Second;
                        for (T* stop = p + count * w; p < stop; p += w)
                        {
                            TV v = TOps.Load(p);
                            TOps.Store(p, TOps.MulAdd(r, v, TOps.Mul(i, TOps.SwapReIm(v))));
                        }
                    }
                }
            }
        }
    }
}
