using System.Numerics;
using QiboAccel.Cpu.Kernels.Simd;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Kernels;

/// <summary>
/// A general 2x2 matrix on one target with any number of controls. Only indices whose control bits are all 1 are
/// visited (bit insertion, no per-amplitude branch). Two code paths:
/// a target above the in-vector bits pairs whole vectors (v0 at target = 0, v1 at target = 1);
/// a target inside a vector exchanges lanes within one vector. Controls inside a vector are folded into per-lane
/// coefficients (identity on lanes whose controls are 0). Real matrices (H, X, RY, ...) skip the complex shuffles.
/// </summary>
internal static unsafe class SingleQubitKernel
{
    /// <summary>Applies the 2x2 row-major complex matrix <paramref name="m"/> (8 doubles) to bit <paramref name="target"/>.</summary>
    public static void Apply<T>(in KernelState<T> state, int target, int[] controls, ReadOnlySpan<double> m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var visitor = new Visitor<T>
        {
            State = state,
            Target = target,
            Controls = controls,
            M0 = m[0], M1 = m[1], M2 = m[2], M3 = m[3], M4 = m[4], M5 = m[5], M6 = m[6], M7 = m[7],
        };
        SimdSelect.Dispatch<T, Visitor<T>>(ref visitor, state.MaxBits, state.NQubits);
    }

    private struct Visitor<T> : IKernelVisitor<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public KernelState<T> State;
        public int Target;
        public int[] Controls;
        public double M0, M1, M2, M3, M4, M5, M6, M7;

