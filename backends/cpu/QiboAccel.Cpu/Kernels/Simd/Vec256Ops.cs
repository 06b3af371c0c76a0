using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QiboAccel.Cpu.Kernels.Simd;

/// <summary>256-bit vectors (AVX2): 2 complex128 or 4 complex64 values.</summary>
internal readonly unsafe struct Vec256Ops<T> : IVecOps<Vector256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;
    public static int LaneBits => typeof(T) == typeof(double) ? 1 : 2;
    public static string Name => "256-bit";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* p, Vector256<T> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Mul(Vector256<T> a, Vector256<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MulAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(double))
            return Vector256.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float))
            return Vector256.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> SwapReIm(Vector256<T> v)
    {
        if (typeof(T) == typeof(double))
            return Vector256.Shuffle(v.AsDouble(), Vector256.Create(1L, 0, 3, 2)).As<double, T>();
        return Vector256.Shuffle(v.AsSingle(), Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6)).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ExchangeLanes(Vector256<T> v, int bit)
    {
        if (typeof(T) == typeof(double))
            return Vector256.Shuffle(v.AsDouble(), Vector256.Create(2L, 3, 0, 1)).As<double, T>();
        return bit == 0
            ? Vector256.Shuffle(v.AsSingle(), Vector256.Create(2, 3, 0, 1, 6, 7, 4, 5)).As<float, T>()
            : Vector256.Shuffle(v.AsSingle(), Vector256.Create(4, 5, 6, 7, 0, 1, 2, 3)).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T x) => Vector256.Create(x);
}
