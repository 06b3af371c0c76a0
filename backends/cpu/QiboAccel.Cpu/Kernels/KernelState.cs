using System.Numerics;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Kernels;

/// <summary>What every kernel needs to know about the state it updates.</summary>
internal readonly unsafe struct KernelState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the description.</summary>
    public KernelState(T* data, int nQubits, WorkerPool pool, int maxBits, List<BlockStep>? sink = null)
    {
        Data = data;
        NQubits = nQubits;
        Pool = pool;
        MaxBits = maxBits;
        Sink = sink;
    }

    /// <summary>
    /// When set, kernels do not run: they append their prepared job to this list (a cache-blocked pass runs the
    /// recorded jobs on each block later). Such states have <see cref="Data"/> = null and the kernels take the
    /// block's address from <see cref="BlockContext"/>.
    /// </summary>
    public List<BlockStep>? Sink { get; }

    /// <summary>
    /// Runs a kernel's struct job: on the calling thread, without boxing it, when the pool would not split it (a small
    /// state's jobs cost no allocation); boxed onto the pool or into the recording otherwise. The job is passed by
    /// reference and run where it is: through a generic <c>in</c> it would be copied before the call (a few hundred
    /// bytes per gate).
    /// </summary>
    public void Run<TJob>(ref TJob job, long parts, long amplitudes) where TJob : struct, IRangeJob
    {
        if (Sink == null && Pool.ChunksFor(parts, amplitudes) == 1)
        {
            if (parts > 0) job.Run(0, 0, parts);
            return;
        }
        Run((IRangeJob)job, parts, amplitudes);
    }

    /// <summary>Runs <paramref name="job"/> over [0, parts) on the pool, or records it when recording.</summary>
    public void Run(IRangeJob job, long parts, long amplitudes)
    {
        if (Sink != null)
        {
            if (parts > 0) Sink.Add(new BlockStep(job, parts));
            return;
        }
        Pool.Run(job, parts, amplitudes);
    }

    /// <summary>Interleaved (re, im) amplitudes, 2^NQubits complex values.</summary>
    public T* Data { get; }

    /// <summary>Number of qubits; amplitude index bit b belongs to qubit NQubits - 1 - b.</summary>
    public int NQubits { get; }

    /// <summary>Threads to split the work over.</summary>
    public WorkerPool Pool { get; }

    /// <summary>Widest vector width allowed by the backend options (0 = scalar).</summary>
    public int MaxBits { get; }

    /// <summary>Number of amplitudes.</summary>
    public long Length => 1L << NQubits;
}

/// <summary>One recorded kernel job of a cache-blocked pass: run over [0, Parts) on each block.</summary>
internal readonly record struct BlockStep(IRangeJob Job, long Parts);

/// <summary>
/// The address of the block a thread is working on in a cache-blocked pass. Jobs recorded for a block have a null
/// data pointer and resolve it here (once per call, not per amplitude), so one immutable job serves every block and
/// every thread.
/// </summary>
internal static unsafe class BlockContext
{
    [ThreadStatic]
    private static nint t_base;

    /// <summary>Sets the current thread's block address.</summary>
    public static void Enter(void* block) => t_base = (nint)block;

    /// <summary><paramref name="data"/>, or the current block when it is null.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static T* Resolve<T>(T* data) where T : unmanaged => data != null ? data : (T*)t_base;
}

/// <summary>Helpers for building per-lane coefficient vectors.</summary>
internal static unsafe class Lanes
{
    /// <summary>
    /// Writes the (R, I) pair of vectors for complex coefficient (re, im) in lane <paramref name="lane"/>:
    /// R = [re, re], I = [-im, im], each vector being 2 * lanes elements of T.
    /// </summary>
    public static void Put<T>(Span<T> buffer, int vector, int lanes, int lane, double re, double im)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int r = vector * 2 * (2 * lanes) + 2 * lane;
        int i = r + 2 * lanes;
        buffer[r] = T.CreateTruncating(re);
        buffer[r + 1] = T.CreateTruncating(re);
        buffer[i] = T.CreateTruncating(-im);
        buffer[i + 1] = T.CreateTruncating(im);
    }

    /// <summary>Bit mask of the positions in <paramref name="bits"/> that are below <paramref name="laneBits"/>.</summary>
    public static int LowMask(ReadOnlySpan<int> bits, int laneBits)
    {
        int mask = 0;
        foreach (int b in bits)
        {
            if (b < laneBits) mask |= 1 << b;
        }
        return mask;
    }
}
