using System.Numerics;
using QiboAccel.Cpu.Kernels.Simd;

namespace QiboAccel.Cpu.Kernels;

/// <summary>
/// A 2x2 complex matrix on pairs of whole vectors (v0, v1 = v0 + Pair): rows (A0, B0) and (B1, A1) as per-lane
/// coefficient vectors (R = [re, re], I = [-im, im]), so lanes whose in-vector controls are 0 can carry the identity.
/// The body of the 1-qubit kernel for targets above the lanes and of the pair kernel's 2x2 blocks. Real matrices skip
/// the complex shuffles; with two streams the unit Second elements on is processed in lockstep.
/// </summary>
internal unsafe struct PairBody<T, TV, TOps, TS> : IRunBody<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : unmanaged
    where TOps : struct, IVecOps<TV, T>
    where TS : struct, IStreams
{
    public int W;
    public long Pair, Second;
    public bool Real;
    public TV A0r, A0i, B0r, B0i, B1r, B1i, A1r, A1i;

    public readonly void Run(T* p, long count)
    {
        int w = W;
        long pair = Pair, second = Second;
        TV a0r = A0r, a0i = A0i, b0r = B0r, b0i = B0i, b1r = B1r, b1i = B1i, a1r = A1r, a1i = A1i;
        T* stop = p + count * w;
        if (Real)
        {
            for (; p < stop; p += w)
            {
                TV v0 = TOps.Load(p), v1 = TOps.Load(p + pair);
                TV u0 = default, u1 = default;
                if (TS.Dual)
                {
                    u0 = TOps.Load(p + second);
                    u1 = TOps.Load(p + second + pair);
                }
                TOps.Store(p, TOps.MulAdd(a0r, v0, TOps.Mul(b0r, v1)));
                TOps.Store(p + pair, TOps.MulAdd(b1r, v0, TOps.Mul(a1r, v1)));
                if (TS.Dual)
                {
                    TOps.Store(p + second, TOps.MulAdd(a0r, u0, TOps.Mul(b0r, u1)));
                    TOps.Store(p + second + pair, TOps.MulAdd(b1r, u0, TOps.Mul(a1r, u1)));
                }
            }
            return;
        }
        for (; p < stop; p += w)
        {
            TV v0 = TOps.Load(p), v1 = TOps.Load(p + pair);
            TV s0 = TOps.SwapReIm(v0), s1 = TOps.SwapReIm(v1);
            TOps.Store(p, TOps.MulAdd(a0r, v0, TOps.MulAdd(a0i, s0, TOps.MulAdd(b0r, v1, TOps.Mul(b0i, s1)))));
            TOps.Store(p + pair, TOps.MulAdd(b1r, v0, TOps.MulAdd(b1i, s0, TOps.MulAdd(a1r, v1, TOps.Mul(a1i, s1)))));
            if (TS.Dual)
            {
                T* q = p + second;
                TV u0 = TOps.Load(q), u1 = TOps.Load(q + pair);
                TV t0 = TOps.SwapReIm(u0), t1 = TOps.SwapReIm(u1);
                TOps.Store(q, TOps.MulAdd(a0r, u0, TOps.MulAdd(a0i, t0, TOps.MulAdd(b0r, u1, TOps.Mul(b0i, t1)))));
                TOps.Store(q + pair, TOps.MulAdd(b1r, u0, TOps.MulAdd(b1i, t0, TOps.MulAdd(a1r, u1, TOps.Mul(a1i, t1)))));
            }
        }
    }
}
