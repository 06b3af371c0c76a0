using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QiboAccel.Perf;

/// <summary>
/// The yardstick of every state-vector benchmark: one in-place read-modify-write pass over a buffer as large as
/// the state (each double multiplied by a constant), vectorised and split into contiguous halves per thread,
/// as a well-written gate kernel would touch memory. A 1-qubit gate cannot beat this; the targets are ratios to it.
/// </summary>
public sealed unsafe class MemoryPass : IDisposable
{
    private readonly double* _data;
    private readonly long _doubles;

    public MemoryPass(long bytes)
    {
        _doubles = bytes / sizeof(double);
        _data = (double*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        new Span<byte>(_data, 0).Clear();
        for (long i = 0; i < _doubles; i += 512) _data[i] = 1; // touch every page so the pass measures memory, not page faults
    }

    public void Run(int threads)
    {
        long chunk = (_doubles / threads) & ~7L;
        if (threads == 1)
        {
            Scale(_data, _doubles);
            return;
        }
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            long start = t * chunk, end = t == threads - 1 ? _doubles : start + chunk;
            Scale(_data + start, end - start);
        });
    }

    private static void Scale(double* p, long n)
    {
        var factor = Vector256.Create(1.0000001);
        long i = 0;
        for (; i + 4 <= n; i += 4) Vector256.Store(Vector256.Load(p + i) * factor, p + i);
        for (; i < n; i++) p[i] *= 1.0000001;
    }

    public void Dispose() => NativeMemory.AlignedFree(_data);
}
