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
        var visitor = new Visitor<T> { State = state, Targets = targets, Controls = controls, Diagonal = d.ToArray() };
        SimdSelect.Dispatch<T, Visitor<T>>(ref visitor, state.MaxBits, state.NQubits);
    }

    private struct Visitor<T> : IKernelVisitor<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public KernelState<T> State;
        public int[] Targets;
        public int[] Controls;
        public double[] Diagonal;

        public readonly void Visit<TV, TOps>() where TV : unmanaged where TOps : struct, IVecOps<TV, T>
        {
            var job = new Job<T, TV, TOps>(State, Targets, Controls, Diagonal);
            State.Run(job, job.Parts, job.Amplitudes);
        }
    }

    private sealed class Job<T, TV, TOps> : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged
        where TOps : struct, IVecOps<TV, T>
    {
        private readonly T* _data;
        private readonly BitInserter _inserter;
        private readonly long _streamOffset;
        private readonly int[] _targets;
        private readonly int[] _highTargets;   // indices into _targets of the targets above the lanes
        private readonly int _lowControls;
        private readonly double[] _diagonal;
        private readonly int[] _active;        // patterns whose coefficient is not 1 (table mode)
        private readonly long[] _patternOffset; // T elements from the run to the pattern's run
        private readonly bool[] _complex;       // per pattern: coefficient has an imaginary part
        private readonly T[]? _table;          // per pattern: R and I vectors; null = computed per run

        public Job(in KernelState<T> state, int[] targets, int[] controls, double[] diagonal)
        {
            int laneBits = TOps.LaneBits, w = 2 << laneBits, shift = laneBits + 1;
            _data = state.Data;
            _targets = targets;
            _diagonal = diagonal;
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
            var high = new List<int>();
            for (int i = 0; i < targets.Length; i++)
            {
                if (targets[i] < laneBits) continue;
                high.Add(i);
                fixedBits[nFixed++] = targets[i] - laneBits;
            }
            _highTargets = [.. high];
            _inserter = new BitInserter(fixedBits[..nFixed], values);
            long total = 1L << (state.NQubits - laneBits - nFixed);
            _streamOffset = StreamSplit.Offset(_inserter, total, shift);
            Parts = _streamOffset != 0 ? total / 2 : total;
            Amplitudes = total << (laneBits + _highTargets.Length);

            int patterns = 1 << Math.Min(_highTargets.Length, 30);
            _patternOffset = new long[_highTargets.Length <= MaxTableBits ? patterns : 0];
            for (int p = 0; p < _patternOffset.Length; p++) _patternOffset[p] = PatternOffset(p) << shift;
            if (_highTargets.Length <= MaxTableBits)
            {
                _table = new T[patterns * 2 * w];
                _complex = new bool[patterns];
                var active = new List<int>();
                for (int p = 0; p < patterns; p++)
                {
                    byte kind = Fill(p, _table.AsSpan(p * 2 * w, 2 * w));
                    if (kind == 0) continue;
                    active.Add(p);
                    _complex[p] = kind == 2;
                }
                _active = [.. active];
            }
            else
            {
                _complex = [];
                _active = [];
            }
        }

        public long Parts { get; }

        public long Amplitudes { get; }

        /// <summary>Unit offset of high-target pattern <paramref name="pattern"/> (first high target = MSB).</summary>
        private long PatternOffset(long pattern)
        {
            long offset = 0;
            int nHigh = _highTargets.Length;
            for (int h = 0; h < nHigh; h++)
            {
                if (((pattern >> (nHigh - 1 - h)) & 1) != 0) offset |= 1L << (_targets[_highTargets[h]] - TOps.LaneBits);
            }
            return offset;
        }

        /// <summary>Writes the R and I vectors for high-target pattern <paramref name="pattern"/>; returns 0 identity, 1 real, 2 complex.</summary>
        private byte Fill(long pattern, Span<T> rAndI)
        {
            int lanes = 1 << TOps.LaneBits, w = 2 * lanes, k = _targets.Length;
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
                        if (h < _highTargets.Length && _highTargets[h] == i)
                        {
                            bit = (pattern >> (_highTargets.Length - 1 - h)) & 1;
                            h++;
                        }
                        else
                        {
                            bit = (j >> _targets[i]) & 1;
                        }
                        index = (index << 1) | bit;
                    }
                    re = _diagonal[2 * index];
                    im = _diagonal[2 * index + 1];
                }
                identity &= re == 1 && im == 0;
                real &= im == 0;
                rAndI[2 * j] = rAndI[2 * j + 1] = T.CreateTruncating(re);
                rAndI[w + 2 * j] = T.CreateTruncating(-im);
                rAndI[w + 2 * j + 1] = T.CreateTruncating(im);
            }
            return identity ? (byte)0 : real ? (byte)1 : (byte)2;
        }

        public void Run(int chunk, long begin, long end)
        {
            if (_table == null) RunWide(begin, end);
            else if (_streamOffset != 0) RunTable<TwoStreams>(begin, end);
            else RunTable<OneStream>(begin, end);
        }

        private void RunTable<TS>(long begin, long end) where TS : struct, IStreams
        {
            fixed (T* table = _table)
            fixed (int* active = _active)
            fixed (long* patternOffset = _patternOffset)
            fixed (bool* complex = _complex)
            {
                var body = new TableBody<TS>
                {
                    W = 2 << TOps.LaneBits, Second = _streamOffset,
                    Table = table, Active = active, ActiveCount = _active.Length, PatternOffset = patternOffset, Complex = complex,
                };
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
            public int* Active;
            public long* PatternOffset;
            public bool* Complex;

            public readonly void Run(T* run, long count)
            {
                int w = W;
                long second = Second;
                for (int a = 0; a < ActiveCount; a++)
                {
                    int pattern = Active[a];
                    T* c = Table + pattern * 2 * w;
                    T* p = run + PatternOffset[pattern];
                    T* stop = p + count * w;
                    TV r = TOps.Load(c);
                    if (!Complex[pattern])
                    {
                        for (; p < stop; p += w)
                        {
                            TOps.Store(p, TOps.Mul(r, TOps.Load(p)));
                            if (TS.Dual) TOps.Store(p + second, TOps.Mul(r, TOps.Load(p + second)));
                        }
                        continue;
                    }
                    TV i = TOps.Load(c + w);
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
                long patterns = 1L << Job._highTargets.Length;
                var scratch = new Span<T>(Scratch, 2 * w);
                for (long pattern = 0; pattern < patterns; pattern++)
                {
                    if (Job.Fill(pattern, scratch) == 0) continue;
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
