namespace QiboAccel.Execution;

/// <summary>
/// The host's source of uniform random numbers for measurement and sampling (xoshiro256** seeded through
/// SplitMix64). Written out here rather than taken from System.Random so that a seed means the same
/// numbers on every .NET version and every platform — and so the same shots on every conforming backend.
/// </summary>
public sealed class HostRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public HostRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A fresh seed from the operating system, for runs where the user gave none.</summary>
    public static ulong NewSeed() => (ulong)System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue)
        ^ ((ulong)System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue) << 31);

    /// <summary>The next 64 random bits.</summary>
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

    /// <summary>Fills <paramref name="destination"/> with uniform doubles in [0, 1).</summary>
    public void Fill(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = NextDouble();
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
