namespace QiboAccel.Cpu.Threading;

/// <summary>Work over an index range [0, total) that <see cref="WorkerPool"/> splits into contiguous chunks.</summary>
internal interface IRangeJob
{
    /// <summary>
    /// Processes [<paramref name="begin"/>, <paramref name="end"/>). <paramref name="chunk"/> numbers the chunk
    /// (0 .. chunks-1); the split depends only on the job size and the thread count, never on timing, so per-chunk
    /// partial results combined in chunk order are reproducible.
    /// </summary>
    void Run(int chunk, long begin, long end);
}
