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
        private readonly long _delta;         // T elements
        private readonly long _streamOffset;
        private readonly bool _real;
        private readonly TV _c0, _c1, _c2, _c3, _c4, _c5, _c6, _c7;  // A0 = m00, B0 = m01, B1 = m10, A1 = m11, each an (R, I) pair

        public Job(in KernelState<T> state, int[] fixedBits, long fixedValues, long delta, double[] m)
        {
            int laneBits = TOps.LaneBits, lanes = 1 << laneBits, shift = laneBits + 1;
            _data = state.Data;
            Span<int> unitBits = stackalloc int[fixedBits.Length];
            for (int i = 0; i < fixedBits.Length; i++) unitBits[i] = fixedBits[i] - laneBits;
            _inserter = new BitInserter(unitBits, fixedValues >> laneBits);
            _delta = (delta >> laneBits) << shift;
            _real = m[1] == 0 && m[3] == 0 && m[5] == 0 && m[7] == 0;
            Span<T> coefficients = stackalloc T[4 * 2 * 2 * lanes];
            for (int j = 0; j < lanes; j++)
            {
                Lanes.Put(coefficients, 0, lanes, j, m[0], m[1]);
                Lanes.Put(coefficients, 1, lanes, j, m[2], m[3]);
                Lanes.Put(coefficients, 2, lanes, j, m[4], m[5]);
                Lanes.Put(coefficients, 3, lanes, j, m[6], m[7]);
            }
            fixed (T* c = coefficients)
            {
                int w = 2 * lanes;
                (_c0, _c1, _c2, _c3) = (TOps.Load(c), TOps.Load(c + w), TOps.Load(c + 2 * w), TOps.Load(c + 3 * w));
                (_c4, _c5, _c6, _c7) = (TOps.Load(c + 4 * w), TOps.Load(c + 5 * w), TOps.Load(c + 6 * w), TOps.Load(c + 7 * w));
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
            var body = new PairBody<T, TV, TOps, TS>
            {
                W = 2 << TOps.LaneBits, Pair = _delta, Second = _streamOffset, Real = _real,
                A0r = _c0, A0i = _c1, B0r = _c2, B0i = _c3, B1r = _c4, B1i = _c5, A1r = _c6, A1i = _c7,
            };
            IndexRuns.Walk(_inserter, BlockContext.Resolve(_data), TOps.LaneBits + 1, begin, end, ref body);
        }
    }
}
