using System.Globalization;

namespace QiboAccel.Cli.DeviceCheck;

/// <summary>What <c>qiboaccel device-check</c> runs, and at which sizes.</summary>
internal sealed record DeviceCheckOptions(
    string Backend,
    string Reference,
    string? JsonPath,
    int Qubits,
    int[] LargeQubits,
    int[] BandwidthQubits,
    int Threads,
    bool Conformance,
    int Seed)
{
    public const string Usage = """
        usage: qiboaccel device-check [--backend SPEC] [--reference SPEC] [--json FILE] [--qubits N]
                                      [--large-qubits A,B|none] [--bandwidth-qubits A,B|none] [--threads T]
                                      [--no-conformance] [--seed S]
          --backend SPEC         the backend under test (default gpu:cuda:0)
          --reference SPEC       the backend it is compared with (default cpu)
          --qubits N             state size of the gate and reduction comparisons (default 10; 6 to 20)
          --large-qubits A,B     complex64 states checked around amplitude 2^31 and at the top (default 31,32)
          --bandwidth-qubits A,B sizes of the GB/s measurement per gate kind (default 29,30)
          --threads T            host threads sharing the device (default 4)
          --json FILE            write the summary there
        """;

    /// <summary>Parses the command line; bad values are a <see cref="UsageException"/>.</summary>
    public static DeviceCheckOptions Parse(string[] args)
    {
        var cl = new CommandLine(args, new HashSet<string> { "no-conformance" });
        string backend = cl.Value("backend") ?? "gpu:cuda:0";
        string reference = cl.Value("reference") ?? "cpu";
        string? json = cl.Value("json");
        int qubits = (int)(cl.Integer("qubits", 6, 20) ?? 10);
        int[] large = Sizes(cl.Value("large-qubits"), "large-qubits", [31, 32], 2, 40);
        int[] bandwidth = Sizes(cl.Value("bandwidth-qubits"), "bandwidth-qubits", [29, 30], 4, 40);
        int threads = (int)(cl.Integer("threads", 1, 64) ?? 4);
        int seed = (int)(cl.Integer("seed", 0, int.MaxValue) ?? 2026);
        bool conformance = !cl.Flag("no-conformance");
        cl.RejectUnknown();
        if (cl.Positionals.Count > 0) throw new UsageException($"device-check takes no positional arguments (got '{cl.Positionals[0]}')\n{Usage}");
        return new DeviceCheckOptions(backend, reference, json, qubits, large, bandwidth, threads, conformance, seed);
    }

    private static int[] Sizes(string? text, string name, int[] fallback, int min, int max)
    {
        if (text is null) return fallback;
        if (text is "none" or "") return [];
        var sizes = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
                throw new UsageException($"--{name}: '{part}' is not a qubit count from {min} to {max} (a comma-separated list, or none)");
            sizes.Add(n);
        }
        return [.. sizes];
    }

    /// <summary>The backend specifier with backend_create settings appended (e.g. fusion=off).</summary>
    public static string WithSetting(string spec, string setting)
    {
        int q = spec.IndexOf('?');
        if (q >= 0) return spec + "," + setting;
        bool isPath = spec.Contains('/') || spec.EndsWith(".so", StringComparison.Ordinal) || spec.EndsWith(".json", StringComparison.Ordinal);
        if (isPath) return spec + "?" + setting;
        return spec.Contains(':') ? spec + "," + setting : spec + ":" + setting;
    }
}
