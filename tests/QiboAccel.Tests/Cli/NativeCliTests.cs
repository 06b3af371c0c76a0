using System.Diagnostics;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Cli;

/// <summary>
/// build/cli/qiboaccel is a NativeAOT executable: it links nothing but the C library (so it runs where no .NET
/// runtime is installed), and the conformance command's child processes are the executable itself.
/// </summary>
public class NativeCliTests
{
    [Fact]
    public void TheProgramLinksOnlyTheCLibrary()
    {
        var (exit, output, err) = Bindings.BindingsHarness.Run("ldd", [CliProgram.Path]);
        Assert.True(exit == 0, err);
        var libraries = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(' ')[0]).ToList();
        Assert.NotEmpty(libraries);
        Assert.All(libraries, lib => Assert.Matches(@"^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libz\.so\.1|/lib64/ld-linux-x86-64\.so\.2)$", lib));
    }

    [Fact]
    public void ItRunsWithoutDotnetOnThePath()
    {
        var psi = CliProgram.StartInfo("run", "examples/circuits/bell.qasm", "--shots", "100", "--seed", "1");
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/bin:/bin";
        psi.Environment["HOME"] = Path.GetTempPath();
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        Assert.Contains("shots      100 (seed 1)", output);
    }

    [Fact]
    public void ConformanceRunsEachCaseInAChildOfTheNativeProgram()
    {
        string manifest = RepoPaths.Combine("build", "examples", "qibo_example_c.json");
        Assert.True(File.Exists(manifest), $"{manifest} is missing: run ./qiboaccel build first");
        using var p = Process.Start(CliProgram.StartInfo("conformance", manifest))!;
        string output = p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, output + err);
        Assert.Matches(@"\d+ cases: \d+ passed, 0 failed", output);
        Assert.Matches(@"PASS\s+bit-order", output);
    }
}
