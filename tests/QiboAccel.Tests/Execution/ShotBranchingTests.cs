using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Noise;
using QiboAccel.Observables;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Execution;

/// <summary>
/// Shot branching against per-shot execution: the same seed must give exactly the same shots (counts and registers),
/// on every backend, with mid-circuit measurement, reset, <c>if</c> and noise trajectories; branching must run a
/// circuit whose resets act on ancillas in a definite state once, not once per shot; when copies cannot be made it
/// replays instead and still gives the same shots.
/// </summary>
public class ShotBranchingTests
{
    public static TheoryData<string> BackendNames() => ["cpu", "example-c", "python-numpy"];

    private static IBackend Load(string name) => name switch
    {
        "cpu" => TestBackends.Load("backends", "cpu.json"),
        "example-c" => TestBackends.Load("examples", "qibo_example_c.json"),
        "python-numpy" => TestBackends.Load("backends", "python.json", "numpy"),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void BranchingGivesThePerShotShotsOnRandomCircuits(string name)
    {
        using IBackend backend = Load(name);
        int circuits = name == "python-numpy" ? 3 : 8;
        for (int k = 0; k < circuits; k++)
        {
            Circuit circuit = RandomDynamicCircuit(4 + k % 2, new Random(100 + k));
            ulong seed = (ulong)(7 + k);
            var branching = backend.Execute(circuit, 300, seed, execution: ShotExecution.Branching);
            var perShot = backend.Execute(circuit, 300, seed, execution: ShotExecution.PerShot);
            AssertSameShots(perShot, branching, $"circuit {k} on {name}");
            // Both leave the last shot's final state.
            Check.StatesClose(perShot.State!, branching.State!, 1e-10);
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameShotsOnEveryBackend()
    {
        using IBackend cpu = Load("cpu");
        using IBackend c = Load("example-c");
        for (int k = 0; k < 4; k++)
        {
            Circuit circuit = RandomDynamicCircuit(5, new Random(200 + k));
            AssertSameShots(cpu.Execute(circuit, 400, 3, returnState: false), c.Execute(circuit, 400, 3, returnState: false), $"circuit {k}, cpu vs example-c");
        }
    }

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void NoiseTrajectoriesBranchLikePerShot(string name)
    {
        using IBackend backend = Load(name);
        var circuit = new Circuit(3);
        circuit.Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]).Add(GateKind.RY, [2], 0.7);
        circuit.Add(Channel.AmplitudeDamping(0, 0.3)); // probabilities depend on the state
        circuit.Add(Channel.Depolarizing([1, 2], 0.2)); // constant probabilities
        var reg = circuit.AddClassicalRegister("m", 1);
        circuit.Add(new Measurement(2, reg.Offset));
        circuit.Add(new Conditional(reg, 1, Gate.Create(GateKind.X, [1])));
        circuit.Add(Channel.PauliNoise(1, 0.1, 0.05, 0.2));
        circuit.Measure(0, 1);
        var branching = backend.Execute(circuit, 500, 21, execution: ShotExecution.Branching);
        var perShot = backend.Execute(circuit, 500, 21, execution: ShotExecution.PerShot);
        AssertSameShots(perShot, branching, $"noisy circuit on {name}");
        Check.StatesClose(perShot.State!, branching.State!, 1e-10);
    }

    [Fact]
    public void ResetsOfAncillasInADefiniteStateRunTheCircuitOnce()
    {
        // Four data qubits in superposition; the ancilla computes their parity, is uncomputed and reset (always reads 0).
        var circuit = new Circuit(5);
        for (int q = 0; q < 4; q++) circuit.Add(GateKind.RY, [q], 0.4 + 0.3 * q);
        for (int round = 0; round < 5; round++)
        {
            for (int q = 0; q < 4; q++) circuit.Add(GateKind.CNOT, [q, 4]);
            circuit.Add(GateKind.RZ, [4], 0.3 * round);
            for (int q = 3; q >= 0; q--) circuit.Add(GateKind.CNOT, [q, 4]);
            circuit.Add(new Reset(4));
            for (int q = 0; q < 4; q++) circuit.Add(GateKind.RX, [q], 0.1 * (round + 1));
        }
        circuit.Measure(0, 1, 2, 3);
        const int shots = 200;
        using var counting = new CountingBackend(Load("cpu"));
        var branching = counting.Execute(circuit, shots, 5, execution: ShotExecution.Branching);
        long branchingRuns = counting.FirstBatchRuns;
        long branchingCopies = counting.Copies;
        counting.ResetCounts();
        var perShot = counting.Execute(circuit, shots, 5, execution: ShotExecution.PerShot);
        AssertSameShots(perShot, branching, "ancilla circuit");
        Assert.Equal(shots, counting.FirstBatchRuns);
        Assert.Equal(1, branchingRuns);
        Assert.Equal(0, branchingCopies);
    }

    [Fact]
    public void BranchingCopiesOnlyAtRealSplits()
    {
        // One mid-circuit measurement of |+⟩: two branches, one copy, each gate batch after it runs twice.
        var circuit = new Circuit(3);
        var reg = circuit.AddClassicalRegister("a", 1);
        circuit.Add(GateKind.H, [0]);
        circuit.Add(new Measurement(0, reg.Offset));
        circuit.Add(new Conditional(reg, 1, Gate.Create(GateKind.X, [1])));
        circuit.Add(GateKind.RY, [2], 1.1);
        var c = circuit.AddClassicalRegister("c", 2);
        circuit.Add(new Measurement(1, c.Offset));
        circuit.Add(new Measurement(2, c.Offset + 1));
        using var counting = new CountingBackend(Load("cpu"));
        var result = counting.Execute(circuit, 1000, 9);
        Assert.Equal(1, counting.FirstBatchRuns);
        Assert.Equal(1, counting.Copies);
        // a = qubit 1 always; each about half.
        Assert.Equal(result.RegisterFrequencies["a"]["1"], result.Frequencies.Where(kv => kv.Key[0] == '1').Sum(kv => kv.Value));
        Assert.InRange(result.RegisterFrequencies["a"]["1"], 400, 600);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TooFewLiveStatesReplayAndGiveTheSameShots(int limit)
    {
        using IBackend backend = Load("cpu");
        for (int k = 0; k < 4; k++)
        {
            Circuit circuit = RandomDynamicCircuit(4, new Random(300 + k));
            var perShot = backend.Execute(circuit, 250, 11, execution: ShotExecution.PerShot);
            ExecutionResult limited;
            ShotBranching.LiveStateLimitForTests = limit;
            try
            {
                limited = backend.Execute(circuit, 250, 11, execution: ShotExecution.Branching);
            }
            finally
            {
                ShotBranching.LiveStateLimitForTests = null;
            }
            AssertSameShots(perShot, limited, $"circuit {k} with at most {limit} live state(s)");
            Check.StatesClose(perShot.State!, limited.State!, 1e-10);
        }
    }

    [Fact]
    public void ShotStreamsAreUniformAndIndependent()
    {
        const int n = 200_000;
        var first = new double[n];
        HostRandom.FillFirstDraws(12345, 0, first);
        // Each shot's first number is its own stream's first number.
        for (int s = 0; s < 1000; s++) Assert.Equal(HostRandom.ForShot(12345, s).NextDouble(), first[s]);
        // 20 equal bins, 19 degrees of freedom: P(χ² > 43.82) = 0.001.
        Assert.InRange(ChiSquareUniform(first, 20), 0, 43.82);
        // Pairs: shot s's second number against its first, and shot s+1's first against shot s's: 8×8 bins, 63 dof (P(χ² > 103.4) = 0.001).
        var pairsWithin = new (double, double)[n];
        var pairsAcross = new (double, double)[n - 1];
        for (int s = 0; s < n; s++)
        {
            var stream = HostRandom.ForShot(12345, s);
            double a = stream.NextDouble();
            pairsWithin[s] = (a, stream.NextDouble());
            if (s + 1 < n) pairsAcross[s] = (first[s], first[s + 1]);
        }
        Assert.InRange(ChiSquarePairs(pairsWithin, 8), 0, 103.4);
        Assert.InRange(ChiSquarePairs(pairsAcross, 8), 0, 103.4);
        // Neighbouring seeds give unrelated streams.
        var otherSeed = new double[n];
        HostRandom.FillFirstDraws(12346, 0, otherSeed);
        Assert.InRange(ChiSquarePairs([.. first.Zip(otherSeed)], 8), 0, 103.4);
    }

    [Fact]
    public void KeyedSamplingFollowsTheBornRule()
    {
        // RY(θ)|0⟩ measured into r[0], reset, RY(φ) measured into r[1]: independent outcomes with known probabilities.
        double theta = 1.1, phi = 2.3;
        var circuit = new Circuit(1);
        var r = circuit.AddClassicalRegister("r", 2);
        circuit.Add(GateKind.RY, [0], theta);
        circuit.Add(new Measurement(0, r.Offset));
        circuit.Add(new Reset(0));
        circuit.Add(GateKind.RY, [0], phi);
        circuit.Add(new Measurement(0, r.Offset + 1));
        using IBackend backend = Load("cpu");
        const int shots = 20000;
        var counts = backend.Execute(circuit, shots, 42, returnState: false).RegisterFrequencies["r"];
        double pa = Math.Pow(Math.Sin(theta / 2), 2), pb = Math.Pow(Math.Sin(phi / 2), 2);
        var expected = new Dictionary<string, double>
        {
            ["00"] = (1 - pa) * (1 - pb), ["10"] = pa * (1 - pb), ["01"] = (1 - pa) * pb, ["11"] = pa * pb,
        };
        double chi2 = expected.Sum(kv => Math.Pow(counts.GetValueOrDefault(kv.Key) - shots * kv.Value, 2) / (shots * kv.Value));
        // 3 degrees of freedom: P(χ² > 16.27) = 0.001.
        Assert.InRange(chi2, 0, 16.27);
    }

    /// <summary>
    /// Random gates on every qubit with, between them, mid-circuit measurements into a 2-bit register, resets, and
    /// <c>if</c>s guarding gates, measurements and resets; some qubits measured at the end.
    /// </summary>
    internal static Circuit RandomDynamicCircuit(int n, Random rng)
    {
        Circuit circuit = RandomCircuits.Create(n, 6, rng);
        var mid = circuit.AddClassicalRegister("m", 2);
        var end = circuit.AddClassicalRegister("c", n);
        for (int i = 0; i < 10; i++)
        {
            switch (rng.Next(5))
            {
                case 0:
                case 1:
                    circuit.Add(new Measurement(rng.Next(n), mid.Offset + rng.Next(2)));
                    break;
                case 2:
                    circuit.Add(new Reset(rng.Next(n)));
                    break;
                case 3:
                    Operation body = rng.Next(3) switch
                    {
                        0 => new Measurement(rng.Next(n), mid.Offset + rng.Next(2)),
                        1 => new Reset(rng.Next(n)),
                        _ => Gate.Create(GateKind.RX, [rng.Next(n)], rng.NextDouble() * 3),
                    };
                    circuit.Add(new Conditional(mid, rng.Next(4), body));
                    break;
            }
            Circuit gates = RandomCircuits.Create(n, 3, rng);
            foreach (Operation op in gates.Operations.Skip(n)) circuit.Add(op);
        }
        for (int q = 0; q < n; q++) if (rng.Next(3) > 0) circuit.Add(new Measurement(q, end.Offset + q));
        return circuit;
    }

    private static void AssertSameShots(ExecutionResult expected, ExecutionResult actual, string what)
    {
        Assert.True(expected.Frequencies.SequenceEqual(actual.Frequencies),
            $"{what}: frequencies {Show(expected.Frequencies)} per shot, {Show(actual.Frequencies)} branching");
        foreach (var (register, counts) in expected.RegisterFrequencies)
        {
            Assert.True(counts.SequenceEqual(actual.RegisterFrequencies[register]),
                $"{what}: register {register} {Show(counts)} per shot, {Show(actual.RegisterFrequencies[register])} branching");
        }
    }

    private static string Show(IReadOnlyDictionary<string, int> counts) => string.Join(",", counts.Select(kv => $"{kv.Key}:{kv.Value}"));

    private static double ChiSquareUniform(double[] values, int bins)
    {
        var counts = new int[bins];
        foreach (double v in values) counts[(int)(v * bins)]++;
        double expected = (double)values.Length / bins;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    private static double ChiSquarePairs((double A, double B)[] pairs, int bins)
    {
        var counts = new int[bins * bins];
        foreach (var (a, b) in pairs) counts[(int)(a * bins) * bins + (int)(b * bins)]++;
        double expected = (double)pairs.Length / (bins * bins);
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    /// <summary>Wraps a backend to count how often the circuit's first gate batch runs and how many states are copied.</summary>
    private sealed class CountingBackend(IBackend inner) : IBackend
    {
        private OpBatch? _first;

        public long FirstBatchRuns;

        public long Copies;

        public string Specifier => inner.Specifier;

        public BackendInfo Info => inner.Info;

        public IQuantumState CreateState(int nQubits, Precision precision = Precision.Double) => new CountingState(this, inner.CreateState(nQubits, precision));

        public void ResetCounts()
        {
            _first = null;
            FirstBatchRuns = 0;
            Copies = 0;
        }

        public void Dispose() => inner.Dispose();

        private sealed class CountingState(CountingBackend owner, IQuantumState state) : IQuantumState
        {
            public int NQubits => state.NQubits;

            public Precision Precision => state.Precision;

            public void Reset() => state.Reset();

            public void Apply(OpBatch batch, ReadOnlySpan<double> randoms = default, Span<byte> cbits = default)
            {
                // The first batch applied in a run is the circuit's first gate batch: count each time it runs again.
                if (batch.MeasureCount == 0 && batch.Count > 0)
                {
                    owner._first ??= batch;
                    if (ReferenceEquals(batch, owner._first)) owner.FirstBatchRuns++;
                }
                state.Apply(batch, randoms, cbits);
            }

            public void GetAmplitudes(long offset, Span<Complex> destination) => state.GetAmplitudes(offset, destination);

            public void SetAmplitudes(long offset, ReadOnlySpan<Complex> source) => state.SetAmplitudes(offset, source);

            public double[] Probabilities(ReadOnlySpan<int> qubits) => state.Probabilities(qubits);

            public void Sample(ReadOnlySpan<int> qubits, ReadOnlySpan<double> randoms, Span<ulong> outcomes) => state.Sample(qubits, randoms, outcomes);

            public void CopyTo(IQuantumState destination)
            {
                owner.Copies++;
                state.CopyTo(((CountingState)destination).Inner);
            }

            public Complex InnerProduct(IQuantumState other) => state.InnerProduct(((CountingState)other).Inner);

            public double Expectation(Observable observable) => state.Expectation(observable);

            public IQuantumState Inner => state;

            public void Dispose() => state.Dispose();
        }
    }
}
