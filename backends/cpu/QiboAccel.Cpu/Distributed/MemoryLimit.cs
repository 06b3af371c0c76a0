using System.Globalization;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// How much memory one rank may use: its node's memory (physical, or the cgroup limit) divided by the ranks on the
/// node, or <c>QIBO_MPI_MEMORY_LIMIT</c> (bytes, with an optional K/M/G/T suffix) when set — which is also how the
/// tests make one rank too small. Checked before a slice is allocated, because an over-committed allocation
/// succeeds and the process is killed later, with no message, when the pages are touched.
/// </summary>
internal static class MemoryLimit
{
    /// <summary>Environment variable capping one rank's memory.</summary>
    public const string Variable = "QIBO_MPI_MEMORY_LIMIT";

    /// <summary>Throws OUT_OF_MEMORY (with <paramref name="what"/>'s sizes) when <paramref name="state"/> + <paramref name="buffers"/> bytes exceed the limit.</summary>
    public static void Check(Communicator comm, ulong state, ulong buffers, Func<string> what)
    {
        var (limit, source) = ForRank(comm);
        if (state + buffers > limit)
            throw BackendFault.OutOfMemory($"out of memory: {what()}; this rank may use {Format(limit)} ({source})");
    }

    private static (ulong Bytes, string Source) ForRank(Communicator comm)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text)
        {
            return Parse(text) is { } bytes
                ? (bytes, Variable)
                : throw BackendFault.Invalid($"{Variable}='{text}' is not a size in bytes (e.g. 1048576, 512M, 8G)");
        }
        ulong node = (ulong)Math.Max(0, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        return comm.NodeRanks == 1
            ? (node, "this node's memory")
            : (node / (ulong)comm.NodeRanks, $"{Format(node)} on this node shared by {comm.NodeRanks} ranks");
    }

    private static ulong? Parse(string text)
    {
        text = text.Trim();
        int shift = char.ToUpperInvariant(text[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
        if (shift > 0) text = text[..^1];
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) && value <= ulong.MaxValue >> shift
            ? value << shift
            : null;
    }

    /// <summary>"16 MiB", "1.5 GiB".</summary>
    public static string Format(ulong bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        int u = 0;
        while (value >= 1024 && u < units.Length - 1)
        {
            value /= 1024;
            u++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[u]}");
    }
}
