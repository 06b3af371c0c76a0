using QiboAccel.Cpu.Errors;

namespace QiboAccel.Cpu;

/// <summary>
/// The backend_create options string: comma-, semicolon- or space-separated key=value pairs, keys case-insensitive,
/// NULL or "" for the defaults.
/// <list type="bullet">
/// <item><c>threads=N</c>: worker threads, 1..1024 (default: the number of processors).</item>
/// <item><c>simd=auto|512|256|128|scalar</c>: widest vector width the kernels may use (default auto = widest
/// accelerated by the compiled code).</item>
/// <item><c>parallel_threshold=N</c>: operations touching fewer than N amplitudes run on one thread (default 16384).</item>
/// </list>
/// </summary>
internal sealed record BackendOptions(int Threads, int SimdBits, long ParallelThreshold)
{
    /// <summary>The documented syntax, quoted in error messages.</summary>
    public const string Syntax = "threads=N, simd=auto|512|256|128|scalar, parallel_threshold=N";

    /// <summary>Parses <paramref name="text"/>; throws INVALID_ARGUMENT naming the offending item.</summary>
    public static BackendOptions Parse(string? text)
    {
        int threads = Math.Clamp(Environment.ProcessorCount, 1, 1024);
        int simd = 512;
        long threshold = 1 << 14;
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
                default:
                    throw CpuException.Invalid($"backend options: unknown option '{key}' (known: {Syntax})");
            }
        }
        return new BackendOptions(threads, simd, threshold);
    }
}
