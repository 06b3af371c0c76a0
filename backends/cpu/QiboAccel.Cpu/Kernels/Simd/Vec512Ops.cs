using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QiboAccel.Cpu.Kernels.Simd;

/// <summary>512-bit vectors (AVX-512): 4 complex128 or 8 complex64 values.</summary>
internal readonly unsafe struct Vec512Ops<T> : IVecOps<Vector512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;
    public static int LaneBits => typeof(T) == typeof(double) ? 2 : 3;
    public static string Name => "512-bit";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* p) => Vector512.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* p, Vector512<T> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Mul(Vector512<T> a, Vector512<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MulAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(double))
            return Vector512.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float))
            return Vector512.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> SwapReIm(Vector512<T> v)
    {
        if (typeof(T) == typeof(double))
            return Vector512.Shuffle(v.AsDouble(), Vector512.Create(1L, 0, 3, 2, 5, 4, 7, 6)).As<double, T>();
        return Vector512.Shuffle(v.AsSingle(), Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14)).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ExchangeLanes(Vector512<T> v, int bit)
    {
        if (typeof(T) == typeof(double))
        {
            return bit == 0
                ? Vector512.Shuffle(v.AsDouble(), Vector512.Create(2L, 3, 0, 1, 6, 7, 4, 5)).As<double, T>()
                : Vector512.Shuffle(v.AsDouble(), Vector512.Create(4L, 5, 6, 7, 0, 1, 2, 3)).As<double, T>();
        }
        return bit switch
        {
            0 => Vector512.Shuffle(v.AsSingle(), Vector512.Create(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)).As<float, T>(),
            1 => Vector512.Shuffle(v.AsSingle(), Vector512.Create(4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11)).As<float, T>(),
            _ => Vector512.Shuffle(v.AsSingle(), Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)).As<float, T>(),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T x) => Vector512.Create(x);
}
