using System.Diagnostics;
using System.Text.Json;
using QiboAccel.Execution;
using QiboAccel.Qasm;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Mpi;

/// <summary>The mpi mode as a user meets it: <c>qiboaccel backends</c>, and <c>mpirun -np N ./qiboaccel run ... --backend mpi</c>.</summary>
[Collection(MpiCollection.Name)]
public sealed class MpiCliTests
{
    private const string Circuit = "examples/qasmbench/qft_n18.qasm";

    private static (int Exit, string Out, string Err) RunCli(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string[] command = MpiJob.Cli(args);
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (string a in command[1..]) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    private static JsonElement BackendEntry(string json, string name)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == name).Clone();
    }

    [Fact]
    public void BackendsListsTheMpiMode()
    {
        MpiJob.Mpirun();
        var (exit, output, err) = RunCli(null, "backends", "--json", "--details");
        Assert.True(exit == 0, err);
        JsonElement mpi = BackendEntry(output, "mpi");
        Assert.True(mpi.GetProperty("available").GetBoolean(), mpi.ToString());
        // Outside mpirun the job is this one process.
        Assert.StartsWith("distributed over 1 MPI rank", mpi.GetProperty("device").GetString());
        Assert.EndsWith("libqibo_cpu.so", mpi.GetProperty("library").GetString());
    }

    [Fact]
    public void BackendsSaysWhyTheMpiModeIsUnavailable()
    {
        // As on a machine where mpicc was missing at build time: the shim is not there.
        var env = new Dictionary<string, string> { ["QIBO_MPI_SHIM"] = "/nonexistent/libqibo_mpi_shim.so" };
        var (exit, output, err) = RunCli(env, "backends", "--json", "--details");
        Assert.True(exit == 0, err);
        JsonElement mpi = BackendEntry(output, "mpi");
        Assert.False(mpi.GetProperty("available").GetBoolean());
        string why = mpi.GetProperty("error").GetString()!;
        Assert.Contains("mpi mode is unavailable", why);
        Assert.Contains("mpicc", why);
        Assert.Contains("apt-get install libopenmpi-dev openmpi-bin", why);
        // The ordinary cpu backend does not need MPI.
        Assert.True(BackendEntry(output, "cpu").GetProperty("available").GetBoolean());
        var run = RunCli(env, "run", "examples/circuits/bell.qasm", "--backend", "cpu:mpi");
        Assert.Equal(1, run.Exit);
        Assert.Contains("mpi mode is unavailable", Assert.Single(run.Err.Trim().Split('\n')));
    }

    [Fact]
    public void BadMpiOptionsAreOneLine()
    {
        var (exit, _, err) = RunCli(null, "run", "examples/circuits/bell.qasm", "--backend", "mpi:chunk_kib=0");
        Assert.Equal(1, exit);
        Assert.Contains("chunk_kib must be an integer", Assert.Single(err.Trim().Split('\n')));
    }

    [Theory]
    [InlineData(2, "mpi")]
    [InlineData(4, "cpu:mpi")]
    public void RunPrintsOnceWithTheCpuBackendsShots(int ranks, string backend)
    {
        var (exit, output, err, _) = MpiJob.Run(ranks, MpiJob.Cli("run", Circuit, "--backend", backend, "--shots", "1000", "--seed", "7", "--json"));
        Assert.True(exit == 0, err);
        Assert.DoesNotContain("qiboaccel", err);
        using var doc = JsonDocument.Parse(output); // exactly one JSON document: only rank 0 printed
        JsonElement root = doc.RootElement;
        Assert.Equal("mpi", root.GetProperty("backend").GetString());
        Assert.StartsWith($"distributed over {ranks} MPI ranks", root.GetProperty("device").GetString());
        Assert.Equal(ExpectedFrequencies(7), Frequencies(root));
    }

    [Fact]
    public void RanksShareOneSeedWhenNoneIsGiven()
    {
        var (exit, output, err, _) = MpiJob.Run(2, MpiJob.Cli("run", Circuit, "--backend", "mpi", "--shots", "500", "--json"));
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(output);
        ulong seed = doc.RootElement.GetProperty("seed").GetUInt64();
        Assert.Equal(ExpectedFrequencies(seed, 500), Frequencies(doc.RootElement));
    }

    private static Dictionary<string, int> Frequencies(JsonElement root) =>
        root.GetProperty("frequencies").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    private static Dictionary<string, int> ExpectedFrequencies(ulong seed, int shots = 1000)
    {
        using IBackend cpu = TestBackends.Load("backends", "cpu.json");
        ExecutionResult r = cpu.Execute(QasmParser.ParseFile(RepoPaths.Combine(Circuit)), shots, seed, returnState: false);
        return new Dictionary<string, int>(r.Frequencies);
    }
}
