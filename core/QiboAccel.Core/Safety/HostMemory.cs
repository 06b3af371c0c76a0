using System.Globalization;

namespace QiboAccel.Safety;

/// <summary>
/// Memory this process can still get — not the machine's total: the kernel's MemAvailable, lowered by a cgroup
/// (container) limit and by an address-space limit (<c>ulimit -v</c>) when either is set. Allocations that scale with
/// the input are checked against it first, so that too large an input is a one-line error instead of the runtime's
/// "Out of memory." and an abort.
/// </summary>
public static class HostMemory
{
    /// <summary>Bytes this process can allocate now (an estimate; at least 0).</summary>
    public static long AvailableBytes()
    {
        long available = ReadMemAvailable() ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (CgroupRemaining() is { } cgroup) available = Math.Min(available, cgroup);
        if (AddressSpaceRemaining() is { } addressSpace) available = Math.Min(available, addressSpace);
        // A GC heap limit (DOTNET_GCHeapHardLimit, or a container's) bounds the host's own arrays.
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        available = Math.Min(available, gc.TotalAvailableMemoryBytes - gc.HeapSizeBytes);
        return Math.Max(0, available);
    }

    /// <summary>
    /// Throws <see cref="InsufficientMemoryException"/> when <paramref name="bytes"/> is more than <see cref="AvailableBytes"/>;
    /// the message is <paramref name="needs"/> (what needs how much, e.g. "30 qubits need 40 GiB (…)") and what is available.
    /// </summary>
    /// <remarks>
    /// Requests up to <see cref="UncheckedBytes"/> pass without a look at the system: reading /proc and the cgroup files
    /// takes longer than simulating a small circuit, and a process that cannot get one more MiB fails anyway.
    /// </remarks>
    public static void Require(double bytes, string needs)
    {
        if (bytes <= UncheckedBytes) return;
        Require(bytes, needs, AvailableBytes());
    }

    /// <summary>Requests this small are not checked (1 MiB).</summary>
    public const double UncheckedBytes = 1 << 20;

    /// <summary><see cref="Require(double, string)"/> against a given amount of available memory (for tests).</summary>
    internal static void Require(double bytes, string needs, long available)
    {
        if (bytes > available) throw new InsufficientMemoryException($"{needs}; this machine has {Format(available)} available");
    }

    /// <summary>Throws when an array of <paramref name="length"/> elements is longer than .NET allows (<see cref="Array.MaxLength"/>).</summary>
    public static void RequireArrayLength(double length, string what)
    {
        if (length > Array.MaxLength)
        {
            throw new InsufficientMemoryException(string.Create(CultureInfo.InvariantCulture,
                $"{what} would need an array of {length:0} elements; a .NET array holds at most {Array.MaxLength}"));
        }
    }

    /// <summary>"16 GiB", "1.5 MiB".</summary>
    public static string Format(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
        int u = 0;
        while (bytes >= 1024 && u < units.Length - 1)
        {
            bytes /= 1024;
            u++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{bytes:0.#} {units[u]}");
    }

    private static long? ReadMemAvailable()
    {
        foreach (string line in ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) return KiloBytes(line);
        }
        return null;
    }

    /// <summary>The tightest (limit − usage) over this process's cgroup and its ancestors (v2), or the v1 memory controller.</summary>
    private static long? CgroupRemaining()
    {
        long? best = null;
        foreach (string line in ReadLines("/proc/self/cgroup"))
        {
            if (line.StartsWith("0::", StringComparison.Ordinal))
            {
                for (string? dir = "/sys/fs/cgroup" + line[3..].TrimEnd('/'); dir is not null && dir.StartsWith("/sys/fs/cgroup", StringComparison.Ordinal);
                     dir = Path.GetDirectoryName(dir))
                {
                    if (ReadNumber(Path.Combine(dir, "memory.max")) is { } max && ReadNumber(Path.Combine(dir, "memory.current")) is { } current)
                    {
                        best = Math.Min(best ?? long.MaxValue, max - current);
                    }
                }
            }
        }
        if (ReadNumber("/sys/fs/cgroup/memory/memory.limit_in_bytes") is { } limit && limit < (1L << 60)
            && ReadNumber("/sys/fs/cgroup/memory/memory.usage_in_bytes") is { } usage)
        {
            best = Math.Min(best ?? long.MaxValue, limit - usage);
        }
        return best;
    }

    /// <summary>The soft RLIMIT_AS minus the address space already mapped, when a limit is set.</summary>
    private static long? AddressSpaceRemaining()
    {
        long? limit = null;
        foreach (string line in ReadLines("/proc/self/limits"))
        {
            if (!line.StartsWith("Max address space", StringComparison.Ordinal)) continue;
            string[] parts = line["Max address space".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long soft)) limit = soft;
        }
        if (limit is null) return null;
        foreach (string line in ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmSize:", StringComparison.Ordinal) && KiloBytes(line) is { } used) return limit.Value - used;
        }
        return null;
    }

    private static long? KiloBytes(string line)
    {
        string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb * 1024 : null;
    }

    private static long? ReadNumber(string path)
    {
        string? text = ReadLines(path).FirstOrDefault();
        return text is not null && long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
