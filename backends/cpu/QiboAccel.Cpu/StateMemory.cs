using System.Runtime.InteropServices;

namespace QiboAccel.Cpu;

/// <summary>
/// Where a backend's state vectors live. First touch of fresh memory dominates short runs (1.0–1.8 s per GiB of
/// 4 KiB page faults on the reference machine, about 0.4 s with transparent huge pages when the kernel has free 2 MiB
/// blocks at hand), so: large buffers are 2 MiB-aligned and advised MADV_HUGEPAGE (THP's "madvise" mode, the common
/// default; see <see cref="HugePagesByDefault"/> for where that is a loss); and a
/// destroyed state's buffer is kept for the next state of the same size, which then only needs one (parallel) zeroing
/// pass over memory that is already faulted in.
/// The cache is bounded (<see cref="MaxCached"/> buffers per backend, at most <see cref="MaxCachedBytes"/> over all
/// backends of the process) and never holds
/// memory a state of another size may need: an allocation that finds no buffer of its size frees every cached one
/// first. States are created and destroyed from any thread (state_create is thread-safe), hence the lock.
/// </summary>
internal sealed unsafe class StateMemory : IDisposable
{
    /// <summary>Buffers at least this large are 2 MiB-aligned and advised to use huge pages.</summary>
    public const ulong HugePageThreshold = 4UL << 20;

    /// <summary>The x86-64 and arm64 (4 KiB granule) transparent huge page size.</summary>
    private const nuint HugePageBytes = 2u << 20;

    /// <summary>Most buffers kept at once (a state and a copy, as adjoint gradients use, or two backends' worth).</summary>
    public const int MaxCached = 2;

    private const int MadvHugePage = 14; // <sys/mman.h>, Linux

    private readonly object _lock = new();
    private readonly List<(nuint Bytes, nint Address)> _cached = [];
    private readonly bool _enabled;
    private readonly bool _hugePages;
    private bool _disposed;

    /// <summary>
    /// Memory that keeps released buffers when <paramref name="cache"/> is set (backend option state_cache) and
    /// advises huge pages when <paramref name="hugePages"/> is (option huge_pages).
    /// </summary>
    public StateMemory(bool cache, bool hugePages)
    {
        _enabled = cache;
        _hugePages = hugePages;
    }

    /// <summary>
    /// Largest buffer kept, and the most all backends of the process keep together: an eighth of the machine's memory
    /// (the host's memory checks see cached buffers as used, and a process with many backends alive must not pile up
    /// a cache per backend).
    /// </summary>
    public static ulong MaxCachedBytes { get; } = (ulong)Math.Max(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, 1L << 30) / 8;

    /// <summary>Bytes held by the caches of every backend in the process.</summary>
    private static long s_cachedBytes;

    /// <summary>
    /// huge_pages=auto: on, except in a VM whose virtio balloon reports free pages to the host (feature
    /// VIRTIO_BALLOON_F_REPORTING, bit 5). The guest reports free 2 MiB blocks, the host discards them, and a huge-page
    /// allocation, which needs exactly such blocks, then pays the host's faults: on the Firecracker reference machine
    /// the first touch of 1 GiB took 4.3–7.5 s with huge pages against 1.0–1.3 s with 4 KiB pages (0.4 s with huge
    /// pages only when blocks freed moments before were reused).
    /// </summary>
    public static bool HugePagesByDefault { get; } = !FreePagesReportedToHost();

    private static bool FreePagesReportedToHost()
    {
        try
        {
            const string devices = "/sys/bus/virtio/devices";
            if (!Directory.Exists(devices)) return false;
            foreach (string device in Directory.GetDirectories(devices))
            {
                string id = Path.Combine(device, "device"), features = Path.Combine(device, "features");
                if (!File.Exists(id) || !File.Exists(features) || File.ReadAllText(id).Trim() != "0x0005") continue; // virtio-balloon
                string bits = File.ReadAllText(features).Trim();
                if (bits.Length > 5 && bits[5] == '1') return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // unreadable sysfs: assume an ordinary machine
        }
        return false;
    }

    /// <summary>
    /// A buffer of <paramref name="bytes"/> bytes, 64-byte aligned (2 MiB for large ones), contents undefined:
    /// <paramref name="reused"/> says whether it came from the cache (already faulted in).
    /// </summary>
    public void* Allocate(ulong bytes, out bool reused)
    {
        nuint size = (nuint)bytes;
        List<nint> stale = [];
        lock (_lock)
        {
            int hit = _cached.FindIndex(c => c.Bytes == size);
            if (hit >= 0)
            {
                nint address = _cached[hit].Address;
                _cached.RemoveAt(hit);
                Interlocked.Add(ref s_cachedBytes, -(long)size);
                reused = true;
                return (void*)address;
            }
            // No buffer of this size: what the cache holds may be exactly the memory this allocation needs.
            foreach (var c in _cached)
            {
                stale.Add(c.Address);
                Interlocked.Add(ref s_cachedBytes, -(long)c.Bytes);
            }
            _cached.Clear();
        }
        foreach (nint address in stale) NativeMemory.AlignedFree((void*)address);
        reused = false;
        bool large = _hugePages && bytes >= HugePageThreshold;
        void* data = NativeMemory.AlignedAlloc(size, large ? HugePageBytes : 64); // throws OutOfMemoryException
        if (large) AdviseHugePages(data, size);
        return data;
    }

    /// <summary>Takes back a buffer from <see cref="Allocate"/>: cached when allowed and room is left, else freed.</summary>
    public void Release(void* data, ulong bytes)
    {
        if (data == null) return;
        void* free = data;
        if (_enabled && bytes <= MaxCachedBytes)
        {
            lock (_lock)
            {
                // Kept only while every cache of the process stays within MaxCachedBytes together.
                if (!_disposed && Interlocked.Add(ref s_cachedBytes, (long)bytes) <= (long)MaxCachedBytes)
                {
                    _cached.Add(((nuint)bytes, (nint)data));
                    free = null;
                    if (_cached.Count > MaxCached)
                    {
                        free = (void*)_cached[0].Address; // the oldest
                        Interlocked.Add(ref s_cachedBytes, -(long)_cached[0].Bytes);
                        _cached.RemoveAt(0);
                    }
                }
                else if (!_disposed)
                {
                    Interlocked.Add(ref s_cachedBytes, -(long)bytes);
                }
            }
        }
        if (free != null) NativeMemory.AlignedFree(free);
    }

    /// <summary>Frees the cached buffers; buffers released later are freed at once.</summary>
    public void Dispose()
    {
        List<nint> stale;
        lock (_lock)
        {
            _disposed = true;
            stale = [.. _cached.Select(c => c.Address)];
            foreach (var c in _cached) Interlocked.Add(ref s_cachedBytes, -(long)c.Bytes);
            _cached.Clear();
        }
        foreach (nint address in stale) NativeMemory.AlignedFree((void*)address);
    }

    /// <summary>madvise(MADV_HUGEPAGE) on Linux; a kernel without THP refuses, and 4 KiB pages are fine then.</summary>
    private static void AdviseHugePages(void* data, nuint bytes)
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = MAdvise(data, bytes, MadvHugePage); // the kernel rounds the length up to whole pages
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // a libc without madvise: nothing to advise
        }
    }

    [DllImport("libc.so.6", EntryPoint = "madvise")]
    private static extern int MAdvise(void* address, nuint length, int advice);
}
