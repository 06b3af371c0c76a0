using System.Numerics;
using System.Runtime.CompilerServices;

namespace QiboAccel.Cpu.Kernels.Simd;

/// <summary>One complex value, the "vector" of the scalar fallback (<see cref="ScalarOps{T}"/>).</summary>
internal struct Cpx<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Real part.</summary>
    public T Re;

    /// <summary>Imaginary part.</summary>
    public T Im;

    /// <summary>Creates a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Cpx(T re, T im)
    {
        Re = re;
        Im = im;
    }
}

/// <summary>Scalar fallback: one complex value per "vector" (LaneBits = 0).</summary>
internal readonly unsafe struct ScalarOps<T> : IVecOps<Cpx<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool IsAccelerated => true;
    public static int LaneBits => 0;
    public static string Name => "scalar";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cpx<T> Load(T* p) => new(p[0], p[1]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* p, Cpx<T> v)
    {
        p[0] = v.Re;
        p[1] = v.Im;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cpx<T> Add(Cpx<T> a, Cpx<T> b) => new(a.Re + b.Re, a.Im + b.Im);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cpx<T> Mul(Cpx<T> a, Cpx<T> b) => new(a.Re * b.Re, a.Im * b.Im);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cpx<T> MulAdd(Cpx<T> a, Cpx<T> b, Cpx<T> c) => new(a.Re * b.Re + c.Re, a.Im * b.Im + c.Im);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cpx<T> SwapReIm(Cpx<T> v) => new(v.Im, v.Re);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cpx<T> ExchangeLanes(Cpx<T> v, int bit) => v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Cpx<T> Broadcast(T x) => new(x, x);
}
