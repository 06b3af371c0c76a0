using System.Runtime.CompilerServices;

namespace QiboAccel.Cpu.Kernels;

/// <summary>
/// Enumerates the indices whose "fixed" bits (controls = 1, targets = a given pattern) have given values without
/// branching per index: the k-th such index is k with a zero inserted at every fixed position (ascending), OR the
/// fixed values. Consecutive k below the lowest fixed position map to consecutive indices, so kernels walk "runs"
/// of <see cref="RunLength"/> contiguous indices and pay for the insertion once per run.
/// </summary>
internal struct BitInserter
{
    /// <summary>The most fixed positions an inserter holds (one per qubit of the largest state).</summary>
    public const int Capacity = 64;

    // Positions, not masks: the inserter is copied into every kernel job, and 64 bytes instead of 512 keep a small
    // state's per-operation jobs cheap to allocate (a 10-qubit circuit pays for its allocations, not its arithmetic).
    private Positions _positions;
    private int _count;

    /// <summary>OR-ed into every inserted index.</summary>
    public long Values;

    [InlineArray(Capacity)]
    private struct Positions
    {
        private byte _element0;
    }

    /// <summary>Creates an inserter for the distinct <paramref name="positions"/> (any order) with the given values.</summary>
    public BitInserter(ReadOnlySpan<int> positions, long values)
    {
        Span<int> sorted = stackalloc int[positions.Length];
        // Insertion sort: a handful of positions, and Span.Sort's setup showed in small circuits' profiles.
        for (int i = 0; i < positions.Length; i++)
        {
            int value = positions[i], j = i;
            for (; j > 0 && sorted[j - 1] > value; j--) sorted[j] = sorted[j - 1];
            sorted[j] = value;
        }
        _count = sorted.Length;
        for (int i = 0; i < sorted.Length; i++) _positions[i] = (byte)sorted[i];
        Values = values;
        RunLength = sorted.Length == 0 ? 1L << 62 : 1L << sorted[0];
        SuperRunLength = sorted.Length < 2 ? 1L << 62 : 1L << (sorted[1] - 1);
    }

    /// <summary>Number of consecutive k mapping to consecutive indices (2^lowest fixed position).</summary>
    public long RunLength { get; }

    /// <summary>
    /// Number of consecutive k (aligned) over which only the lowest fixed bit is inserted (2^(second lowest fixed
    /// position - 1)): within such a stretch the run after the one ending at index i starts at i + RunLength, so
    /// kernels advance with <see cref="Advance"/> and call <see cref="Insert"/> once per stretch.
    /// </summary>
    public long SuperRunLength { get; }

    /// <summary>
    /// Index of the first element of the run that follows the one [index, index + count) ending at k (k being the k
    /// after that run): a plain skip of the fixed block inside a super-run, a full insertion at its boundary.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly long Advance(long index, long count, long k) =>
        (k & (SuperRunLength - 1)) != 0 ? index + count + RunLength : Insert(k);

    /// <summary>The k-th index with the fixed bits set to their values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly long Insert(long k)
    {
        for (int i = 0; i < _count; i++)
        {
            long low = (1L << _positions[i]) - 1;
            k = (k & low) | ((k & ~low) << 1);
        }
        return k | Values;
    }
}
