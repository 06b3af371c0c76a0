using System.Numerics;
using QiboAccel.Cpu.Kernels.Simd;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Kernels;

/// <summary>
/// A 2x2 matrix on pairs of amplitudes (i, i + delta) for every index i whose fixed bits have given values: the
/// two-level block of a structured 2-qubit gate (ISWAP, FSWAP, FSIM, GENERALIZED_FSIM mix |01&gt; and |10&gt;; RXX and
/// RYY also mix |00&gt; and |11&gt;; gates conditioned on one target mix |x0&gt; and |x1&gt;), with any controls.
/// out_i = m00 a_i + m01 a_(i+delta), out_(i+delta) = m10 a_i + m11 a_(i+delta). Runs on the widest vector whose lanes
/// lie below every bit involved.
/// </summary>
internal static unsafe class PairKernel
{
    /// <summary>
    /// Applies <paramref name="m"/> (2x2 row-major, 8 doubles) to the pairs: <paramref name="fixedBits"/> /
    /// <paramref name="fixedValues"/> select the first element of each pair, <paramref name="delta"/> (an index
    /// difference) leads to the second.
    /// </summary>
    public static void Apply<T>(in KernelState<T> state, int[] fixedBits, long fixedValues, long delta, ReadOnlySpan<double> m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lowest = int.MaxValue;
        foreach (int b in fixedBits) lowest = Math.Min(lowest, b);
        var visitor = new Visitor<T> { State = state, FixedBits = fixedBits, FixedValues = fixedValues, Delta = delta, M = m.ToArray() };
        SimdSelect.Dispatch<T, Visitor<T>>(ref visitor, state.MaxBits, lowest);
    }

    private struct Visitor<T> : IKernelVisitor<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public KernelState<T> State;
        public int[] FixedBits;
        public long FixedValues;
        public long Delta;
        public double[] M;

        public readonly void Visit<TV, TOps>() where TV : unmanaged where TOps : struct, IVecOps<TV, T>
        {
            var job = new Job<T, TV, TOps>(State, FixedBits, FixedValues, Delta, M);
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
        private readonly long _delta;         // T elements
        private readonly long _streamOffset;
        private readonly bool _real;
        private readonly T[] _coefficients;  // A0 = m00, B0 = m01, B1 = m10, A1 = m11, each an (R, I) pair

        public Job(in KernelState<T> state, int[] fixedBits, long fixedValues, long delta, double[] m)
        {
            int laneBits = TOps.LaneBits, lanes = 1 << laneBits, shift = laneBits + 1;
            _data = state.Data;
            var unitBits = new int[fixedBits.Length];
            for (int i = 0; i < fixedBits.Length; i++) unitBits[i] = fixedBits[i] - laneBits;
            _inserter = new BitInserter(unitBits, fixedValues >> laneBits);
            _delta = (delta >> laneBits) << shift;
            _real = m[1] == 0 && m[3] == 0 && m[5] == 0 && m[7] == 0;
            _coefficients = new T[4 * 2 * 2 * lanes];
            for (int j = 0; j < lanes; j++)
            {
                Lanes.Put(_coefficients, 0, lanes, j, m[0], m[1]);
                Lanes.Put(_coefficients, 1, lanes, j, m[2], m[3]);
                Lanes.Put(_coefficients, 2, lanes, j, m[4], m[5]);
                Lanes.Put(_coefficients, 3, lanes, j, m[6], m[7]);
            }
            long total = 1L << (state.NQubits - laneBits - fixedBits.Length);
            _streamOffset = StreamSplit.Offset(_inserter, total, shift);
            Parts = _streamOffset != 0 ? total / 2 : total;
            Amplitudes = total << (laneBits + 1);
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
            int w = 2 << TOps.LaneBits, shift = TOps.LaneBits + 1;
            TV tiny = TOps.Broadcast(Denormals.Threshold<T>());
            BitInserter inserter = _inserter;
            long runMask = inserter.RunLength - 1, pair = _delta, second = _streamOffset;
            T* data = BlockContext.Resolve(_data);
            fixed (T* c = _coefficients)
            {
                TV a0r = TOps.Load(c), a0i = TOps.Load(c + w);
                TV b0r = TOps.Load(c + 2 * w), b0i = TOps.Load(c + 3 * w);
                TV b1r = TOps.Load(c + 4 * w), b1i = TOps.Load(c + 5 * w);
                TV a1r = TOps.Load(c + 6 * w), a1i = TOps.Load(c + 7 * w);
                for (long k = begin, index = inserter.Insert(begin); k < end;)
                {
                    long runEnd = Math.Min(end, (k | runMask) + 1), count = runEnd - k;
                    T* p = data + (index << shift);
                    T* stop = p + (count << shift);
                    if (_real)
                    {
                        for (; p < stop; p += w)
                        {
                            TV v0 = TOps.Load(p), v1 = TOps.Load(p + pair);
                            TOps.Store(p, TOps.Flush(TOps.MulAdd(a0r, v0, TOps.Mul(b0r, v1)), tiny));
                            TOps.Store(p + pair, TOps.Flush(TOps.MulAdd(b1r, v0, TOps.Mul(a1r, v1)), tiny));
                            if (TS.Dual)
                            {
                                T* q = p + second;
                                TV u0 = TOps.Load(q), u1 = TOps.Load(q + pair);
                                TOps.Store(q, TOps.Flush(TOps.MulAdd(a0r, u0, TOps.Mul(b0r, u1)), tiny));
                                TOps.Store(q + pair, TOps.Flush(TOps.MulAdd(b1r, u0, TOps.Mul(a1r, u1)), tiny));
                            }
                        }
                    }
                    else
                    {
                        for (; p < stop; p += w)
                        {
                            TV v0 = TOps.Load(p), v1 = TOps.Load(p + pair);
                            TV s0 = TOps.SwapReIm(v0), s1 = TOps.SwapReIm(v1);
                            TOps.Store(p, TOps.Flush(TOps.MulAdd(a0r, v0, TOps.MulAdd(a0i, s0, TOps.MulAdd(b0r, v1, TOps.Mul(b0i, s1)))), tiny));
                            TOps.Store(p + pair, TOps.Flush(TOps.MulAdd(b1r, v0, TOps.MulAdd(b1i, s0, TOps.MulAdd(a1r, v1, TOps.Mul(a1i, s1)))), tiny));
                            if (TS.Dual)
                            {
                                T* q = p + second;
                                TV u0 = TOps.Load(q), u1 = TOps.Load(q + pair);
                                TV t0 = TOps.SwapReIm(u0), t1 = TOps.SwapReIm(u1);
                                TOps.Store(q, TOps.Flush(TOps.MulAdd(a0r, u0, TOps.MulAdd(a0i, t0, TOps.MulAdd(b0r, u1, TOps.Mul(b0i, t1)))), tiny));
                                TOps.Store(q + pair, TOps.Flush(TOps.MulAdd(b1r, u0, TOps.MulAdd(b1i, t0, TOps.MulAdd(a1r, u1, TOps.Mul(a1i, t1)))), tiny));
                            }
                        }
                    }
                    k = runEnd;
                    index = inserter.Advance(index, count, k);
                }
            }
        }
    }
}
