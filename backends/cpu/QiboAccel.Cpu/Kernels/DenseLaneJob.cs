using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.Cpu.Kernels.Simd;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Kernels;

/// <summary>
/// A dense 2^k x 2^k matrix some of whose targets or controls are lane bits (amplitude bits inside one vector), so
/// fused gates on the lowest qubits keep the full vector width instead of falling back to narrower vectors.
/// <para>
/// With h targets above the lanes and l inside them, each group of 2^h vectors (one per pattern of the high
/// targets) is expanded into 2^h·2^l vectors: vector c permuted by every pattern s of the low targets (lane j
/// receives lane j XOR s). Output vector r is then Σ_c Σ_s coef[r, c, s] ⊙ perm_s(v_c), where the per-lane
/// coefficient of lane j is M[(r, a_j), (c, a_j XOR s)] with a_j the lane's own low-target pattern: 2^k complex
/// multiply-adds per amplitude, as for high targets. Lanes whose lane-bit controls are not all 1 get the identity.
/// </para>
/// </summary>
internal sealed unsafe class DenseLaneJob<T, TV, TOps> : IRangeJob
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : unmanaged
    where TOps : struct, IVecOps<TV, T>
{
    private readonly T* _data;
    private readonly BitInserter _inserter;
    private readonly int _highDim, _lowDim;
    private readonly long[] _offsets;      // T elements from the base vector to the vector of high pattern c
    private readonly int[] _lowStepBit;    // for pattern s >= 1: the lane bit that takes perm_{s without it} to perm_s
    private readonly int[] _lowStepFrom;   // ... and that pattern
    private readonly T[] _coefficients;    // per (r, c, s): R = [re, re] and I = [-im, im] vectors

    public DenseLaneJob(in KernelState<T> state, int[] targets, int[] controls, double[] m)
    {
        int laneBits = TOps.LaneBits, lanes = 1 << laneBits, k = targets.Length, dim = 1 << k;
        _data = state.Data;
        var high = new List<int>();   // positions in targets (0 = most significant matrix bit)
        var low = new List<int>();
        for (int i = 0; i < k; i++) (targets[i] >= laneBits ? high : low).Add(i);
        int h = high.Count, l = low.Count;
        _highDim = 1 << h;
        _lowDim = 1 << l;

        Span<int> fixedBits = stackalloc int[k + controls.Length];
        long values = 0;
        int nFixed = 0, laneControlMask = 0;
        foreach (int i in high) fixedBits[nFixed++] = targets[i] - laneBits;
        foreach (int c in controls)
        {
            if (c < laneBits)
            {
                laneControlMask |= 1 << c;
                continue;
            }
            fixedBits[nFixed++] = c - laneBits;
            values |= 1L << (c - laneBits);
        }
        _inserter = new BitInserter(fixedBits[..nFixed], values);
        Total = 1L << (state.NQubits - laneBits - nFixed);
        Amplitudes = Total << (laneBits + h);

        _offsets = new long[_highDim];
        for (int c = 0; c < _highDim; c++)
        {
            long offset = 0;
            for (int j = 0; j < h; j++)
            {
                if (((c >> (h - 1 - j)) & 1) != 0) offset += 1L << (targets[high[j]] - laneBits);
            }
            _offsets[c] = offset << (laneBits + 1);
        }

        // Low pattern s: bit (l - 1 - j) is low target j.
        _lowStepBit = new int[_lowDim];
        _lowStepFrom = new int[_lowDim];
        for (int s = 1; s < _lowDim; s++)
        {
            int b = BitOperations.TrailingZeroCount(s);
            _lowStepFrom[s] = s ^ (1 << b);
            _lowStepBit[s] = targets[low[l - 1 - b]];
        }

        // Matrix index of (high pattern, low pattern): the targets' bits in listed order.
        int Index(int highPattern, int lowPattern)
        {
            int index = 0;
            for (int j = 0; j < h; j++) index |= ((highPattern >> (h - 1 - j)) & 1) << (k - 1 - high[j]);
            for (int j = 0; j < l; j++) index |= ((lowPattern >> (l - 1 - j)) & 1) << (k - 1 - low[j]);
            return index;
        }
        int LaneLowPattern(int lane)
        {
            int a = 0;
            for (int j = 0; j < l; j++) a |= ((lane >> targets[low[j]]) & 1) << (l - 1 - j);
            return a;
        }

        int terms = _highDim * _lowDim;
        _coefficients = new T[_highDim * terms * 2 * (2 * lanes)];
        for (int r = 0; r < _highDim; r++)
        for (int c = 0; c < _highDim; c++)
        for (int s = 0; s < _lowDim; s++)
        {
            int vector = r * terms + c * _lowDim + s;
            for (int lane = 0; lane < lanes; lane++)
            {
                double re, im;
                if ((lane & laneControlMask) != laneControlMask)
                {
                    re = r == c && s == 0 ? 1 : 0;
                    im = 0;
                }
                else
                {
                    int a = LaneLowPattern(lane);
                    int at = Index(r, a) * dim + Index(c, a ^ s);
                    re = m[2 * at];
                    im = m[2 * at + 1];
                }
                Lanes.Put(_coefficients, vector, lanes, lane, re, im);
            }
        }
    }

    /// <summary>Number of base vectors (each with its 2^h partners).</summary>
    public long Total { get; }

    /// <summary>Amplitudes the job reads and writes.</summary>
    public long Amplitudes { get; }

    public void Run(int chunk, long begin, long end)
    {
        int terms = _highDim * _lowDim;
        TV* scratch = (TV*)NativeMemory.AlignedAlloc((nuint)(2 * terms * sizeof(TV)), 64);
        try
        {
            fixed (long* offsets = _offsets)
            fixed (int* stepBit = _lowStepBit)
            fixed (int* stepFrom = _lowStepFrom)
            fixed (T* coefficients = _coefficients)
            {
                var body = new Body
                {
                    W = 2 << TOps.LaneBits, HighDim = _highDim, LowDim = _lowDim,
                    V = scratch, Swapped = scratch + terms, Offsets = offsets, StepBit = stepBit, StepFrom = stepFrom, Coefficients = coefficients,
                };
                IndexRuns.Walk(_inserter, BlockContext.Resolve(_data), TOps.LaneBits + 1, begin, end, ref body);
            }
        }
        finally
        {
            NativeMemory.AlignedFree(scratch);
        }
    }

    /// <summary>Each unit's 2^h vectors expanded into their 2^l lane permutations, then the per-lane products.</summary>
    private struct Body : IRunBody<T>
    {
        public int W, HighDim, LowDim;
        public TV* V, Swapped;
        public long* Offsets;
        public int* StepBit, StepFrom;
        public T* Coefficients;

        public readonly void Run(T* p, long count)
        {
            int w = W, highDim = HighDim, lowDim = LowDim, terms = highDim * lowDim;
            TV* v = V, sw = Swapped;
            for (T* stop = p + count * w; p < stop; p += w)
            {
                for (int c = 0; c < highDim; c++)
                {
                    TV* vc = v + c * lowDim;
                    vc[0] = TOps.Load(p + Offsets[c]);
                    for (int s = 1; s < lowDim; s++) vc[s] = TOps.ExchangeLanes(vc[StepFrom[s]], StepBit[s]);
                }
                for (int t = 0; t < terms; t++) sw[t] = TOps.SwapReIm(v[t]);
                T* coef = Coefficients;
                for (int r = 0; r < highDim; r++)
                {
                    // Four independent pairs of accumulators keep both FMA pipes busy (terms is a multiple of 4: k >= 2).
                    TV a0 = default, a1 = default, a2 = default, a3 = default;
                    TV b0 = default, b1 = default, b2 = default, b3 = default;
                    for (int t = 0; t < terms; t += 4, coef += 8 * w)
                    {
                        a0 = TOps.MulAdd(TOps.Load(coef), v[t], a0);
                        b0 = TOps.MulAdd(TOps.Load(coef + w), sw[t], b0);
                        a1 = TOps.MulAdd(TOps.Load(coef + 2 * w), v[t + 1], a1);
                        b1 = TOps.MulAdd(TOps.Load(coef + 3 * w), sw[t + 1], b1);
                        a2 = TOps.MulAdd(TOps.Load(coef + 4 * w), v[t + 2], a2);
                        b2 = TOps.MulAdd(TOps.Load(coef + 5 * w), sw[t + 2], b2);
                        a3 = TOps.MulAdd(TOps.Load(coef + 6 * w), v[t + 3], a3);
                        b3 = TOps.MulAdd(TOps.Load(coef + 7 * w), sw[t + 3], b3);
                    }
                    TV sum = TOps.Add(TOps.Add(TOps.Add(a0, b0), TOps.Add(a1, b1)), TOps.Add(TOps.Add(a2, b2), TOps.Add(a3, b3)));
                    TOps.Store(p + Offsets[r], sum);
                }
            }
        }
    }
}
