using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QiboAccel.Benchmarking;

/// <summary>
/// This machine's memory yardstick, STREAM-like: one in-place read-modify-write pass over a buffer as large as a
/// state (every double scaled by a constant), vectorised, split into contiguous parts per thread, as a well-written
/// 1-qubit gate kernel touches memory. Benchmarks report gate times as multiples of it (pass-times) and bandwidth
/// as a fraction of it, measured in the same run.
/// </summary>
public sealed class MemoryPass
{
    private readonly double[] _data;

    /// <summary>Allocates (and touches, so page faults are not timed) a buffer of <paramref name="bytes"/> bytes.</summary>
    public MemoryPass(long bytes)
    {
        _data = GC.AllocateUninitializedArray<double>((int)Math.Min(bytes / sizeof(double), Array.MaxLength), pinned: true);
        for (int i = 0; i < _data.Length; i += 512) _data[i] = 1;
    }

    /// <summary>Bytes moved by one pass (read + write).</summary>
    public long BytesPerPass => 2L * _data.Length * sizeof(double);

    /// <summary>Runs one pass on <paramref name="threads"/> threads.</summary>
    public void Run(int threads)
    {
        int parts = Math.Max(1, threads);
        int chunk = (_data.Length / parts) & ~7;
        if (parts == 1)
        {
            Scale(_data);
            return;
        }
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, t =>
        {
            int start = t * chunk, end = t == parts - 1 ? _data.Length : start + chunk;
            Scale(_data.AsSpan(start, end - start));
        });
    }

    /// <summary>Median seconds of <paramref name="repeat"/> passes after one warm-up.</summary>
    public double MedianSeconds(int threads, int repeat)
    {
        Run(threads);
        var times = new double[Math.Max(1, repeat)];
        for (int i = 0; i < times.Length; i++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            Run(threads);
            times[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }

    private static void Scale(Span<double> data)
    {
        var factor = Vector256.Create(1.0000001);
        var vectors = MemoryMarshal.Cast<double, Vector256<double>>(data);
        for (int i = 0; i < vectors.Length; i++) vectors[i] *= factor;
        for (int i = vectors.Length * 4; i < data.Length; i++) data[i] *= 1.0000001;
    }
}
