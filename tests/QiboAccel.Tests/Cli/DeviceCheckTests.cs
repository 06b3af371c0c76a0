using System.Diagnostics;
using System.Text.Json;
using QiboAccel.Conformance;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Cli;

/// <summary>
/// <c>qiboaccel device-check</c> (what scripts/gpu-check runs on a GPU machine) without a GPU: the gpu backend on
/// PoCL (gpu:opencl:0) against cpu at small sizes. Covers its argument parsing, every comparison, the JSON summary,
/// and that a wrong reference makes it fail.
/// </summary>
public sealed class DeviceCheckTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        ProcessStartInfo psi = CliProgram.StartInfo("device-check");
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    private static (int Exit, string Out, string Err) Exec(ProcessStartInfo psi)
    {
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    private static string Gpu => RepoPaths.Combine("build", "backends", "gpu.json") + "?opencl:0";

    private static string Cpu => RepoPaths.Combine("build", "backends", "cpu.json");

    [Fact]
    public void OnPoclEveryCheckPassesAndTheJsonSaysSo()
    {
        string json = Path.Combine(Path.GetTempPath(), $"device-check-{Environment.ProcessId}.json");
        try
        {
            var (exit, stdout, stderr) = Run("--backend", Gpu, "--reference", Cpu, "--qubits", "7", "--large-qubits", "22",
                "--bandwidth-qubits", "12", "--threads", "4", "--json", json);
            Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
            Assert.Contains("device-check: gpu 0.1.0 on OpenCL opencl:0", stdout);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement root = doc.RootElement;
            Assert.Equal(0, root.GetProperty("failed").GetInt32());
            Assert.StartsWith("OpenCL opencl:0", root.GetProperty("device").GetProperty("device").GetString());
            var checks = root.GetProperty("checks").EnumerateArray().ToList();
            Assert.Equal(checks.Count, root.GetProperty("passed").GetInt32() + root.GetProperty("skipped").GetInt32());
            int Count(string section) => checks.Count(c => c.GetProperty("section").GetString() == section);
            Assert.Equal(ConformanceSuite.All.Count, Count("conformance"));
            Assert.Equal(2, Count("gates"));        // complex128, complex64
            Assert.Equal(4, Count("reductions"));   // marginals and sampling, both precisions
            Assert.Equal(2, Count("overlaps"));     // copy, inner product, expectation: both precisions
            Assert.Equal(2, Count("measure"));
            Assert.Equal(1, Count("threads"));
            Assert.Equal(1, Count("large"));
            Assert.Equal(2, Count("bandwidth"));
            JsonElement gates = checks.First(c => c.GetProperty("section").GetString() == "gates").GetProperty("metrics");
            Assert.True(gates.GetProperty("cases").GetDouble() > 300, gates.ToString());
            Assert.True(gates.GetProperty("max_difference").GetDouble() < 1e-10);
            JsonElement bandwidth = checks.First(c => c.GetProperty("section").GetString() == "bandwidth").GetProperty("metrics");
            Assert.True(bandwidth.GetProperty("h_gbps").GetDouble() > 0);
            Assert.Equal(JsonValueKind.Null, bandwidth.GetProperty("copy_gbps").ValueKind); // the copy yardstick is CUDA's
            foreach (JsonElement overlap in checks.Where(c => c.GetProperty("section").GetString() == "overlaps"))
            {
                // complex64 too: both backends sum the same stored floats in double.
                Assert.True(overlap.GetProperty("metrics").GetProperty("inner_difference").GetDouble() < 1e-12, overlap.ToString());
                Assert.True(overlap.GetProperty("metrics").GetProperty("terms").GetDouble() >= 20, overlap.ToString());
            }
            JsonElement large = checks.First(c => c.GetProperty("section").GetString() == "large");
            Assert.Equal("pass", large.GetProperty("status").GetString());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Theory]
    [InlineData("--qubits", "3", "--qubits must be a whole number from 6 to 20")]
    [InlineData("--large-qubits", "31,x", "--large-qubits: 'x' is not a qubit count")]
    [InlineData("--bogus", "1", "unknown option --bogus")]
    public void BadArgumentsAreOneLine(string option, string value, string message)
    {
        var (exit, _, stderr) = Run(option, value);
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void AWrongReferenceFailsTheCheck()
    {
        // The C template rebuilt to claim H without implementing it (tests/.../faulty_backend.c -DFAULT_DECLARES_H): H fails to compare.
        string folder = Directory.CreateTempSubdirectory("qibo-liar-").FullName;
        try
        {
            string liar = Path.Combine(folder, "liblying.so");
            var gcc = Process.Start(new ProcessStartInfo("gcc", ["-std=c99", "-shared", "-fPIC", "-O1", "-DFAULT_DECLARES_H", "-I", RepoPaths.Combine("abi", "include"),
                "-I", RepoPaths.Combine("examples", "backends", "c"), "-o", liar, RepoPaths.Combine("tests", "QiboAccel.Tests", "Loader", "faulty_backend.c"), "-lm"]))!;
            gcc.WaitForExit();
            Assert.Equal(0, gcc.ExitCode);
            string json = Path.Combine(folder, "out.json");
            var (exit, stdout, _) = Run("--backend", Gpu, "--reference", liar, "--qubits", "6", "--large-qubits", "none",
                "--bandwidth-qubits", "none", "--no-conformance", "--json", json);
            Assert.Equal(1, exit);
            Assert.Contains("FAIL  gates", stdout);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
            Assert.True(doc.RootElement.GetProperty("failed").GetInt32() >= 1);
            JsonElement failed = doc.RootElement.GetProperty("checks").EnumerateArray().First(c => c.GetProperty("status").GetString() == "fail");
            Assert.Contains("H", failed.GetProperty("detail").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void GpuCheckPreparesABundleThatRunsWithoutTheSdk()
    {
        // scripts/gpu-check --prepare DIR, then DIR/gpu-check as on a GPU machine (here on PoCL, small sizes), with no
        // .NET reachable: the bundle's qiboaccel is the NativeAOT executable and finds the bundle's backends by itself.
        string folder = Directory.CreateTempSubdirectory("qibo-gpu-check-").FullName;
        try
        {
            string bundle = Path.Combine(folder, "bundle");
            var prepare = new ProcessStartInfo(RepoPaths.Combine("scripts", "gpu-check"), ["--prepare", bundle]) { RedirectStandardError = true, RedirectStandardOutput = true };
            var (code, output, errors) = Exec(prepare);
            Assert.True(code == 0, errors + output);
            // The native executable alone: no managed assemblies or runtime files travel with it.
            Assert.Equal(["qiboaccel"], Directory.GetFiles(Path.Combine(bundle, "cli")).Select(Path.GetFileName));
            foreach (string f in new[] { "libqibo_gpu.so", "libqibo_cpu.so", "gpu.json", "cpu.json" }) Assert.True(File.Exists(Path.Combine(bundle, "backends", f)), f);
            string json = Path.Combine(folder, "summary.json");
            var run = new ProcessStartInfo(Path.Combine(bundle, "gpu-check"), ["--backend", "gpu:opencl:0", "--qubits", "6", "--large-qubits", "none",
                "--bandwidth-qubits", "10", "--no-conformance", "--json", json]) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = folder };
            run.Environment["DOTNET_ROOT"] = "/nonexistent";
            run.Environment["DOTNET_ROOT_X64"] = "/nonexistent";
            (code, output, errors) = Exec(run);
            Assert.True(code == 0, errors + output);
            Assert.Contains("== device", output);
            Assert.Contains("device-check: gpu 0.1.0 on OpenCL", output);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal(0, doc.RootElement.GetProperty("failed").GetInt32());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
