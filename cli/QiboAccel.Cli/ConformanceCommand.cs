using System.Diagnostics;
using QiboAccel.Conformance;

namespace QiboAccel.Cli;

/// <summary>
/// <c>qiboaccel conformance SPEC</c>: runs every conformance case against a backend, each in a child process, so a
/// backend that crashes fails that case instead of ending the run (CLAP's validator does the same).
/// </summary>
internal static class ConformanceCommand
{
    private const int CaseTimeoutSeconds = 600;

    public static int Execute(string[] args)
    {
        var cl = new CommandLine(args, new HashSet<string> { "in-process", "list" });
        string? only = cl.Value("case");
        bool inProcess = cl.Flag("in-process");
        bool list = cl.Flag("list");
        cl.RejectUnknown();
        if (list)
        {
            foreach (var c in ConformanceSuite.All) Console.WriteLine($"{c.Name,-28} {c.Description}");
            return 0;
        }
        if (cl.Positionals.Count != 1) throw new UsageException("conformance needs one backend: qiboaccel conformance SPEC [--case NAME]");
        string spec = cl.Positionals[0];
        var cases = only is null ? ConformanceSuite.All : [ConformanceSuite.Get(only)];
        if (inProcess) return RunHere(spec, cases);

        // Load once in the parent for the header line: a backend that cannot even load fails here, clearly.
        BackendInfo info;
        using (var backend = Backends.Load(spec)) info = backend.Info;
        Console.WriteLine($"conformance of '{spec}': {info.Name} {info.Version} ({info.LibraryPath}, ABI {info.AbiVersion})");
        int passed = 0, failed = 0, notApplicable = 0;
        foreach (var c in cases)
        {
            var (outcome, seconds, detail) = RunChild(spec, c.Name);
            switch (outcome)
            {
                case Outcome.Pass: passed++; break;
                case Outcome.NotApplicable: notApplicable++; break;
                default: failed++; break;
            }
            string label = outcome switch { Outcome.Pass => "PASS", Outcome.NotApplicable => "n/a ", _ => "FAIL" };
            Console.WriteLine($"  {label}  {c.Name,-28} {seconds,6:0.00} s{(detail.Length == 0 ? "" : "  " + detail)}");
        }
        Console.WriteLine($"{cases.Count} cases: {passed} passed, {failed} failed, {notApplicable} not applicable");
        return failed == 0 ? 0 : 1;
    }

    private enum Outcome { Pass, Fail, NotApplicable }

    private const int NotApplicableExitCode = 3;

    private static int RunHere(string spec, IReadOnlyList<ConformanceCase> cases)
    {
        int failed = 0, notApplicable = 0;
        foreach (var c in cases)
        {
            try
            {
                using var backend = Backends.Load(spec);
                c.Run(new ConformanceContext(backend, options => Backends.Load(WithOptions(spec, options))));
            }
            catch (ConformanceNotApplicable e)
            {
                notApplicable++;
                Console.WriteLine($"{c.Name}: {e.Message}");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"{c.Name}: {e.GetType().Name}: {e.Message}".ReplaceLineEndings(" "));
            }
        }
        return failed > 0 ? 1 : notApplicable == cases.Count ? NotApplicableExitCode : 0;
    }

    private static string WithOptions(string spec, string options)
    {
        if (options.Length == 0) return spec;
        bool isPath = spec.Contains('/') || spec.EndsWith(".so", StringComparison.Ordinal) || spec.EndsWith(".json", StringComparison.Ordinal);
        return isPath ? $"{spec}?{options}" : $"{spec.Split(':')[0]}:{options}";
    }

    private static (Outcome Outcome, double Seconds, string Detail) RunChild(string spec, string name)
    {
        string self = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        // The native executable runs itself; under `dotnet qiboaccel.dll` (dotnet run, a JIT build) ProcessPath is
        // dotnet itself: pass the program again (Assembly.Location is empty under NativeAOT, so build the path).
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qiboaccel.dll"));
        foreach (string a in new[] { "conformance", spec, "--case", name, "--in-process" }) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("cannot start a child process for the conformance case");
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(CaseTimeoutSeconds * 1000))
        {
            child.Kill(entireProcessTree: true);
            return (Outcome.Fail, sw.Elapsed.TotalSeconds, $"timed out after {CaseTimeoutSeconds} s");
        }
        string output = stdout.Result.Trim();
        if (child.ExitCode == 0) return (Outcome.Pass, sw.Elapsed.TotalSeconds, "");
        if (child.ExitCode == NotApplicableExitCode) return (Outcome.NotApplicable, sw.Elapsed.TotalSeconds, AfterName(output));
        string detail = child.ExitCode switch
        {
            1 when output.Length > 0 => AfterName(output),
            > 128 => $"the backend crashed the process (signal {child.ExitCode - 128}){LastLine(stderr.Result)}",
            _ => $"exit code {child.ExitCode}{LastLine(stderr.Result)} {output}",
        };
        return (Outcome.Fail, sw.Elapsed.TotalSeconds, detail);
    }

    private static string AfterName(string line) => line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..];

    private static string LastLine(string text)
    {
        string line = text.Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
        return line.Length == 0 ? "" : $": {line}";
    }
}
