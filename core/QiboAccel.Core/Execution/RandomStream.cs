namespace QiboAccel.Execution;

/// <summary>
/// xoshiro256** state as a value, seeded through SplitMix64: what <see cref="HostRandom"/> wraps, and what shot
/// branching keeps one of per shot (32 bytes each, no object per shot).
/// </summary>
internal struct RandomStream
{
    /// <summary>SplitMix64's increment (2^64 / φ).</summary>
    internal const ulong Golden = 0x9E3779B97F4A7C15UL;

    private ulong _s0, _s1, _s2, _s3;

    public RandomStream(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// <c>new RandomStream(seed).NextDouble()</c> without building the stream: xoshiro256**'s first output depends only
    /// on its second word (two mixes instead of four, which keeps sampling a million shots cheap).
    /// </summary>
    public static double FirstDouble(ulong seed)
    {
        ulong s1 = Mix(unchecked(seed + 2 * Golden));
        return ((RotateLeft(s1 * 5, 7) * 9) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>SplitMix64's finaliser: a bijection of 64-bit values that scatters neighbouring inputs.</summary>
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMix(ref ulong x) => Mix(x += Golden);

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
