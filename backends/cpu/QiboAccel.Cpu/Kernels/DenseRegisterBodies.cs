using System.Numerics;
using System.Runtime.CompilerServices;
using QiboAccel.Cpu.Kernels.Simd;

namespace QiboAccel.Cpu.Kernels;

/// <summary>
/// Dense 4x4 and 8x8 products (2- and 3-qubit fused gates, targets above the lane bits) with the unit's whole target
/// subspace held in registers. Each row is P + i Q with P = sum re[r][c] v[c] and Q = sum im[r][c] v[c]: both sums use
/// the loaded vectors themselves, so no i*v copies are kept (the general <see cref="DenseKernel"/> body keeps v and
/// i*v in a scratch array, one extra load per multiply-add, which made fusion cost more than it saved), and i*Q costs
/// one shuffle per row. The coefficients are broadcast from the row-major re and im tables (L1-resident).
/// </summary>
internal static unsafe class DenseRegisterBodies
{
    /// <summary>True when the register bodies handle a dense product of <paramref name="dim"/> rows.</summary>
    public static bool Handles(int dim) => dim is 4 or 8;

    /// <summary>One output row: P + i Q over the vectors given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Row4<T, TV, TOps>(T* re, T* im, TV v0, TV v1, TV v2, TV v3, TV signs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged
        where TOps : struct, IVecOps<TV, T>
    {
        TV a = TOps.Mul(TOps.Broadcast(re[0]), v0), b = TOps.Mul(TOps.Broadcast(im[0]), v0);
        a = TOps.MulAdd(TOps.Broadcast(re[1]), v1, a);
        b = TOps.MulAdd(TOps.Broadcast(im[1]), v1, b);
        a = TOps.MulAdd(TOps.Broadcast(re[2]), v2, a);
        b = TOps.MulAdd(TOps.Broadcast(im[2]), v2, b);
        a = TOps.MulAdd(TOps.Broadcast(re[3]), v3, a);
        b = TOps.MulAdd(TOps.Broadcast(im[3]), v3, b);
        return TOps.MulAdd(TOps.SwapReIm(b), signs, a);
    }

    /// <summary>The 4x4 body: one unit = 4 vectors at offsets 0, O1, O2, O3.</summary>
    public struct Dense4<T, TV, TOps> : IRunBody<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged
        where TOps : struct, IVecOps<TV, T>
    {
        public int W;
        public long O1, O2, O3;
        public TV Signs;
        public T* Re, Im;

        public readonly void Run(T* p, long count)
        {
            int w = W;
            long o1 = O1, o2 = O2, o3 = O3;
            TV signs = Signs;
            T* re = Re, im = Im;
            for (T* stop = p + count * w; p < stop; p += w)
            {
                TV v0 = TOps.Load(p), v1 = TOps.Load(p + o1), v2 = TOps.Load(p + o2), v3 = TOps.Load(p + o3);
                TOps.Store(p, Row4<T, TV, TOps>(re, im, v0, v1, v2, v3, signs));
                TOps.Store(p + o1, Row4<T, TV, TOps>(re + 4, im + 4, v0, v1, v2, v3, signs));
                TOps.Store(p + o2, Row4<T, TV, TOps>(re + 8, im + 8, v0, v1, v2, v3, signs));
                TOps.Store(p + o3, Row4<T, TV, TOps>(re + 12, im + 12, v0, v1, v2, v3, signs));
            }
        }
    }

    /// <summary>The 8x8 body: one unit = 8 vectors at offsets 0, O1 .. O7.</summary>
    public struct Dense8<T, TV, TOps> : IRunBody<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged
        where TOps : struct, IVecOps<TV, T>
    {
        public int W;
        public long O1, O2, O3, O4, O5, O6, O7;
        public TV Signs;
        public T* Re, Im;

        public readonly void Run(T* p, long count)
        {
            int w = W;
            long o1 = O1, o2 = O2, o3 = O3, o4 = O4, o5 = O5, o6 = O6, o7 = O7;
            TV signs = Signs;
            T* re = Re, im = Im;
            for (T* stop = p + count * w; p < stop; p += w)
            {
                TV v0 = TOps.Load(p), v1 = TOps.Load(p + o1), v2 = TOps.Load(p + o2), v3 = TOps.Load(p + o3);
                TV v4 = TOps.Load(p + o4), v5 = TOps.Load(p + o5), v6 = TOps.Load(p + o6), v7 = TOps.Load(p + o7);
                // Every row reads all eight inputs, so the stores wait until the last row is computed.
                TV r0 = Row8(re, im, v0, v1, v2, v3, v4, v5, v6, v7, signs);
                TV r1 = Row8(re + 8, im + 8, v0, v1, v2, v3, v4, v5, v6, v7, signs);
                TV r2 = Row8(re + 16, im + 16, v0, v1, v2, v3, v4, v5, v6, v7, signs);
                TV r3 = Row8(re + 24, im + 24, v0, v1, v2, v3, v4, v5, v6, v7, signs);
                TV r4 = Row8(re + 32, im + 32, v0, v1, v2, v3, v4, v5, v6, v7, signs);
                TV r5 = Row8(re + 40, im + 40, v0, v1, v2, v3, v4, v5, v6, v7, signs);
                TV r6 = Row8(re + 48, im + 48, v0, v1, v2, v3, v4, v5, v6, v7, signs);
                TV r7 = Row8(re + 56, im + 56, v0, v1, v2, v3, v4, v5, v6, v7, signs);
                TOps.Store(p, r0);
                TOps.Store(p + o1, r1);
                TOps.Store(p + o2, r2);
                TOps.Store(p + o3, r3);
                TOps.Store(p + o4, r4);
                TOps.Store(p + o5, r5);
                TOps.Store(p + o6, r6);
                TOps.Store(p + o7, r7);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Row8(T* re, T* im, TV v0, TV v1, TV v2, TV v3, TV v4, TV v5, TV v6, TV v7, TV signs)
        {
            TV a = TOps.Mul(TOps.Broadcast(re[0]), v0), b = TOps.Mul(TOps.Broadcast(im[0]), v0);
            a = TOps.MulAdd(TOps.Broadcast(re[1]), v1, a);
            b = TOps.MulAdd(TOps.Broadcast(im[1]), v1, b);
            a = TOps.MulAdd(TOps.Broadcast(re[2]), v2, a);
            b = TOps.MulAdd(TOps.Broadcast(im[2]), v2, b);
            a = TOps.MulAdd(TOps.Broadcast(re[3]), v3, a);
            b = TOps.MulAdd(TOps.Broadcast(im[3]), v3, b);
            a = TOps.MulAdd(TOps.Broadcast(re[4]), v4, a);
            b = TOps.MulAdd(TOps.Broadcast(im[4]), v4, b);
            a = TOps.MulAdd(TOps.Broadcast(re[5]), v5, a);
            b = TOps.MulAdd(TOps.Broadcast(im[5]), v5, b);
            a = TOps.MulAdd(TOps.Broadcast(re[6]), v6, a);
            b = TOps.MulAdd(TOps.Broadcast(im[6]), v6, b);
            a = TOps.MulAdd(TOps.Broadcast(re[7]), v7, a);
            b = TOps.MulAdd(TOps.Broadcast(im[7]), v7, b);
            return TOps.MulAdd(TOps.SwapReIm(b), signs, a);
        }
    }
}
