using System.Diagnostics;

namespace QiboAccel.Tests.Support;

/// <summary>The C compiler the ABI tests build their test backends and probes with (gcc is a prerequisite of the repository).</summary>
internal static class Gcc
{
    /// <summary>Runs gcc with <paramref name="arguments"/>; throws with gcc's messages, naming <paramref name="what"/>, when it fails.</summary>
    public static void Run(string what, params string[] arguments)
    {
        var psi = new ProcessStartInfo("gcc", arguments) { RedirectStandardError = true };
        using var gcc = Process.Start(psi) ?? throw new InvalidOperationException($"gcc is required to build {what}");
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0) throw new InvalidOperationException($"gcc failed for {what}: {errors}");
    }
}
