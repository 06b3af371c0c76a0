namespace QiboAccel.Cpu.Kernels;

/// <summary>
/// How many memory streams a kernel walks at once. This machine class reaches noticeably more bandwidth with
/// several concurrent streams per core (measured: 2 streams ~0.85x, 4 streams ~0.75x the time of one), so the
/// memory-bound kernels split their index range in two halves and process both in lockstep. A generic struct
/// argument lets the JIT compile the one-stream and two-stream loops separately, without per-vector branches.
/// </summary>
internal interface IStreams
{
    /// <summary>True when the second half of the range is processed alongside the first.</summary>
    static abstract bool Dual { get; }
}

/// <summary>One stream (ranges too small to split).</summary>
internal readonly struct OneStream : IStreams
{
    public static bool Dual => false;
}

/// <summary>Two streams: element i and element i + half.</summary>
internal readonly struct TwoStreams : IStreams
{
    public static bool Dual => true;
}

/// <summary>The split of a k-range into two lockstep halves.</summary>
internal static class StreamSplit
{
    /// <summary>Ranges with fewer units than this stay on one stream.</summary>
    public const long MinUnits = 8;

    /// <summary>
    /// For a k-space of <paramref name="total"/> units walked through <paramref name="inserter"/>, the element offset
    /// (in T elements, with <paramref name="shift"/> = log2 of elements per unit) between unit k and unit k + total/2,
    /// or 0 when the range stays on one stream. Inserting is bitwise, so the offset is the same for every k &lt; total/2.
    /// </summary>
    public static long Offset(in BitInserter inserter, long total, int shift) =>
        total >= MinUnits ? (inserter.Insert(total / 2) - inserter.Insert(0)) << shift : 0;
}
