using System.Diagnostics;

namespace QiboAccel.Cli;

/// <summary>
/// Runs this program again as a child process, so that a backend that crashes (SIGSEGV, abort) ends the child and
/// the parent can say so in one line. <c>qiboaccel conformance</c> runs each case this way and
/// <c>qiboaccel run --isolate</c> the whole run.
/// </summary>
internal static class SelfProcess
{
    /// <summary>How a child ended.</summary>
    /// <param name="ExitCode">Its exit code (128 + N when killed by signal N, as .NET reports it).</param>
    /// <param name="TimedOut">It was killed after the timeout.</param>
    /// <param name="StdOut">Its standard output, when redirected.</param>
    /// <param name="StdErr">Its standard error, when redirected.</param>
    /// <param name="Seconds">Wall-clock time.</param>
    public sealed record Result(int ExitCode, bool TimedOut, string StdOut, string StdErr, double Seconds)
    {
        /// <summary>The signal that killed the child, or null.</summary>
        public int? Signal => !TimedOut && ExitCode > 128 && ExitCode < 128 + 65 ? ExitCode - 128 : null;
    }

    /// <summary>
    /// Runs <c>qiboaccel ARGS</c> (with <c>--debug</c> when this process has it). With <paramref name="redirect"/> the
    /// child's output is captured, else it goes straight to this process's stdout and stderr.
    /// </summary>
    public static Result Run(IEnumerable<string> args, bool redirect, TimeSpan? timeout = null)
    {
        string self = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = redirect, RedirectStandardError = redirect, UseShellExecute = false };
        // Under `dotnet qiboaccel.dll` the process is dotnet itself: pass the program again.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (ErrorReport.Debug) psi.ArgumentList.Add("--debug");
        var sw = Stopwatch.StartNew();
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("cannot start a child process");
        Task<string> stdout = redirect ? child.StandardOutput.ReadToEndAsync() : Task.FromResult("");
        Task<string> stderr = redirect ? child.StandardError.ReadToEndAsync() : Task.FromResult("");
        if (!child.WaitForExit(timeout is { } t ? (int)Math.Min(t.TotalMilliseconds, int.MaxValue) : Timeout.Infinite))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            return new Result(-1, true, stdout.Result, stderr.Result, sw.Elapsed.TotalSeconds);
        }
        child.WaitForExit(); // let the output readers finish
        return new Result(child.ExitCode, false, stdout.Result, stderr.Result, sw.Elapsed.TotalSeconds);
    }

    /// <summary>"SIGSEGV" for 11, and so on.</summary>
    public static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };
}
