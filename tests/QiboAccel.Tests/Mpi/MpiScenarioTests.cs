using QiboAccel.Conformance;
using QiboAccel.MpiDriver;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Mpi;

/// <summary>
/// The mpi mode on 2 and 4 ranks against the cpu backend: every scenario of <see cref="MpiScenarios"/> (random
/// circuits over every gate kind with targets and controls on global and local qubits, QFT, raw DIAGONAL/MATRIX
/// records, seeded and unseeded shots, mid-circuit measurement, reset and if, noise trajectories, density matrices,
/// marginals, level-by-level sampling, amplitude ranges, expectation values, ABI 1.1 copies, inner products and
/// Pauli sums on states with different layouts, adjoint gradients) runs on every rank under mpirun and, in
/// this process, on the cpu backend. States agree within 1e-12 (complex128), shots and outcomes exactly, and every
/// rank reports the same thing.
/// </summary>
[Collection(MpiCollection.Name)]
public sealed class MpiScenarioTests(MpiRuns runs)
{
    private static readonly Lazy<IBackend> s_cpu = new(() => TestBackends.Load("backends", "cpu.json"));

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        foreach (int ranks in new[] { 2, 4 })
        {
            foreach (var s in MpiScenarios.All) data.Add(ranks, s.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SameAsCpu(int ranks, string name)
    {
        MpiScenarios.Scenario scenario = MpiScenarios.All.Single(s => s.Name == name);
        Dictionary<string, ScenarioResult>[] all = runs.Get(ranks, "scenarios");
        ScenarioResult mpi = all[0][name];
        Assert.True(mpi.Error is null, $"{name} failed on {ranks} ranks: {mpi.Error}");
        // Unseeded: each rank's host picked its own seed; the backend measured and sampled with rank 0's numbers,
        // so the cpu backend with rank 0's seed must give the same shots.
        IBackend cpu = s_cpu.Value;
        ScenarioResult expected = scenario.Run(new MpiScenarios.Context(cpu, _ => cpu, scenario.Unseeded ? mpi.Seed : null));

        AssertClose(expected.State, mpi.State, scenario.Tolerance, $"{name}: state");
        AssertClose(expected.Values, mpi.Values, scenario.Tolerance, $"{name}: values");
        Assert.Equal(expected.Frequencies, mpi.Frequencies);
        Assert.Equal(expected.Registers, mpi.Registers);
        for (int r = 1; r < ranks; r++)
        {
            ScenarioResult other = all[r][name];
            Assert.True(other.Error is null, $"{name} failed on rank {r}: {other.Error}");
            Assert.Equal(mpi.State, other.State);
            Assert.Equal(mpi.Values, other.Values);
            Assert.Equal(mpi.Frequencies, other.Frequencies);
            Assert.Equal(mpi.Registers, other.Registers);
            if (!scenario.Unseeded) Assert.Equal(mpi.Seed, other.Seed);
        }
    }

    public static TheoryData<int, string, int> OverlapCases()
    {
        var data = new TheoryData<int, string, int>();
        foreach (int ranks in new[] { 2, 4 })
        {
            data.Add(ranks, "overlaps-n10", 10);
            data.Add(ranks, "overlaps-n10-chunk1k", 10);
            data.Add(ranks, "overlaps-replicated", MpiScenarios.OverlapQubitsReplicated);
        }
        return data;
    }

    /// <summary>
    /// The ABI 1.1 operations on distributed states (after gates that swapped different global qubits into the
    /// two states' slices) against the reference simulator's states and plain host sums: not only the same as cpu.
    /// </summary>
    [Theory]
    [MemberData(nameof(OverlapCases))]
    public void OverlapsMatchTheReferenceSimulator(int ranks, string name, int n)
    {
        ScenarioResult mpi = runs.Get(ranks, "scenarios")[0][name];
        Assert.True(mpi.Error is null, $"{name} failed on {ranks} ranks: {mpi.Error}");
        ScenarioResult expected = MpiScenarios.OverlapReference(n);
        AssertClose(expected.Values, mpi.Values, 1e-10, $"{name}: inner products and expectation values");
        AssertClose(expected.State, mpi.State, 1e-12, $"{name}: the states afterwards");
    }

    public static TheoryData<int, string> ConformanceCases()
    {
        var data = new TheoryData<int, string>();
        foreach (int ranks in new[] { 2, 4 })
        {
            foreach (var c in ConformanceSuite.All.Where(c => c.Name != "threads")) data.Add(ranks, c.Name);
        }
        return data;
    }

    /// <summary>
    /// The conformance kit, in one process per rank, with two local qubits per rank (so the kit's small states are
    /// split too). "threads" is left out: concurrent calls from several threads reach the ranks in different orders,
    /// which the mpi mode refuses (see <see cref="MpiFailureTests"/>), as the README says. A case that did not apply
    /// (on every rank alike) is reported as skipped with the kit's reason, never as passed.
    /// </summary>
    [ConformanceTheory]
    [MemberData(nameof(ConformanceCases))]
    public void PassesTheConformanceKit(int ranks, string name)
    {
        Dictionary<string, ScenarioResult>[] all = runs.Get(ranks, "conformance");
        for (int r = 0; r < ranks; r++) Assert.True(all[r][name].Error is null, $"rank {r}: {all[r][name].Error}");
        for (int r = 1; r < ranks; r++) Assert.Equal(all[0][name].NotApplicable, all[r][name].NotApplicable);
        if (all[0][name].NotApplicable is { } reason) throw new ConformanceNotApplicable($"on {ranks} MPI ranks: {reason}");
    }

    private static void AssertClose(double[]? expected, double[]? actual, double tolerance, string what)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= tolerance, $"{what}: max |difference| {worst:g3} > {tolerance:g3}");
    }
}
