namespace QiboAccel.Execution;

/// <summary>
/// The host's source of uniform random numbers for measurement and sampling (xoshiro256** seeded through
/// SplitMix64). Written out here rather than taken from System.Random so that a seed means the same
/// numbers on every .NET version and every platform — and so the same shots on every conforming backend.
/// </summary>
/// <remarks>
/// Runs with shots draw from one stream <b>per shot</b>, keyed by the run's seed and the shot's index
/// (<see cref="ForShot"/>): shot s's stream is <c>new HostRandom(ShotSeed(seed, s))</c> with
/// <c>ShotSeed(seed, s) = mix(mix(seed) + s·0x9E3779B97F4A7C15)</c>, mix being SplitMix64's finaliser. A shot's
/// k-th draw is the k-th number of its own stream whatever the other shots drew, so a run that splits the shots
/// among measurement outcomes (shot branching) and one that runs them one after another give the same shots.
/// </remarks>
public sealed class HostRandom
{
    private RandomStream _stream;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public HostRandom(ulong seed) => _stream = new RandomStream(seed);

    /// <summary>The stream of shot <paramref name="shot"/> of a run seeded with <paramref name="seed"/>.</summary>
    public static HostRandom ForShot(ulong seed, long shot) => new(ShotSeed(seed, shot));

    /// <summary>The seed of shot <paramref name="shot"/>'s stream: <c>mix(mix(seed) + shot·0x9E3779B97F4A7C15)</c>.</summary>
    public static ulong ShotSeed(ulong seed, long shot) => RandomStream.Mix(RandomStream.Mix(seed) + (ulong)shot * RandomStream.Golden);

    /// <summary>
    /// Fills <paramref name="destination"/>[i] with the first number of shot (<paramref name="firstShot"/> + i)'s
    /// stream: the random that samples each shot of a run whose only draws are the final samples.
    /// </summary>
    public static void FillFirstDraws(ulong seed, long firstShot, Span<double> destination)
    {
        ulong mixed = RandomStream.Mix(seed);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = RandomStream.FirstDouble(RandomStream.Mix(mixed + (ulong)(firstShot + i) * RandomStream.Golden));
        }
    }

    /// <summary>
    /// A fresh seed for runs where the user gave none: from the shared generator, which the runtime seeds from the
    /// operating system (one call to the system's cryptographic generator per run cost a tenth of a small circuit).
    /// </summary>
    public static ulong NewSeed() => (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64() => _stream.NextUInt64();

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => _stream.NextDouble();

    /// <summary>Fills <paramref name="destination"/> with uniform doubles in [0, 1).</summary>
    public void Fill(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = _stream.NextDouble();
    }
}
