using System.Runtime.Intrinsics.X86;

namespace QiboAccel.Cpu.Isa;

/// <summary>
/// Whether this CPU, and the operating system on it, run x86-64-v4 code (AVX-512 F, BW, CD, DQ and VL): the
/// condition for loading libqibo_cpu_avx512.so. NativeAOT checks the same at that library's start and aborts the
/// process when it fails, so the answer must never be yes by mistake: both the CPU (CPUID) and the kernel (which lists
/// the avx512 flags in /proc/cpuinfo only when it saves the ZMM registers across context switches) must say so.
/// </summary>
internal static class Avx512Support
{
    /// <summary>CPUID leaf 7, sub-leaf 0, EBX bits of the AVX-512 subsets x86-64-v4 requires, with their Linux flag names.</summary>
    private static readonly (int Bit, string Flag)[] Required =
        [(16, "avx512f"), (17, "avx512dq"), (28, "avx512cd"), (30, "avx512bw"), (31, "avx512vl")];

    /// <summary>Null when the CPU and the OS support every subset; otherwise why not, in a few words.</summary>
    public static string? Missing() => Missing(CpuIdFlags(), KernelFlags());

    /// <summary>
    /// The decision on given inputs: <paramref name="cpuFlags"/> are the subsets CPUID reports (null: not x86),
    /// <paramref name="kernelFlags"/> the flags of /proc/cpuinfo (null: unreadable, which counts as no).
    /// </summary>
    private static string? Missing(IReadOnlySet<string>? cpuFlags, IReadOnlySet<string>? kernelFlags)
    {
        if (cpuFlags is null) return "not an x86-64 CPU";
        string[] cpu = [.. Required.Select(r => r.Flag).Where(f => !cpuFlags.Contains(f))];
        if (cpu.Length > 0) return $"CPU without {string.Join(", ", cpu)}";
        if (kernelFlags is null) return "cannot read /proc/cpuinfo to confirm that the OS enables AVX-512";
        string[] os = [.. Required.Select(r => r.Flag).Where(f => !kernelFlags.Contains(f))];
        return os.Length > 0 ? $"the OS does not enable {string.Join(", ", os)} (/proc/cpuinfo)" : null;
    }

    private static HashSet<string>? CpuIdFlags()
    {
        if (!X86Base.IsSupported) return null;
        var flags = new HashSet<string>();
        if (X86Base.CpuId(0, 0).Eax < 7) return flags;
        int ebx = X86Base.CpuId(7, 0).Ebx;
        foreach ((int bit, string flag) in Required)
        {
            if (((ebx >> bit) & 1) != 0) flags.Add(flag);
        }
        return flags;
    }

    /// <summary>The "flags" line of the first processor in /proc/cpuinfo, or null when there is none.</summary>
    private static HashSet<string>? KernelFlags()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (!line.StartsWith("flags", StringComparison.Ordinal)) continue;
                int colon = line.IndexOf(':');
                if (colon < 0) continue;
                return [.. line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
