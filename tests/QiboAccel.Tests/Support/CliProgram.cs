using System.Diagnostics;

namespace QiboAccel.Tests.Support;

/// <summary>The qiboaccel program as <c>./qiboaccel build</c> leaves it: the NativeAOT executable build/cli/qiboaccel.</summary>
internal static class CliProgram
{
    /// <summary>build/cli/qiboaccel.</summary>
    public static string Path => RepoPaths.Combine("build", "cli", "qiboaccel");

    /// <summary>A start description running the program with <paramref name="args"/>, output redirected, from the repository root.</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: run ./qiboaccel build first");
        var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (string a in args) psi.ArgumentList.Add(a);
        return psi;
    }
}
