using System.Diagnostics;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Cli;

/// <summary>
/// <c>./qiboaccel build</c> rebuilds a library whenever anything it links changed, so ./run-tests never tests a stale
/// library. The script decides with <c>build --dry-run</c>'s logic (the same function), run here on a copy of the
/// sources whose files are all older than the last build: editing one file must make exactly the targets that link it
/// out of date, following project references (backends/kit into cpu, gpu and python; conformance/ into the CLI) and
/// embedded files (python/*.py into the python bridge).
/// </summary>
public sealed class BuildScriptTests : IDisposable
{
    private static readonly string[] Targets = ["cpu", "mpi-shim", "gpu", "python", "example-c", "cli", "capi", "python-package"];
    private static readonly string[] Copied = ["qiboaccel", "Directory.Build.props", "abi", "backends", "cli", "conformance", "core", "python", "examples/backends/c", "bindings"];

    private readonly string _copy = Directory.CreateTempSubdirectory("qiboaccel-build-script-").FullName;
    private readonly DateTime _past = DateTime.UtcNow.AddHours(-2);

    public BuildScriptTests()
    {
        foreach (string item in Copied) Copy(RepoPaths.Combine(item), Path.Combine(_copy, item));
        Directory.CreateDirectory(Path.Combine(_copy, "build"));
        foreach (string target in Targets) File.WriteAllText(Path.Combine(_copy, "build", $".{target}.stamp"), "");
    }

    public void Dispose() => Directory.Delete(_copy, recursive: true);

    [Theory]
    [InlineData("backends/kit/QiboAccel.BackendKit/Check.cs", "cpu,gpu,python")]
    [InlineData("backends/kit/QiboAccel.BackendKit/QiboAccel.BackendKit.csproj", "cpu,gpu,python")]
    [InlineData("abi/QiboAccel.Abi/QiboOp.cs", "cpu,gpu,python,cli,capi")]
    [InlineData("conformance/QiboAccel.Conformance/ConformanceSuite.cs", "cli")]
    [InlineData("core/QiboAccel.Core/Circuits/Circuit.cs", "cli,capi")]
    [InlineData("python/qiboaccel_bridge.py", "python")]
    [InlineData("backends/cpu/QiboAccel.Cpu/StateVector.cs", "cpu")]
    [InlineData("backends/gpu/QiboAccel.Gpu.Kernels/StateKernels.cs", "gpu")]
    [InlineData("abi/include/qibo/backend.h", "example-c")]
    [InlineData("Directory.Build.props", "cpu,gpu,python,example-c,cli,capi")]
    [InlineData("bindings/c/QiboAccel.CApi/QiboAccel.CApi.csproj", "capi")]
    [InlineData("abi/include/qibo/qiboaccel.h", "capi")]
    [InlineData("bindings/python/qiboaccel/circuit.py", "python-package")]
    [InlineData("backends/cpu/mpi/qibo_mpi_shim.c", "mpi-shim")]
    public void EditingAFileMakesWhatLinksItOutOfDate(string file, string expected)
    {
        Assert.Empty(OutOfDate(out _));
        File.SetLastWriteTimeUtc(Path.Combine(_copy, file), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(expected, string.Join(",", OutOfDate(out string output)));
        Assert.Contains(file, output); // the reason names the edited file
    }

    [Fact]
    public void AMissingStampMeansNeverBuilt()
    {
        File.Delete(Path.Combine(_copy, "build", ".gpu.stamp"));
        Assert.Equal("gpu", string.Join(",", OutOfDate(out string output)));
        Assert.Contains("gpu: out of date: never built", output);
    }

    [Fact]
    public void TheCpuLibraryWithoutItsAvx512BuildIsOutOfDate()
    {
        // Both builds come from the cpu target (libqibo_cpu.so loads libqibo_cpu_avx512.so on AVX-512 CPUs).
        Directory.CreateDirectory(Path.Combine(_copy, "build", "backends"));
        File.WriteAllText(Path.Combine(_copy, "build", "backends", "libqibo_cpu.so"), "");
        Assert.Equal("cpu", string.Join(",", OutOfDate(out string output)));
        Assert.Contains("build/backends/libqibo_cpu_avx512.so is missing", output);
        File.WriteAllText(Path.Combine(_copy, "build", "backends", "libqibo_cpu_avx512.so"), "");
        Assert.Empty(OutOfDate(out _));
    }

    /// <summary>Runs the copy's <c>qiboaccel build --dry-run</c>; returns the targets it names, in build order.</summary>
    private List<string> OutOfDate(out string output)
    {
        // Every source is older than every stamp, whatever the clock did while copying.
        foreach (string path in Directory.EnumerateFiles(_copy, "*", SearchOption.AllDirectories))
        {
            if (!path.Contains($"{Path.DirectorySeparatorChar}build{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && File.GetLastWriteTimeUtc(path) < DateTime.UtcNow)
                File.SetLastWriteTimeUtc(path, _past);
        }
        var psi = new ProcessStartInfo("bash", [Path.Combine(_copy, "qiboaccel"), "build", "--dry-run"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"qiboaccel build --dry-run failed: {stderr.Result}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(':')[0]).ToList();
    }

    private static void Copy(string from, string to)
    {
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
            return;
        }
        Directory.CreateDirectory(to);
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, dir);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "target" or "__pycache__")) continue;
            Directory.CreateDirectory(Path.Combine(to, relative));
        }
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "target" or "__pycache__")) continue;
            if (relative.EndsWith(".so", StringComparison.Ordinal)) continue;
            File.Copy(file, Path.Combine(to, relative));
        }
    }
}
