using ILGPU;

namespace QiboAccel.Gpu.Kernels;

/// <summary>
/// The state-vector kernels of libqibo_gpu.so, as implicitly grouped ILGPU kernels. The generator instantiates each
/// one for (double, <see cref="F64Ops"/>) and (float, <see cref="F32Ops"/>) and compiles it to PTX and OpenCL C.
/// </summary>
/// <remarks>
/// Conventions every kernel follows (the generator checks the signatures, the host relies on them):
/// <list type="bullet">
/// <item>Parameters: the ILGPU index, then every <see cref="ArrayView{T}"/>, then <c>long offset</c>, then scalars.
/// A launch covers threads offset + [0, count): the index is 32-bit, so the host splits larger launches into chunks
/// and passes each chunk's first thread as <c>offset</c>.</item>
/// <item>A state is 2^n interleaved (re, im) pairs; amplitude i is at [2i], [2i + 1]. Qubits arrive as bit masks of
/// the amplitude index (qubit q of n is bit n - 1 - q).</item>
/// <item><c>fixedMask</c> holds the targets' and controls' bits: thread t works on the basis indices
/// <see cref="Bits.InsertZeros"/>(t, fixedMask) | ctrlMask (| target bits), so a gate with k targets and c controls
/// launches 2^(n - k - c) threads and never touches amplitudes whose controls are not all 1.</item>
/// <item>Matrices come from <c>consts</c>, the batch's matrices uploaded once per state_apply (interleaved complex
/// values in the state's precision, row-major), at element offset <c>m</c>; ordered target masks of multi-target
/// kernels come from <c>masks</c> at <c>maskOffset</c> (first target = most significant bit of the matrix index).</item>
/// </list>
/// </remarks>
public static class StateKernels
{
    /// <summary>The largest k of <see cref="ApplyDense{T, TOps}"/> (its per-thread buffers are sized for it).</summary>
    public const int MaxDenseTargets = 5;

    private const int MaxDenseDim = 1 << MaxDenseTargets;

