using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace QiboAccel.Cpu.Threading;

/// <summary>
/// A light fork-join pool: <c>threads - 1</c> dedicated workers plus the calling thread. A job's range is cut into a
/// fixed number of contiguous chunks (<see cref="ChunksPerThread"/> per thread) that threads claim with an atomic
/// counter, so the caller never waits for a worker the OS has not scheduled yet (this machine class is often shared):
/// it just takes the chunks itself. Workers spin briefly after a job (the kernels of a circuit arrive back to back)
/// and then sleep on a monitor. Small jobs run inline on the caller, and so does a job submitted while another one
/// is running (two states of one backend applied concurrently), so the pool never blocks or deadlocks.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>Chunks per thread: enough for balance under load, few enough to keep chunks long and contiguous.</summary>
    public const int ChunksPerThread = 4;

    private static readonly long s_spinTicks = Stopwatch.Frequency / 10_000; // 100 microseconds

    private readonly Thread[] _workers;
    private readonly object _sleepLock = new();
    private readonly object _dispatchLock = new();
    private int _sleepers;
    private int _generation;
    private volatile bool _stopping;
    private volatile Batch? _current;

    /// <summary>One dispatched job. Chunks are claimed through <see cref="Next"/>; late workers find none left.</summary>
    private sealed class Batch(IRangeJob job, long total, int chunks)
    {
        public readonly IRangeJob Job = job;
        public readonly long Total = total;
        public readonly int Chunks = chunks;
        public int Next;
        public int Done;
        public Exception? Failure;
    }

    /// <summary>Creates a pool running jobs on <paramref name="threads"/> threads (the caller counts as one).</summary>
    public WorkerPool(int threads, long parallelThreshold)
    {
        Threads = threads;
        ParallelThreshold = parallelThreshold;
        _workers = new Thread[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"qibo-cpu-{i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>Number of threads a job is split over.</summary>
    public int Threads { get; }

    /// <summary>Jobs touching fewer amplitudes than this run on the calling thread only.</summary>
    public long ParallelThreshold { get; }

    /// <summary>The number of chunks <see cref="Run"/> cuts a job of this size into (1 = inline).</summary>
    public int ChunksFor(long total, long amplitudes) =>
        Threads == 1 || _stopping || amplitudes < ParallelThreshold || total < 2
            ? 1
            : (int)Math.Min(total, (long)Threads * ChunksPerThread);

    /// <summary>
    /// Runs <paramref name="job"/> over [0, <paramref name="total"/>). <paramref name="amplitudes"/> is the amount of
    /// state the job touches, used to decide whether to go parallel. An exception thrown by any chunk is rethrown here.
    /// </summary>
    public void Run(IRangeJob job, long total, long amplitudes)
    {
        if (total <= 0) return;
        int chunks = ChunksFor(total, amplitudes);
        if (chunks == 1 || !Monitor.TryEnter(_dispatchLock))
        {
            if (chunks == 1)
            {
                job.Run(0, 0, total);
                return;
            }
            // Another job of this backend is running on the pool: do this one alone, same chunks, same results.
            for (int c = 0; c < chunks; c++) job.Run(c, total * c / chunks, total * (c + 1) / chunks);
            return;
        }
        try
        {
            var batch = new Batch(job, total, chunks);
            _current = batch;
            Interlocked.Increment(ref _generation);
            lock (_sleepLock)
            {
                if (_sleepers > 0) Monitor.PulseAll(_sleepLock);
            }
            Work(batch);
            var spin = new SpinWait();
            while (Volatile.Read(ref batch.Done) != chunks) spin.SpinOnce(sleep1Threshold: -1);
            _current = null;
            if (batch.Failure != null) ExceptionDispatchInfo.Capture(batch.Failure).Throw();
        }
        finally
        {
            Monitor.Exit(_dispatchLock);
        }
    }

    private static void Work(Batch batch)
    {
        while (true)
        {
            int chunk = Interlocked.Increment(ref batch.Next) - 1;
            if (chunk >= batch.Chunks) return;
            try
            {
                batch.Job.Run(chunk, batch.Total * chunk / batch.Chunks, batch.Total * (chunk + 1) / batch.Chunks);
            }
            catch (Exception e)
            {
                batch.Failure = e;
            }
            Interlocked.Increment(ref batch.Done);
        }
    }

    private void WorkerLoop()
    {
        FlushToZero.EnableForThread();
        int seen = 0;
        while (true)
        {
            long spinStart = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _generation) == seen && !_stopping)
            {
                if (Stopwatch.GetTimestamp() - spinStart < s_spinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }
                lock (_sleepLock)
                {
                    _sleepers++;
                    while (Volatile.Read(ref _generation) == seen && !_stopping) Monitor.Wait(_sleepLock);
                    _sleepers--;
                }
            }
            if (_stopping) return;
            seen = Volatile.Read(ref _generation);
            Batch? batch = _current;
            if (batch != null) Work(batch);
        }
    }

    /// <summary>Stops the workers. Jobs submitted afterwards run on the caller.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        lock (_sleepLock) Monitor.PulseAll(_sleepLock);
        foreach (Thread worker in _workers) worker.Join();
    }
}
