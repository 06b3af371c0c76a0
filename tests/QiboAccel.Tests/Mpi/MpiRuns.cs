using System.Collections.Concurrent;
using System.Text.Json;
using QiboAccel.MpiDriver;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Mpi;

/// <summary>The mpi-mode tests share one job per (ranks, mode): the driver runs everything once and each test reads its part.</summary>
[CollectionDefinition(Name)]
public sealed class MpiCollection : ICollectionFixture<MpiRuns>
{
    /// <summary>One collection: MPI jobs run one at a time.</summary>
    public const string Name = "mpi";
}

/// <summary>Driver jobs, started on first use; each returns every rank's results.</summary>
public sealed class MpiRuns
{
    private readonly ConcurrentDictionary<(int, string), Lazy<Dictionary<string, ScenarioResult>[]>> _jobs = new();

    /// <summary>The mpi manifest with options, as every rank loads it.</summary>
    public static string Spec(string options) => RepoPaths.Combine("build", "backends", "mpi.json") + "?" + options;

    /// <summary>Every rank's results of the driver in <paramref name="mode"/> on <paramref name="ranks"/> ranks.</summary>
    public Dictionary<string, ScenarioResult>[] Get(int ranks, string mode) =>
        _jobs.GetOrAdd((ranks, mode), _ => new Lazy<Dictionary<string, ScenarioResult>[]>(() => Start(ranks, mode))).Value;

    private static Dictionary<string, ScenarioResult>[] Start(int ranks, string mode)
    {
        string output = Directory.CreateTempSubdirectory("qiboaccel-mpi-").FullName;
        // Three local qubits per rank make small states split, so gates land on global qubits all the time.
        string spec = Spec(mode == "conformance" ? "min_local_qubits=2" : "min_local_qubits=3");
        string[] command = mode == "scenarios" ? MpiJob.Driver(spec, output) : MpiJob.Driver(spec, output, mode);
        var (exit, _, err, _) = MpiJob.Run(ranks, command);
        Assert.True(exit == 0, $"the driver failed on {ranks} ranks ({mode}): {err}");
        var results = new Dictionary<string, ScenarioResult>[ranks];
        for (int r = 0; r < ranks; r++)
        {
            string file = Path.Combine(output, $"rank{r}.json");
            Assert.True(File.Exists(file), $"rank {r} wrote no results ({mode}): {err}");
            results[r] = JsonSerializer.Deserialize<Dictionary<string, ScenarioResult>>(File.ReadAllText(file))!;
        }
        Directory.Delete(output, recursive: true);
        return results;
    }
}
