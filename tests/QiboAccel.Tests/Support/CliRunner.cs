using System.Diagnostics;

namespace QiboAccel.Tests.Support;

/// <summary>How a run of the qiboaccel program ended.</summary>
/// <param name="Exit">Exit code (128 + N when killed by signal N).</param>
/// <param name="Out">Standard output.</param>
/// <param name="Err">Standard error.</param>
/// <param name="Seconds">Wall-clock time.</param>
/// <param name="PeakRssBytes">Largest resident set seen (VmHWM, sampled while it ran; 0 if it ended before the first sample).</param>
internal sealed record CliResult(int Exit, string Out, string Err, double Seconds, long PeakRssBytes)
{
    /// <summary>The single line of stderr, failing the test when there are more (or none).</summary>
    public string ErrorLine
    {
        get
        {
            string[] lines = Err.Trim().Split('\n');
            Assert.True(lines.Length == 1 && lines[0].Length > 0, $"expected one line on stderr, got {lines.Length}:\n{Err}");
            return lines[0];
        }
    }
}

/// <summary>
/// Runs build/cli/qiboaccel (the native executable) as a user would, with extra environment variables, a time limit (a run past it is
/// killed and fails the test) and its peak memory measured.
/// </summary>
internal static class CliRunner
{
    public static CliResult Run(string[] args, Dictionary<string, string?>? env = null, double timeoutSeconds = 60, string? workingDirectory = null)
    {
        string cli = CliProgram.Path;
        Assert.True(File.Exists(cli), $"{cli} is missing: run ./qiboaccel build first");
        var psi = new ProcessStartInfo(cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!p.WaitForExit(20))
        {
            peak = Math.Max(peak, PeakRss(p.Id));
            if (sw.Elapsed.TotalSeconds > timeoutSeconds)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
                Assert.Fail($"qiboaccel {string.Join(' ', args.Select(a => a.Length > 80 ? a[..80] + "…" : a))} ran for more than {timeoutSeconds} s "
                    + $"(peak {peak >> 20} MiB); stderr so far: {stderr.Result}");
            }
        }
        p.WaitForExit();
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result, sw.Elapsed.TotalSeconds, peak);
    }

    public static CliResult Run(params string[] args) => Run(args, null);

    private static long PeakRss(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // the process just ended
        }
        return 0;
    }
}

/// <summary>A temporary folder (mode 0700, under /tmp) deleted at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "qiboaccel-test-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string File(string name, string text)
    {
        string path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a child process may still hold a file; /tmp is cleaned eventually
        }
    }
}
