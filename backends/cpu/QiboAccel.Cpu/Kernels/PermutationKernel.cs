using System.Numerics;
using QiboAccel.Cpu.Kernels.Simd;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Kernels;

/// <summary>
/// Permutation gates as pure amplitude swaps, no arithmetic: X with any controls (CNOT, TOFFOLI, ...) swaps the
/// target = 0 / target = 1 halves; SWAP with any controls swaps |..0..1..> with |..1..0..>. Runs on the widest vector
/// whose lanes lie below every qubit involved (narrower vectors when a low qubit is involved).
/// </summary>
internal static unsafe class PermutationKernel
{
    /// <summary>X on bit <paramref name="target"/> where all <paramref name="controls"/> are 1.</summary>
    public static void ApplyX<T>(in KernelState<T> state, int target, int[] controls)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Fixed: target = 0, controls = 1; partner = +2^target.
        Apply(state, [target], 0, controls, 1L << target);
    }

    /// <summary>SWAP of bits <paramref name="a"/> and <paramref name="b"/> where all <paramref name="controls"/> are 1.</summary>
    public static void ApplySwap<T>(in KernelState<T> state, int a, int b, int[] controls)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Fixed: a = 0, b = 1, controls = 1; partner has a = 1, b = 0: + 2^a - 2^b.
        Apply(state, [a, b], 1L << b, controls, (1L << a) - (1L << b));
    }

    private static void Apply<T>(in KernelState<T> state, int[] targets, long targetValues, int[] controls, long delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lowest = int.MaxValue;
        foreach (int t in targets) lowest = Math.Min(lowest, t);
        foreach (int c in controls) lowest = Math.Min(lowest, c);
        var visitor = new Visitor<T>
        {
            State = state, Targets = targets, TargetValues = targetValues, Controls = controls, Delta = delta,
        };
        SimdSelect.Dispatch<T, Visitor<T>>(ref visitor, state.MaxBits, lowest);
    }

    private struct Visitor<T> : IKernelVisitor<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public KernelState<T> State;
        public int[] Targets;
        public long TargetValues;
        public int[] Controls;
        public long Delta;

        public readonly void Visit<TV, TOps>() where TV : unmanaged where TOps : struct, IVecOps<TV, T>
        {
            var job = new Job<T, TV, TOps>(State, Targets, TargetValues, Controls, Delta);
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
        private readonly long _delta; // in T elements
        private readonly long _streamOffset;

        public Job(in KernelState<T> state, int[] targets, long targetValues, int[] controls, long delta)
        {
            int laneBits = TOps.LaneBits;
            _data = state.Data;
            Span<int> fixedBits = stackalloc int[targets.Length + controls.Length];
            long values = targetValues >> laneBits;
            int n = 0;
            foreach (int t in targets) fixedBits[n++] = t - laneBits;
            foreach (int c in controls)
            {
                fixedBits[n++] = c - laneBits;
                values |= 1L << (c - laneBits);
            }
            _inserter = new BitInserter(fixedBits, values);
            _delta = (delta >> laneBits) << (laneBits + 1);
            long total = 1L << (state.NQubits - laneBits - n);
            _streamOffset = StreamSplit.Offset(_inserter, total, laneBits + 1);
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
            var body = new SwapBody<TS> { W = 2 << TOps.LaneBits, Delta = _delta, Second = _streamOffset };
            IndexRuns.Walk(_inserter, BlockContext.Resolve(_data), TOps.LaneBits + 1, begin, end, ref body);
        }

        /// <summary>Exchanges each unit with the one Delta elements on.</summary>
        private struct SwapBody<TS> : IRunBody<T> where TS : struct, IStreams
        {
            public int W;
            public long Delta, Second;

            public readonly void Run(T* p, long count)
            {
                int w = W;
                long delta = Delta, second = Second;
                for (T* stop = p + count * w; p < stop; p += w)
                {
                    TV a = TOps.Load(p), b = TOps.Load(p + delta);
                    TOps.Store(p, b);
                    TOps.Store(p + delta, a);
                    if (TS.Dual)
                    {
                        TV c = TOps.Load(p + second), d = TOps.Load(p + second + delta);
                        TOps.Store(p + second, d);
                        TOps.Store(p + second + delta, c);
                    }
                }
            }
        }
    }
}
