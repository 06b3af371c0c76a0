using QiboAccel.MpiDriver;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Mpi;

/// <summary>
/// Failures in an MPI job end the whole job with one clear line and a non-zero exit, never a hang: a rank without
/// enough memory, a job of 3 ranks, ranks asked different things, a rank that leaves early.
/// </summary>
[Collection(MpiCollection.Name)]
public sealed class MpiFailureTests
{
    /// <summary>The lines our program printed (mpirun adds its own box about the non-zero exit).</summary>
    private static string[] OurLines(string stderr) => [.. stderr.Split('\n').Where(l => l.StartsWith("qiboaccel:", StringComparison.Ordinal))];

    [Fact]
    public void ARankWithTooLittleMemoryEndsTheJobWithOneLine()
    {
        // Only rank 1 is limited to 1 MiB; a 20-qubit state needs 8 MiB per rank on 2 ranks.
        string cli = string.Join(" ", MpiJob.Cli("run", "examples/qasmbench/qft_n18.qasm", "--backend", "mpi", "--shots", "10").Select(a => $"'{a}'"));
        string script = $"if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then export QIBO_MPI_MEMORY_LIMIT=1M; fi; exec {cli}";
        var (exit, output, err, seconds) = MpiJob.Run(2, ["sh", "-c", script], timeoutSeconds: 120);
        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
        string line = Assert.Single(OurLines(err));
        Assert.Contains("qiboaccel: error:", line);
        Assert.Contains("rank 1 of 2: out of memory", line);
        Assert.Contains("a state of 18 qubits (complex128) split over 2 ranks needs 2 MiB per rank (2^17 amplitudes) plus 2 MiB of exchange buffers", line);
        Assert.Contains("this rank may use 1 MiB (QIBO_MPI_MEMORY_LIMIT)", line);
        Assert.True(seconds < 60, $"took {seconds:0} s");
    }

    [Fact]
    public void ThreeRanksAreRefused()
    {
        var (exit, _, err, _) = MpiJob.Run(3, MpiJob.Cli("run", "examples/circuits/bell.qasm", "--backend", "mpi"));
        Assert.NotEqual(0, exit);
        Assert.Contains("needs a power-of-two number of ranks (1, 2, 4, 8, ...); this job has 3", Assert.Single(OurLines(err)));
    }

    [Fact]
    public void RanksAskedDifferentThingsFailTogether()
    {
        string output = Directory.CreateTempSubdirectory("qiboaccel-mpi-").FullName;
        var (exit, _, err, seconds) = MpiJob.Run(2, MpiJob.Driver(MpiRuns.Spec("min_local_qubits=3"), output, "diverge"), timeoutSeconds: 120);
        Assert.True(exit == 0, err);
        foreach (int rank in new[] { 0, 1 })
        {
            var results = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, ScenarioResult>>(File.ReadAllText(Path.Combine(output, $"rank{rank}.json")))!;
            Assert.Contains("state_apply: the MPI ranks were asked different things", results["diverge"].Error);
        }
        Assert.True(seconds < 60, $"took {seconds:0} s");
    }

    [Fact]
    public void RanksAskedForDifferentOverlapsFailTogetherAndGoOn()
    {
        // Rank 1 asks for another expectation value, ⟨b|a⟩ instead of ⟨a|b⟩, and a copy the other way round.
        string output = Directory.CreateTempSubdirectory("qiboaccel-mpi-").FullName;
        var (exit, _, err, seconds) = MpiJob.Run(2, MpiJob.Driver(MpiRuns.Spec("min_local_qubits=3"), output, "diverge-overlaps"), timeoutSeconds: 120);
        Assert.True(exit == 0, err);
        foreach (int rank in new[] { 0, 1 })
        {
            var results = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, ScenarioResult>>(File.ReadAllText(Path.Combine(output, $"rank{rank}.json")))!;
            foreach (string call in new[] { "expectation", "inner_product", "copy" })
                Assert.Contains($"state_{call}: the MPI ranks were asked different things", results[call.Replace('_', '-')].Error);
            // Nothing was half done: a is H|0...0>, b is |0...0> (the copies never happened); every rank goes on.
            ScenarioResult after = results["after"];
            Assert.True(after.Error is null, after.Error);
            Assert.Equal(Math.Sqrt(0.5), after.Values![0], 12);
            Assert.Equal(1, after.Values[1], 12);
        }
        Assert.True(seconds < 60, $"took {seconds:0} s");
    }

    [Fact]
    public void ARankThatLeavesEarlyEndsTheJob()
    {
        // Rank 1 exits while rank 0 waits in a collective for it: rank 1's exit barrier gives up and aborts the job.
        string output = Directory.CreateTempSubdirectory("qiboaccel-mpi-").FullName;
        var env = new Dictionary<string, string> { ["QIBO_MPI_EXIT_TIMEOUT"] = "3" };
        var (exit, _, err, seconds) = MpiJob.Run(2, MpiJob.Driver(MpiRuns.Spec(""), output, "leave"), env, timeoutSeconds: 120);
        Assert.NotEqual(0, exit);
        Assert.Contains("qiboaccel: rank 1: the other MPI ranks did not reach the end of the program within 3 s", err);
        Assert.True(seconds < 60, $"took {seconds:0} s");
    }
}
