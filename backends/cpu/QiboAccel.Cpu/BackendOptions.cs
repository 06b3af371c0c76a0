
namespace QiboAccel.Cpu;

/// <summary>
/// The backend_create options string: comma-, semicolon- or space-separated key=value pairs, keys case-insensitive,
/// NULL or "" for the defaults.
/// <list type="bullet">
/// <item><c>threads=N</c>: worker threads, 1..1024 (default: the number of processors).</item>
/// <item><c>simd=auto|512|256|128|scalar</c>: widest vector width the kernels may use (default auto = widest
/// accelerated by the compiled code).</item>
/// <item><c>parallel_threshold=N</c>: operations touching fewer than N amplitudes run on one thread (default 16384).</item>
/// <item><c>fusion=on|off</c>: gate fusion (default on): runs of 1-qubit gates on the same qubit into one 2x2 gate,
/// then groups of gates on at most <c>fusion_qubits</c> qubits into one dense or diagonal gate where that saves work.</item>
/// <item><c>fusion_qubits=N</c>: the largest fused gate, 1 (only 1-qubit runs)..6 (default 4).</item>
/// <item><c>fusion_policy=cost|always</c>: fuse a group where the cost model says it pays (default), or every group of
/// two or more gates (for tests and measurements of the fused kernels).</item>
/// <item><c>blocking=on|off</c>: cache blocking, many gates per memory pass (default on).</item>
/// <item><c>block_qubits=N</c>: qubits per cache block, 2..30, or auto (default: 512 KiB blocks, 15 for complex128,
/// 16 for complex64).</item>
/// <item><c>l1_qubits=N</c>: inside a cache block, operations on the lowest N qubits run on L1-sized sub-blocks,
/// 0 (off)..30 or auto (default: 32 KiB sub-blocks, 11 for complex128, 12 for complex64).</item>
/// <item><c>state_cache=on|off</c>: keep a destroyed state's memory for the next state of the same size (default on).</item>
/// <item><c>batch_cache=on|off</c>: keep the prepared form (fused, kernel coefficients computed) of the last
/// <see cref="Circuits.PreparedBatches.Capacity"/> circuits applied to small states (see
/// <see cref="Circuits.PreparedBatches"/>) and apply it again, without decoding or planning, when the same records
/// arrive (default on).</item>
/// <item><c>huge_pages=auto|on|off</c>: states of 4 MiB and more are 2 MiB-aligned and advised MADV_HUGEPAGE (default
/// auto: on, except in a VM that hands free memory back to its host, see <see cref="StateMemory.HugePagesByDefault"/>).</item>
/// </list>
/// </summary>
internal sealed record BackendOptions(int Threads, int SimdBits, long ParallelThreshold, bool Fusion = true, bool Blocking = true, int BlockQubits = 0, int L1Qubits = -1,
    bool StateCache = true, bool? HugePages = null, int FusionQubits = 4, bool FuseAlways = false, bool BatchCache = true)
{
    /// <summary>The documented syntax, quoted in error messages.</summary>
    public const string Syntax = "threads=N, simd=auto|512|256|128|scalar, parallel_threshold=N, fusion=on|off, fusion_qubits=N, fusion_policy=cost|always, blocking=on|off, block_qubits=N|auto, l1_qubits=N|auto, state_cache=on|off, batch_cache=on|off, huge_pages=auto|on|off";

    /// <summary>The default largest fused gate (see the README: dense groups are priced so that the benchmark circuits fuse none).</summary>
    public const int DefaultFusionQubits = 4;

    /// <summary>Parses <paramref name="text"/>; throws INVALID_ARGUMENT naming the offending item.</summary>
    public static BackendOptions Parse(string? text)
    {
        int threads = Math.Clamp(Environment.ProcessorCount, 1, 1024);
        int simd = 512;
        long threshold = 1 << 14;
        bool fusion = true, blocking = true, stateCache = true, batchCache = true;
        bool? hugePages = null;
        int blockQubits = 0, l1Qubits = -1, fusionQubits = DefaultFusionQubits;
        bool fuseAlways = false;
        foreach (string item in (text ?? "").Split([',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = item.IndexOf('=');
            if (eq <= 0) throw CpuException.Invalid($"backend options: '{item}' is not key=value (known: {Syntax})");
            string key = item[..eq].Trim().ToLowerInvariant(), value = item[(eq + 1)..].Trim().ToLowerInvariant();
            switch (key)
            {
                case "threads":
                    if (!int.TryParse(value, out threads) || threads < 1 || threads > 1024)
                        throw CpuException.Invalid($"backend options: threads must be an integer in 1..1024, got '{value}'");
                    break;
                case "simd":
                    simd = value switch
                    {
                        "auto" or "512" => 512,
                        "256" => 256,
                        "128" => 128,
                        "scalar" or "0" => 0,
                        _ => throw CpuException.Invalid($"backend options: simd must be auto, 512, 256, 128 or scalar, got '{value}'"),
                    };
                    break;
                case "parallel_threshold":
                    if (!long.TryParse(value, out threshold) || threshold < 0)
                        throw CpuException.Invalid($"backend options: parallel_threshold must be a non-negative integer, got '{value}'");
                    break;
                case "fusion":
                    fusion = Switch(key, value);
                    break;
                case "fusion_qubits":
                    if (!int.TryParse(value, out fusionQubits) || fusionQubits < 1 || fusionQubits > 6)
                        throw CpuException.Invalid($"backend options: fusion_qubits must be an integer in 1..6, got '{value}'");
                    break;
                case "fusion_policy":
                    fuseAlways = value switch
                    {
                        "cost" => false,
                        "always" => true,
                        _ => throw CpuException.Invalid($"backend options: fusion_policy must be cost or always, got '{value}'"),
                    };
                    break;
                case "blocking":
                    blocking = Switch(key, value);
                    break;
                case "state_cache":
                    stateCache = Switch(key, value);
                    break;
                case "batch_cache":
                    batchCache = Switch(key, value);
                    break;
                case "huge_pages":
                    hugePages = value == "auto" ? null : Switch(key, value);
                    break;
                case "block_qubits":
                    if (value == "auto") blockQubits = 0;
                    else if (!int.TryParse(value, out blockQubits) || blockQubits < 2 || blockQubits > 30)
                        throw CpuException.Invalid($"backend options: block_qubits must be auto or an integer in 2..30, got '{value}'");
                    break;
                case "l1_qubits":
                    if (value == "auto") l1Qubits = -1;
                    else if (!int.TryParse(value, out l1Qubits) || l1Qubits < 0 || l1Qubits > 30)
                        throw CpuException.Invalid($"backend options: l1_qubits must be auto or an integer in 0..30, got '{value}'");
                    break;
                default:
                    throw CpuException.Invalid($"backend options: unknown option '{key}' (known: {Syntax})");
            }
        }
        return new BackendOptions(threads, simd, threshold, fusion, blocking, blockQubits, l1Qubits, stateCache, hugePages, fusionQubits, fuseAlways, batchCache);
    }

    private static bool Switch(string key, string value) => value switch
    {
        "on" or "true" or "1" or "yes" => true,
        "off" or "false" or "0" or "no" => false,
        _ => throw CpuException.Invalid($"backend options: {key} must be on or off, got '{value}'"),
    };
}
