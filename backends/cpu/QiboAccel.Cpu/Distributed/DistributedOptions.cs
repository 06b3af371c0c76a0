namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// The mpi mode's options. A backend_create options string containing the word <c>mpi</c> (<c>cpu:mpi</c>, or the
/// <c>mpi</c> manifest) selects the mode; these keys configure it and every other item is a cpu option
/// (<see cref="BackendOptions"/>), applied to each rank's slice.
/// <list type="bullet">
/// <item><c>chunk_kib=N</c>: exchanges between ranks go in messages of at most N KiB, which bounds the extra memory
/// to two such buffers per rank (default 16384 = 16 MiB).</item>
/// <item><c>min_local_qubits=N</c>: a state is distributed only when each rank keeps at least N qubits (2^N
/// amplitudes); smaller states are replicated on every rank (default 10, so every MATRIX up to 10 targets can be
/// made local). Below 10, a gate with more targets than the local qubits is refused.</item>
/// <item><c>sampling_bits=N</c>: sampling reduces marginals of at most 2^N outcomes at once across ranks; more
/// measured qubits are sampled level by level (default 20).</item>
/// </list>
/// </summary>
internal sealed record DistributedOptions(long ChunkBytes, int MinLocalQubits, int SamplingBits)
{
    /// <summary>The documented syntax, quoted in error messages.</summary>
    public const string Syntax = "mpi, chunk_kib=N, min_local_qubits=N, sampling_bits=N, and the cpu options";

    /// <summary>
    /// True when <paramref name="text"/> selects the mpi mode; then <paramref name="options"/> holds its settings and
    /// <paramref name="cpuOptions"/> the remaining items, and <paramref name="threadsGiven"/> whether they set threads.
    /// </summary>
    public static bool TryParse(string? text, out DistributedOptions options, out string cpuOptions, out bool threadsGiven)
    {
        options = new DistributedOptions(16L << 20, 10, 20);
        cpuOptions = text ?? "";
        threadsGiven = false;
        string[] items = (text ?? "").Split([',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (!items.Any(i => i.Trim().Equals("mpi", StringComparison.OrdinalIgnoreCase))) return false;
        var rest = new List<string>();
        foreach (string raw in items)
        {
            string item = raw.Trim();
            if (item.Equals("mpi", StringComparison.OrdinalIgnoreCase)) continue;
            int eq = item.IndexOf('=');
            string key = eq > 0 ? item[..eq].Trim().ToLowerInvariant() : "", value = eq > 0 ? item[(eq + 1)..].Trim() : "";
            switch (key)
            {
                case "chunk_kib":
                    if (!long.TryParse(value, out long kib) || kib < 1 || kib > 1L << 22)
                        throw CpuException.Invalid($"backend options: chunk_kib must be an integer in 1..{1L << 22}, got '{value}'");
                    options = options with { ChunkBytes = kib << 10 };
                    break;
                case "min_local_qubits":
                    if (!int.TryParse(value, out int local) || local < 1 || local > 30)
                        throw CpuException.Invalid($"backend options: min_local_qubits must be an integer in 1..30, got '{value}'");
                    options = options with { MinLocalQubits = local };
                    break;
                case "sampling_bits":
                    if (!int.TryParse(value, out int bits) || bits < 1 || bits > 26)
                        throw CpuException.Invalid($"backend options: sampling_bits must be an integer in 1..26, got '{value}'");
                    options = options with { SamplingBits = bits };
                    break;
                default:
                    threadsGiven |= key == "threads";
                    rest.Add(item);
                    break;
            }
        }
        cpuOptions = string.Join(",", rest);
        return true;
    }
}
