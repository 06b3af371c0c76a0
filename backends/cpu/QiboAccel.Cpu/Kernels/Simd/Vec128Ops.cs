using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QiboAccel.Cpu.Kernels.Simd;

/// <summary>128-bit vectors: 1 complex128 or 2 complex64 values.</summary>
internal readonly unsafe struct Vec128Ops<T> : IVecOps<Vector128<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;
    public static int LaneBits => typeof(T) == typeof(double) ? 0 : 1;
    public static string Name => "128-bit";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(T* p) => Vector128.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* p, Vector128<T> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Mul(Vector128<T> a, Vector128<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MulAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (typeof(T) == typeof(double))
            return Vector128.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float))
            return Vector128.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> SwapReIm(Vector128<T> v)
    {
        if (typeof(T) == typeof(double))
            return Vector128.Shuffle(v.AsDouble(), Vector128.Create(1L, 0)).As<double, T>();
        return Vector128.Shuffle(v.AsSingle(), Vector128.Create(1, 0, 3, 2)).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ExchangeLanes(Vector128<T> v, int bit)
    {
        if (typeof(T) == typeof(double)) return v;
        return Vector128.Shuffle(v.AsSingle(), Vector128.Create(2, 3, 0, 1)).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T x) => Vector128.Create(x);
}
