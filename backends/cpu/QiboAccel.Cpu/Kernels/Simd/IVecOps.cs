using System.Numerics;

namespace QiboAccel.Cpu.Kernels.Simd;

/// <summary>
/// Operations on one SIMD vector of interleaved complex amplitudes, for one precision and one width. Kernels are
/// generic over (T, TV, TOps) and are written once for every width: a vector holds 2^<see cref="LaneBits"/> complex
/// numbers ("lanes"); amplitude index bits below LaneBits live inside a vector, the others select a vector ("unit").
/// Complex multiplication by a per-lane coefficient c uses two vectors: R = [re, re] and I = [-im, im] per lane, so
/// c * v = R * v + I * SwapReIm(v).
/// </summary>
/// <typeparam name="TV">The vector type (or <see cref="Cpx{T}"/> for the scalar fallback).</typeparam>
/// <typeparam name="T">double or float.</typeparam>
internal unsafe interface IVecOps<TV, T>
    where TV : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>True when the compiled code runs this width in hardware.</summary>
    static abstract bool IsAccelerated { get; }

    /// <summary>log2 of the number of complex values per vector.</summary>
    static abstract int LaneBits { get; }

    /// <summary>Short name for diagnostics ("avx2", "sse", ...).</summary>
    static abstract string Name { get; }

    /// <summary>Loads one vector from <paramref name="p"/> (no alignment required).</summary>
    static abstract TV Load(T* p);

    /// <summary>Stores one vector to <paramref name="p"/>.</summary>
    static abstract void Store(T* p, TV v);

    /// <summary>Element-wise a + b.</summary>
    static abstract TV Add(TV a, TV b);

    /// <summary>Element-wise a * b.</summary>
    static abstract TV Mul(TV a, TV b);

    /// <summary>Element-wise a * b + c (fused when the hardware has FMA).</summary>
    static abstract TV MulAdd(TV a, TV b, TV c);

    /// <summary>Swaps the real and imaginary part of every complex value.</summary>
    static abstract TV SwapReIm(TV v);

    /// <summary>Lane j receives lane j ^ (1 &lt;&lt; <paramref name="bit"/>) (bit &lt; LaneBits).</summary>
    static abstract TV ExchangeLanes(TV v, int bit);

    /// <summary>Every element equal to <paramref name="x"/>.</summary>
    static abstract TV Broadcast(T x);
}