    /// <summary>Sets amplitude i to 1 if i == <paramref name="basis"/>, else 0 (2^n threads).</summary>
    public static void InitBasis<T, TOps>(Index1D index, ArrayView<T> state, long offset, long basis)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        TOps o = default;
        long i = offset + index;
        state[2 * i] = i == basis ? o.One : o.Zero;
        state[2 * i + 1] = o.Zero;
    }

    /// <summary>A 2x2 matrix on the <paramref name="target"/> bit (2^(n-1-c) threads).</summary>
    public static void Apply1Q<T, TOps>(Index1D index, ArrayView<T> state, ArrayView<T> consts, long offset,
        long fixedMask, long ctrlMask, long target, long m)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        long i0 = Bits.InsertZeros(offset + index, fixedMask) | ctrlMask;
        long i1 = i0 | target;
        T ar = state[2 * i0], ai = state[2 * i0 + 1];
        T br = state[2 * i1], bi = state[2 * i1 + 1];
        state[2 * i0] = RowRe<T, TOps>(consts, m, ar, ai, br, bi);
        state[2 * i0 + 1] = RowIm<T, TOps>(consts, m, ar, ai, br, bi);
        state[2 * i1] = RowRe<T, TOps>(consts, m + 4, ar, ai, br, bi);
        state[2 * i1 + 1] = RowIm<T, TOps>(consts, m + 4, ar, ai, br, bi);
    }

    /// <summary>
    /// A 4x4 matrix on bits <paramref name="t0"/> (most significant bit of the matrix index) and <paramref name="t1"/>
    /// (2^(n-2-c) threads).
    /// </summary>
    public static void Apply2Q<T, TOps>(Index1D index, ArrayView<T> state, ArrayView<T> consts, long offset,
        long fixedMask, long ctrlMask, long t0, long t1, long m)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        long i0 = Bits.InsertZeros(offset + index, fixedMask) | ctrlMask;
        long i1 = i0 | t1, i2 = i0 | t0, i3 = i0 | t0 | t1;
        T a0r = state[2 * i0], a0i = state[2 * i0 + 1];
        T a1r = state[2 * i1], a1i = state[2 * i1 + 1];
        T a2r = state[2 * i2], a2i = state[2 * i2 + 1];
        T a3r = state[2 * i3], a3i = state[2 * i3 + 1];
        TOps o = default;
        state[2 * i0] = o.Add(RowRe<T, TOps>(consts, m, a0r, a0i, a1r, a1i), RowRe<T, TOps>(consts, m + 4, a2r, a2i, a3r, a3i));
        state[2 * i0 + 1] = o.Add(RowIm<T, TOps>(consts, m, a0r, a0i, a1r, a1i), RowIm<T, TOps>(consts, m + 4, a2r, a2i, a3r, a3i));
        state[2 * i1] = o.Add(RowRe<T, TOps>(consts, m + 8, a0r, a0i, a1r, a1i), RowRe<T, TOps>(consts, m + 12, a2r, a2i, a3r, a3i));
        state[2 * i1 + 1] = o.Add(RowIm<T, TOps>(consts, m + 8, a0r, a0i, a1r, a1i), RowIm<T, TOps>(consts, m + 12, a2r, a2i, a3r, a3i));
        state[2 * i2] = o.Add(RowRe<T, TOps>(consts, m + 16, a0r, a0i, a1r, a1i), RowRe<T, TOps>(consts, m + 20, a2r, a2i, a3r, a3i));
        state[2 * i2 + 1] = o.Add(RowIm<T, TOps>(consts, m + 16, a0r, a0i, a1r, a1i), RowIm<T, TOps>(consts, m + 20, a2r, a2i, a3r, a3i));
        state[2 * i3] = o.Add(RowRe<T, TOps>(consts, m + 24, a0r, a0i, a1r, a1i), RowRe<T, TOps>(consts, m + 28, a2r, a2i, a3r, a3i));
        state[2 * i3 + 1] = o.Add(RowIm<T, TOps>(consts, m + 24, a0r, a0i, a1r, a1i), RowIm<T, TOps>(consts, m + 28, a2r, a2i, a3r, a3i));
    }

    /// <summary>
    /// A dense 2^k x 2^k matrix, k &lt;= <see cref="MaxDenseTargets"/>, on the k target bits listed at
    /// masks[maskOffset ..] (2^(n-k-c) threads; each thread gathers its 2^k amplitudes, then writes 2^k rows).
    /// </summary>
    public static void ApplyDense<T, TOps>(Index1D index, ArrayView<T> state, ArrayView<T> consts, ArrayView<long> masks,
        long offset, long fixedMask, long ctrlMask, int k, long maskOffset, long m)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        TOps o = default;
        var amp = LocalMemory.Allocate<T>(2 * MaxDenseDim);
        int dim = 1 << k;
        long baseIndex = Bits.InsertZeros(offset + index, fixedMask) | ctrlMask;
        for (int c = 0; c < dim; c++)
        {
            long idx = baseIndex | Spread(c, masks, maskOffset, k);
            amp[2 * c] = state[2 * idx];
            amp[2 * c + 1] = state[2 * idx + 1];
        }
        for (int r = 0; r < dim; r++)
        {
            T re = o.Zero, im = o.Zero;
            long row = m + 2L * r * dim;
            for (int c = 0; c < dim; c++)
            {
                T mr = consts[row + 2 * c], mi = consts[row + 2 * c + 1];
                T xr = amp[2 * c], xi = amp[2 * c + 1];
                re = o.Add(re, o.Sub(o.Mul(mr, xr), o.Mul(mi, xi)));
                im = o.Add(im, o.Add(o.Mul(mr, xi), o.Mul(mi, xr)));
            }
            long idx = baseIndex | Spread(r, masks, maskOffset, k);
            state[2 * idx] = re;
            state[2 * idx + 1] = im;
        }
    }

    /// <summary>
    /// A diagonal on the k target bits listed at masks[maskOffset ..]: amplitude i (controls all 1) is multiplied by
    /// consts entry d, d spelled by i's target bits, first target most significant (2^(n-c) threads).
    /// </summary>
    public static void ApplyDiagonal<T, TOps>(Index1D index, ArrayView<T> state, ArrayView<T> consts, ArrayView<long> masks,
        long offset, long fixedMask, long ctrlMask, int k, long maskOffset, long m)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        TOps o = default;
        long i = Bits.InsertZeros(offset + index, fixedMask) | ctrlMask;
        long d = 0;
        for (int t = 0; t < k; t++) d = (d << 1) | ((i & masks[maskOffset + t]) != 0 ? 1L : 0L);
        T dr = consts[m + 2 * d], di = consts[m + 2 * d + 1];
        T ar = state[2 * i], ai = state[2 * i + 1];
        state[2 * i] = o.Sub(o.Mul(dr, ar), o.Mul(di, ai));
        state[2 * i + 1] = o.Add(o.Mul(dr, ai), o.Mul(di, ar));
    }

    /// <summary>
    /// Multiplies by (re, im) the amplitudes whose <paramref name="ones"/> bits are all 1: Z, S, T, U1, CZ, CU1 and
    /// every other diag(1, phase) with controls (2^(n - popcount(ones)) threads; fixedMask == ones).
    /// </summary>
    public static void ApplyPhase<T, TOps>(Index1D index, ArrayView<T> state, long offset, long fixedMask, long ones, T re, T im)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        TOps o = default;
        long i = Bits.InsertZeros(offset + index, fixedMask) | ones;
        T ar = state[2 * i], ai = state[2 * i + 1];
        state[2 * i] = o.Sub(o.Mul(re, ar), o.Mul(im, ai));
        state[2 * i + 1] = o.Add(o.Mul(re, ai), o.Mul(im, ar));
    }

    /// <summary>X with controls (X, CNOT, TOFFOLI, ...): swaps the amplitude pairs that differ in the target bit.</summary>
    public static void ApplyX<T, TOps>(Index1D index, ArrayView<T> state, long offset, long fixedMask, long ctrlMask, long target)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        long i0 = Bits.InsertZeros(offset + index, fixedMask) | ctrlMask;
        long i1 = i0 | target;
        T ar = state[2 * i0], ai = state[2 * i0 + 1];
        state[2 * i0] = state[2 * i1];
        state[2 * i0 + 1] = state[2 * i1 + 1];
        state[2 * i1] = ar;
        state[2 * i1 + 1] = ai;
    }

    /// <summary>SWAP with controls: exchanges the amplitudes with target bits 10 and 01 (2^(n-2-c) threads).</summary>
    public static void ApplySwap<T, TOps>(Index1D index, ArrayView<T> state, long offset, long fixedMask, long ctrlMask, long a, long b)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        long i = Bits.InsertZeros(offset + index, fixedMask) | ctrlMask;
        long ia = i | a, ib = i | b;
        T ar = state[2 * ia], ai = state[2 * ia + 1];
        state[2 * ia] = state[2 * ib];
        state[2 * ia + 1] = state[2 * ib + 1];
        state[2 * ib] = ar;
        state[2 * ib + 1] = ai;
    }

    /// <summary>
    /// First pass of the marginal probabilities of <paramref name="m"/> listed bits (masks at
    /// masks[maskOffset ..], the first listed = most significant bit of the outcome; <paramref name="chosen"/> is their
    /// union). Thread t = first + offset + index is (outcome, group) with group = t mod 2^groupBits: it sums |a|^2 over
    /// <paramref name="perThread"/> amplitudes whose listed bits spell the outcome, taking every 2^groupBits-th free
    /// index from the group on (neighbouring threads read neighbouring amplitudes). Each stored value is widened to
    /// TSum and squared and summed there, with compensated (Kahan) summation. partials[t - first] receives the sum:
    /// outcome o's partial sums are in a fixed order (deterministic results), and a window of outcomes [first, ...)
    /// can be computed alone (marginals of many qubits without a partials buffer of 2^m entries).
    /// </summary>
    public static void MarginalPartial<T, TSum, TOps>(Index1D index, ArrayView<T> state, ArrayView<TSum> partials, ArrayView<long> masks,
        long offset, long first, long chosen, int m, long maskOffset, int groupBits, long perThread)
        where T : unmanaged where TSum : unmanaged where TOps : struct, ISumOps<T, TSum>
    {
        TOps o = default;
        long t = first + offset + index;
        long group = t & ((1L << groupBits) - 1);
        long outcome = t >> groupBits;
        long high = 0;
        for (int b = 0; b < m; b++) high |= masks[maskOffset + b] & -((outcome >> (m - 1 - b)) & 1);
        TSum sum = o.Zero, c = o.Zero;
        for (long j = 0; j < perThread; j++)
        {
            long i = Bits.InsertZeros(group + (j << groupBits), chosen) | high;
            TSum re = o.Widen(state[2 * i]), im = o.Widen(state[2 * i + 1]);
            Kahan<TSum, TOps>(ref sum, ref c, o.Add(o.Mul(re, re), o.Mul(im, im)));
        }
        partials[offset + index] = sum;
    }

    /// <summary>
    /// Sums consecutive runs with compensated summation: output[t] = input[t * run] + ... + input[t * run + run - 1].
    /// Folds the partial sums of every reduction (its T is the reduction's sum type).
    /// </summary>
    public static void SumRuns<T, TOps>(Index1D index, ArrayView<T> input, ArrayView<T> output, long offset, long run)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        TOps o = default;
        long t = offset + index;
        T sum = o.Zero, c = o.Zero;
        for (long j = 0; j < run; j++) Kahan<T, TOps>(ref sum, ref c, input[t * run + j]);
        output[t] = sum;
    }

    /// <summary>
    /// MEASURE's decision, on the device (one thread): P0 and P1 are the sums of partials[0 .. groups) and
    /// partials[groups .. 2 groups); p0 = P0 / (P0 + P1); the outcome is 1 iff r &gt;= p0, r being the host's random
    /// number given as rHi + rLo (in double sums rHi = r, rLo = 0; in float sums rHi = r rounded to float, rLo = the
    /// rest, so the comparison stays exact). Writes decisions[3 slot ..] = (outcome, 1 / sqrt(P(outcome)), P0 + P1),
    /// rounded to the state's type; outcome 2 (and scale 1) when the norm is not a positive finite number, which the
    /// host reports as an error after the batch. Branch-free: a branch on a loaded value would be thread-dependent for
    /// the generator.
    /// </summary>
    public static void MeasureDecide<T, TSum, TOps>(Index1D index, ArrayView<TSum> partials, ArrayView<T> decisions, long offset,
        long groups, long slot, TSum rHi, TSum rLo)
        where T : unmanaged where TSum : unmanaged where TOps : struct, ISumOps<T, TSum>
    {
        TOps o = default;
        TSum s0 = o.Zero, c0 = o.Zero, s1 = o.Zero, c1 = o.Zero;
        for (long g = 0; g < groups; g++)
        {
            Kahan<TSum, TOps>(ref s0, ref c0, partials[g]);
            Kahan<TSum, TOps>(ref s1, ref c1, partials[groups + g]);
        }
        TSum total = o.Add(s0, s1);
        bool valid = o.Greater(total, o.Zero) & !o.Greater(total, o.MaxValue);
        TSum p0 = o.Div(s0, total);
        bool one = o.Greater(rHi, p0) | (o.Equal(rHi, p0) & !o.Greater(o.Zero, rLo));
        TSum kept = one ? s1 : s0;
        TSum scale = o.Div(o.One, o.Sqrt(kept));
        TSum outcome = one ? o.One : o.Zero;
        // Selects into locals first: ILGPU turns a conditional inside a call's arguments into a branch.
        TSum decided = valid ? outcome : o.Add(o.One, o.One);
        TSum factor = valid ? scale : o.One;
        decisions[3 * slot] = o.Narrow(decided);
        decisions[3 * slot + 1] = o.Narrow(factor);
        decisions[3 * slot + 2] = o.Narrow(total);
    }

    /// <summary>
    /// MEASURE's collapse after <see cref="MeasureDecide{T, TSum, TOps}"/>: amplitudes whose <paramref name="target"/> bit
    /// equals the decided outcome are multiplied by its scale, the others set to 0 (2^(n-1) threads).
    /// </summary>
    public static void Collapse<T, TOps>(Index1D index, ArrayView<T> state, ArrayView<T> decisions, long offset, long target, long slot)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        TOps o = default;
        long outcome = o.ToInt64(decisions[3 * slot]);
        T scale = decisions[3 * slot + 1];
        long keep = target & -(outcome & 1);
        long i0 = Bits.InsertZeros(offset + index, target);
        long kept = i0 | keep, dropped = i0 | (keep ^ target);
        state[2 * kept] = o.Mul(state[2 * kept], scale);
        state[2 * kept + 1] = o.Mul(state[2 * kept + 1], scale);
        state[2 * dropped] = o.Zero;
        state[2 * dropped + 1] = o.Zero;
    }

    /// <summary>
    /// First pass of &lt;bra|ket&gt; = sum_i conj(bra[i]) ket[i]: thread t = offset + index of <paramref name="stride"/>
    /// threads sums i = t, t + stride, ... (<paramref name="perThread"/> amplitudes; neighbouring threads read neighbouring
    /// amplitudes), widened to TSum, with compensated summation; partials[t] receives the real part and
    /// partials[stride + t] the imaginary part (so folding runs of both halves keeps them apart).
    /// </summary>
    public static void InnerPartial<T, TSum, TOps>(Index1D index, ArrayView<T> bra, ArrayView<T> ket, ArrayView<TSum> partials,
        long offset, long stride, long perThread)
        where T : unmanaged where TSum : unmanaged where TOps : struct, ISumOps<T, TSum>
    {
        TOps o = default;
        long t = offset + index;
        TSum re = o.Zero, cr = o.Zero, im = o.Zero, ci = o.Zero;
        for (long j = 0; j < perThread; j++)
        {
            long i = t + j * stride;
            TSum ar = o.Widen(bra[2 * i]), ai = o.Widen(bra[2 * i + 1]);
            TSum br = o.Widen(ket[2 * i]), bi = o.Widen(ket[2 * i + 1]);
            Kahan<TSum, TOps>(ref re, ref cr, o.Add(o.Mul(ar, br), o.Mul(ai, bi)));
            Kahan<TSum, TOps>(ref im, ref ci, o.Sub(o.Mul(ar, bi), o.Mul(ai, br)));
        }
        partials[t] = re;
        partials[stride + t] = im;
    }

    /// <summary>
    /// First pass of sum_k c_k &lt;psi|P_k|psi&gt; over <paramref name="terms"/> Pauli strings that share the flip mask
    /// <paramref name="flip"/> (their X and Y bits): with z_b = conj(psi[b ^ flip]) psi[b], the sum is
    /// sum_b sum_k (-1)^popcount(b &amp; signs[k]) (weights[2k] Re z_b + weights[2k + 1] Im z_b), the weights being the
    /// coefficient times the real or imaginary part of i^(number of Y factors), set by the host (terms from
    /// <paramref name="firstTerm"/> on). Thread t = offset + index of <paramref name="stride"/> threads sums b = t, t + stride,
    /// ... (<paramref name="perThread"/> of them), every term's contribution added in TSum with compensated summation,
    /// into partials[t]. Branch-free:
    /// the sign is an arithmetic factor of the parity.
    /// </summary>
    public static void ExpectationPartial<T, TSum, TOps>(Index1D index, ArrayView<T> state, ArrayView<TSum> weights, ArrayView<long> signs,
        ArrayView<TSum> partials, long offset, long stride, long perThread, long flip, long firstTerm, long terms)
        where T : unmanaged where TSum : unmanaged where TOps : struct, ISumOps<T, TSum>
    {
        TOps o = default;
        long t = offset + index;
        TSum sum = o.Zero, c = o.Zero;
        for (long j = 0; j < perThread; j++)
        {
            long b = t + j * stride, p = b ^ flip;
            TSum br = o.Widen(state[2 * b]), bi = o.Widen(state[2 * b + 1]);
            TSum pr = o.Widen(state[2 * p]), pi = o.Widen(state[2 * p + 1]);
            TSum zr = o.Add(o.Mul(pr, br), o.Mul(pi, bi)), zi = o.Sub(o.Mul(pr, bi), o.Mul(pi, br));
            // Every (amplitude, term) contribution goes through the compensated sum, so the error does not grow with
            // the group's size (a Hamiltonian's Z strings all share flip 0).
            for (long k = firstTerm; k < firstTerm + terms; k++)
            {
                TSum sign = o.FromInt64(1 - 2 * Bits.Parity(b & signs[k]));
                Kahan<TSum, TOps>(ref sum, ref c, o.Mul(sign, o.Add(o.Mul(weights[2 * k], zr), o.Mul(weights[2 * k + 1], zi))));
            }
        }
        partials[t] = sum;
    }

    /// <summary>One step of Kahan's compensated summation: sum += x, c carrying the lost low-order part.</summary>
    private static void Kahan<T, TOps>(ref T sum, ref T c, T x)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        TOps o = default;
        T y = o.Sub(x, c);
        T t = o.Add(sum, y);
        c = o.Sub(o.Sub(t, sum), y);
        sum = t;
    }

    /// <summary>Bits of the rows of a dense matrix: the mask of row/column <paramref name="c"/>'s target bits.</summary>
    private static long Spread(int c, ArrayView<long> masks, long maskOffset, int k)
    {
        long result = 0;
        for (int t = 0; t < k; t++)
        {
            if (((c >> (k - 1 - t)) & 1) != 0) result |= masks[maskOffset + t];
        }
        return result;
    }

    /// <summary>Re of (m[0], m[1]) . (a, b) with m[0] at consts[m], m[1] at consts[m + 2].</summary>
    private static T RowRe<T, TOps>(ArrayView<T> consts, long m, T ar, T ai, T br, T bi)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        TOps o = default;
        T m0r = consts[m], m0i = consts[m + 1], m1r = consts[m + 2], m1i = consts[m + 3];
        return o.Add(o.Sub(o.Mul(m0r, ar), o.Mul(m0i, ai)), o.Sub(o.Mul(m1r, br), o.Mul(m1i, bi)));
    }

    /// <summary>Im of (m[0], m[1]) . (a, b).</summary>
    private static T RowIm<T, TOps>(ArrayView<T> consts, long m, T ar, T ai, T br, T bi)
        where T : unmanaged where TOps : struct, IRealOps<T>
    {
        TOps o = default;
        T m0r = consts[m], m0i = consts[m + 1], m1r = consts[m + 2], m1i = consts[m + 3];
        return o.Add(o.Add(o.Mul(m0r, ai), o.Mul(m0i, ar)), o.Add(o.Mul(m1r, bi), o.Mul(m1i, br)));
    }
}