        public readonly void Visit<TV, TOps>() where TV : unmanaged where TOps : struct, IVecOps<TV, T>
        {
            var job = new Job<T, TV, TOps>(State, Target, Controls, stackalloc double[] { M0, M1, M2, M3, M4, M5, M6, M7 });
            State.Run(ref job, job.Parts, job.Amplitudes);
        }
    }

    private readonly struct Job<T, TV, TOps> : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged
        where TOps : struct, IVecOps<TV, T>
    {
        private readonly T* _data;
        private readonly BitInserter _inserter;
        private readonly int _unitShift;      // log2 of T elements per vector
        private readonly long _pairOffset;    // T elements from v0 to v1 (high target)
        private readonly long _streamOffset;  // T elements to the second stream, 0 for one stream
        private readonly int _laneTarget;     // target bit inside the vector, or -1
        private readonly bool _real;
        // The coefficient vectors, (R, I) pairs: A0, B0, B1, A1 for a high target; A, B for a lane target.
        private readonly TV _c0, _c1, _c2, _c3, _c4, _c5, _c6, _c7;

        public Job(in KernelState<T> state, int target, int[] controls, ReadOnlySpan<double> m)
        {
            int laneBits = TOps.LaneBits, lanes = 1 << laneBits;
            _data = state.Data;
            _unitShift = laneBits + 1;
            int lowControls = Lanes.LowMask(controls, laneBits);

            Span<int> fixedBits = stackalloc int[controls.Length + 1];
            int nFixed = 0;
            long values = 0;
            foreach (int c in controls)
            {
                if (c < laneBits) continue;
                fixedBits[nFixed++] = c - laneBits;
                values |= 1L << (c - laneBits);
            }
            _real = m[1] == 0 && m[3] == 0 && m[5] == 0 && m[7] == 0;
            Span<T> coefficients = stackalloc T[4 * 2 * 2 * lanes];
            if (target >= laneBits)
            {
                fixedBits[nFixed++] = target - laneBits;
                _laneTarget = -1;
                _pairOffset = (1L << (target - laneBits)) << _unitShift;
                // A0 = m00, B0 = m01 (row 0); B1 = m10, A1 = m11 (row 1); identity on lanes whose controls are 0.
                for (int j = 0; j < lanes; j++)
                {
                    bool on = (j & lowControls) == lowControls;
                    Lanes.Put(coefficients, 0, lanes, j, on ? m[0] : 1, on ? m[1] : 0);
                    Lanes.Put(coefficients, 1, lanes, j, on ? m[2] : 0, on ? m[3] : 0);
                    Lanes.Put(coefficients, 2, lanes, j, on ? m[4] : 0, on ? m[5] : 0);
                    Lanes.Put(coefficients, 3, lanes, j, on ? m[6] : 1, on ? m[7] : 0);
                }
            }
            else
            {
                _laneTarget = target;
                // out[j] = A[j] v[j] + B[j] v[j ^ (1 << target)], A = m[b][b], B = m[b][1-b] with b the lane's target bit.
                for (int j = 0; j < lanes; j++)
                {
                    bool on = (j & lowControls) == lowControls;
                    int b = (j >> target) & 1;
                    int diag = 2 * (b * 2 + b), off = 2 * (b * 2 + (1 - b));
                    Lanes.Put(coefficients, 0, lanes, j, on ? m[diag] : 1, on ? m[diag + 1] : 0);
                    Lanes.Put(coefficients, 1, lanes, j, on ? m[off] : 0, on ? m[off + 1] : 0);
                }
            }
            fixed (T* c = coefficients)
            {
                int w = 2 * lanes;
                _c0 = TOps.Load(c);
                _c1 = TOps.Load(c + w);
                _c2 = TOps.Load(c + 2 * w);
                _c3 = TOps.Load(c + 3 * w);
                if (_laneTarget < 0)
                {
                    _c4 = TOps.Load(c + 4 * w);
                    _c5 = TOps.Load(c + 5 * w);
                    _c6 = TOps.Load(c + 6 * w);
                    _c7 = TOps.Load(c + 7 * w);
                }
            }
            _inserter = new BitInserter(fixedBits[..nFixed], values);
            long total = 1L << (state.NQubits - laneBits - nFixed);
            _streamOffset = StreamSplit.Offset(_inserter, total, _unitShift);
            Parts = _streamOffset != 0 ? total / 2 : total;
            Amplitudes = total << (laneBits + (_laneTarget < 0 ? 1 : 0));
        }

        /// <summary>The k-range handed to the pool (half the units when two streams run in lockstep).</summary>
        public long Parts { get; }

        public long Amplitudes { get; }

        public void Run(int chunk, long begin, long end)
        {
            bool dual = _streamOffset != 0;
            if (_laneTarget < 0)
            {
                if (dual) RunHigh<TwoStreams>(begin, end);
                else RunHigh<OneStream>(begin, end);
            }
            else
            {
                if (dual) RunLow<TwoStreams>(begin, end);
                else RunLow<OneStream>(begin, end);
            }
        }

        private void RunHigh<TS>(long begin, long end) where TS : struct, IStreams
        {
            var body = new PairBody<T, TV, TOps, TS>
            {
                W = 2 << TOps.LaneBits, Pair = _pairOffset, Second = _streamOffset, Real = _real,
                A0r = _c0, A0i = _c1, B0r = _c2, B0i = _c3, B1r = _c4, B1i = _c5, A1r = _c6, A1i = _c7,
            };
            IndexRuns.Walk(_inserter, BlockContext.Resolve(_data), _unitShift, begin, end, ref body);
        }

        private void RunLow<TS>(long begin, long end) where TS : struct, IStreams
        {
            var body = new LowBody<TS> { W = 2 << TOps.LaneBits, Bit = _laneTarget, Second = _streamOffset, Real = _real, Ar = _c0, Ai = _c1, Br = _c2, Bi = _c3 };
            IndexRuns.Walk(_inserter, BlockContext.Resolve(_data), _unitShift, begin, end, ref body);
        }

        /// <summary>Target inside the vector: out = A v + B (v with the target's lanes exchanged).</summary>
        private struct LowBody<TS> : IRunBody<T> where TS : struct, IStreams
        {
            public int W, Bit;
            public long Second;
            public bool Real;
            public TV Ar, Ai, Br, Bi;

            public readonly void Run(T* p, long count)
            {
                int w = W, bit = Bit;
                long second = Second;
                TV ar = Ar, ai = Ai, br = Br, bi = Bi;
                T* stop = p + count * w;
                if (Real)
                {
                    for (; p < stop; p += w)
                    {
                        TV v = TOps.Load(p);
                        TV u = TS.Dual ? TOps.Load(p + second) : default;
                        TOps.Store(p, TOps.MulAdd(ar, v, TOps.Mul(br, TOps.ExchangeLanes(v, bit))));
                        if (TS.Dual) TOps.Store(p + second, TOps.MulAdd(ar, u, TOps.Mul(br, TOps.ExchangeLanes(u, bit))));
                    }
                    return;
                }
                for (; p < stop; p += w)
                {
                    TV v = TOps.Load(p);
                    TV u = TS.Dual ? TOps.Load(p + second) : default;
                    TV x = TOps.ExchangeLanes(v, bit);
                    TOps.Store(p, TOps.MulAdd(ar, v, TOps.MulAdd(ai, TOps.SwapReIm(v), TOps.MulAdd(br, x, TOps.Mul(bi, TOps.SwapReIm(x))))));
                    if (TS.Dual)
                    {
                        TV y = TOps.ExchangeLanes(u, bit);
                        TOps.Store(p + second, TOps.MulAdd(ar, u, TOps.MulAdd(ai, TOps.SwapReIm(u), TOps.MulAdd(br, y, TOps.Mul(bi, TOps.SwapReIm(y))))));
                    }
                }
            }
        }
    }
}
