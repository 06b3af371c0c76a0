using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace QiboAccel.Gpu.Generator;

/// <summary>
/// Assembles the generated PTX with NVIDIA's <c>ptxas</c> (the assembler the driver's JIT uses) for real GPU
/// architectures, so that a module the driver would refuse is found without a GPU. <c>ptxas -v</c> also reports
/// each kernel's registers, stack frame and spills, which the README's table comes from.
/// </summary>
internal static partial class PtxAssembler
{
    /// <summary>The architectures every module must assemble for: Ampere (A100) and Hopper (H100/H200).</summary>
    public static readonly string[] Architectures = ["sm_80", "sm_90"];

    /// <summary>One assembled (or refused) module.</summary>
    public sealed record Row(string Kernel, string PtxTarget, string Architecture, bool Accepted, int Registers, int StackBytes,
        int SpillStores, int SpillLoads, string Log);

    /// <summary>Assembles every PTX module of <paramref name="kernels"/> for every architecture in <see cref="Architectures"/>.</summary>
    public static List<Row> AssembleAll(string ptxas, List<CompiledKernelSet> kernels, (int Major, int Minor)[] targets)
    {
        var jobs = new List<(string Kernel, string Target, string Ptx, string Arch)>();
        foreach (CompiledKernelSet k in kernels)
        {
            for (int t = 0; t < k.Ptx.Count; t++)
            {
                foreach (string arch in Architectures) jobs.Add((k.Name, $"sm_{targets[t].Major}{targets[t].Minor}", k.Ptx[t], arch));
            }
        }
        string folder = Directory.CreateTempSubdirectory("qibo-ptxas-").FullName;
        try
        {
            var rows = new Row[jobs.Count];
            Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, i =>
            {
                var (kernel, target, ptx, arch) = jobs[i];
                rows[i] = Assemble(ptxas, folder, $"{kernel}.{target}.{arch}", kernel, target, ptx, arch);
            });
            return [.. rows];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Row Assemble(string ptxas, string folder, string stem, string kernel, string target, string ptx, string arch)
    {
        string input = Path.Combine(folder, stem + ".ptx"), output = Path.Combine(folder, stem + ".cubin");
        File.WriteAllText(input, ptx);
        var start = new ProcessStartInfo(ptxas)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-arch=" + arch, "-v", "--warn-on-spills", "-o", output, input }) start.ArgumentList.Add(a);
        using Process process = Process.Start(start) ?? throw new GeneratorException($"cannot start {ptxas}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string log = process.StandardError.ReadToEnd() + stdout.Result;
        process.WaitForExit();
        bool accepted = process.ExitCode == 0 && File.Exists(output) && !log.Contains("error", StringComparison.OrdinalIgnoreCase);
        Match used = Used().Match(log);
        Match frame = Frame().Match(log);
        return new Row(kernel, target, arch, accepted,
            used.Success ? Int(used.Groups[1].Value) : -1,
            frame.Success ? Int(frame.Groups[1].Value) : -1,
            frame.Success ? Int(frame.Groups[2].Value) : -1,
            frame.Success ? Int(frame.Groups[3].Value) : -1,
            log.Trim());
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>
    /// A markdown table of the modules the driver loads on sm_80 and newer (the newest PTX flavour): registers per
    /// thread, stack frame and spill bytes for each architecture.
    /// </summary>
    public static string Table(List<Row> rows, string ptxTarget)
    {
        var sb = new StringBuilder();
        sb.Append("| kernel |");
        foreach (string arch in Architectures) sb.Append($" {arch} registers | {arch} stack / spill stores / loads (bytes) |");
        sb.AppendLine();
        sb.Append("| --- |");
        foreach (string _ in Architectures) sb.Append(" ---: | ---: |");
        sb.AppendLine();
        foreach (var group in rows.Where(r => r.PtxTarget == ptxTarget).GroupBy(r => r.Kernel))
        {
            sb.Append($"| {group.Key} |");
            foreach (string arch in Architectures)
            {
                Row? r = group.FirstOrDefault(x => x.Architecture == arch);
                sb.Append(r == null ? " - | - |" : r.Accepted ? $" {r.Registers} | {r.StackBytes} / {r.SpillStores} / {r.SpillLoads} |" : " REFUSED | |");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex Used();

    [GeneratedRegex(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex Frame();
}
