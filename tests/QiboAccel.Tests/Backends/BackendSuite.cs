using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Reference;

namespace QiboAccel.Tests.Backends;

/// <summary>
/// The tests every backend must pass, written once. A backend gets all of them with a three-line subclass
/// that says how to load it. Results are compared with <see cref="ReferenceSimulator"/> and with known distributions.
/// </summary>
public abstract class BackendSuite : IDisposable
{
    private IBackend? _backend;

    /// <summary>Loads the backend under test.</summary>
    protected abstract IBackend LoadBackend();

    protected IBackend Backend => _backend ??= LoadBackend();

    public static TheoryData<Precision> Precisions => new() { Precision.Double, Precision.Single };

    public void Dispose()
    {
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }

    private bool Supports(Precision p) => Backend.Info.Precisions.Contains(p);

    private static double Tolerance(Precision p) => p == Precision.Double ? 1e-10 : 2e-4;

    [Fact]
    public void QubitZeroIsTheMostSignificantBit()
    {
        for (int n = 1; n <= 5; n++)
        {
            var c = new Circuit(n).Add(GateKind.X, [0]);
            var state = Backend.Execute(c, seed: 1).State!;
            Assert.Equal(1.0, state[1 << (n - 1)].Real, 12);
            var c2 = new Circuit(n).Add(GateKind.X, [n - 1]);
            Assert.Equal(1.0, Backend.Execute(c2, seed: 1).State![1].Real, 12);
        }
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void EveryGateKindAtEveryPositionWithControls(Precision precision)
    {
        if (!Supports(precision)) return;
        const int n = 5;
        var rng = new Random(17);
        foreach (var def in GateDefinition.All)
        {
            int width = def.Kind == GateKind.Unitary ? 2 : def.Targets;
            for (int extra = 0; extra <= 2; extra++)
            {
                for (int trial = 0; trial < 4; trial++)
                {
                    // A random layer first, so the gate acts on a generic state, then the gate on random distinct qubits.
                    var circuit = RandomLayer(n, rng);
                    int[] qubits = Shuffle(Enumerable.Range(0, n).ToArray(), rng).Take(def.BuiltInControls + width + extra).ToArray();
                    circuit.Add(MakeGate(def, qubits, width, extra, rng));
                    AssertMatchesReference(circuit, precision);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void TargetsAtTheLowestAndHighestQubits(Precision precision)
    {
        if (!Supports(precision)) return;
        var rng = new Random(3);
        foreach (int n in new[] { 1, 2, 3, 8, 12 })
        {
            var circuit = RandomLayer(n, rng);
            for (int q = 0; q < n; q++)
            {
                circuit.Add(GateKind.U3, [q], rng.NextDouble() * 6, rng.NextDouble() * 6, rng.NextDouble() * 6);
                circuit.Add(GateKind.RZ, [n - 1 - q], rng.NextDouble() * 6);
                if (n > 1)
                {
                    circuit.Add(GateKind.CNOT, [q, (q + 1) % n]);
                    circuit.Add(GateKind.fSim, [(q + n - 1) % n, q], rng.NextDouble(), rng.NextDouble());
                    circuit.Add(Gate.Create(GateKind.SX, [q]).Controlled((q + 1) % n));
                }
            }
            AssertMatchesReference(circuit, precision);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void DenseUnitariesOnAnyTargets(int k)
    {
        var rng = new Random(100 + k);
        const int n = 6;
        int maxTargets = Backend.Info.MaxMatrixTargets;
        if (maxTargets != 0 && k > maxTargets) return;
        for (int trial = 0; trial < 5; trial++)
        {
            var circuit = RandomLayer(n, rng);
            int[] qubits = Shuffle(Enumerable.Range(0, n).ToArray(), rng);
            circuit.Add(Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(k, rng)), qubits[..k]).Controlled(qubits[k..(k + trial % 3)]));
            AssertMatchesReference(circuit, Precision.Double);
        }
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void RandomCircuitsMatchTheReferenceSimulator(Precision precision)
    {
        if (!Supports(precision)) return;
        var rng = new Random(2024);
        // 16 qubits reaches the multi-threaded paths of backends that split large states into chunks.
        foreach (int n in new[] { 2, 3, 4, 6, 9, 13, 16 })
        {
            var circuit = RandomCircuit(n, Math.Min(8 * n, 60), rng);
            AssertMatchesReference(circuit, precision);
        }
    }

    [Fact]
    public void SetAndGetAmplitudesRoundTrip()
    {
        var rng = new Random(9);
        using var state = Backend.CreateState(4);
        var amps = Enumerable.Range(0, 16).Select(_ => new Complex(rng.NextDouble(), rng.NextDouble())).ToArray();
        state.SetAmplitudes(0, amps);
        var back = new Complex[5];
        state.GetAmplitudes(3, back);
        for (int i = 0; i < 5; i++) Assert.Equal(amps[3 + i], back[i]);
        state.Reset();
        var all = new Complex[16];
        state.GetAmplitudes(0, all);
        Assert.Equal(Complex.One, all[0]);
        Assert.All(all.Skip(1), a => Assert.Equal(Complex.Zero, a));
    }

    [Fact]
    public void MarginalProbabilitiesMatchTheReference()
    {
        var rng = new Random(77);
        var circuit = RandomCircuit(5, 30, rng);
        var expected = ReferenceSimulator.Run(circuit);
        using var state = Backend.CreateState(5);
        var batch = new OpBatch(5);
        foreach (var op in circuit.Operations) Lowering.AddGate(batch, (Gate)op, Backend.Info);
        state.Apply(batch);
        int[] qubits = [3, 0];
        double[] p = state.Probabilities(qubits);
        var reference = new double[4];
        for (int i = 0; i < 32; i++)
        {
            int outcome = (((i >> 1) & 1) << 1) | ((i >> 4) & 1); // qubit 3 is bit 1 of the index, qubit 0 is bit 4
            reference[outcome] += expected[i].Magnitude * expected[i].Magnitude;
        }
        for (int i = 0; i < 4; i++) Assert.Equal(reference[i], p[i], 10);
    }

    [Fact]
    public void SamplingFollowsTheBornRuleAndTheSeed()
    {
        // RY(θ) on qubit 0 and RY(φ) on qubit 1: independent outcomes with P(1) = sin²(θ/2), sin²(φ/2).
        double theta = 1.1, phi = 2.3;
        var circuit = new Circuit(2).Add(GateKind.RY, [0], theta).Add(GateKind.RY, [1], phi);
        circuit.Measure(0, 1);
        const int shots = 20000;
        var result = Backend.Execute(circuit, shots, seed: 42, returnState: false);
        double p0 = Math.Pow(Math.Sin(theta / 2), 2), p1 = Math.Pow(Math.Sin(phi / 2), 2);
        var expected = new Dictionary<string, double>
        {
            ["00"] = (1 - p0) * (1 - p1), ["01"] = (1 - p0) * p1, ["10"] = p0 * (1 - p1), ["11"] = p0 * p1,
        };
        double chi2 = 0;
        foreach (var (key, p) in expected)
        {
            double observed = result.Frequencies.TryGetValue(key, out int c) ? c : 0;
            chi2 += Math.Pow(observed - shots * p, 2) / (shots * p);
        }
        // 3 degrees of freedom: P(chi² > 16.27) = 0.001.
        Assert.True(chi2 < 16.27, $"chi² = {chi2:0.00} for {string.Join(", ", result.Frequencies)}");
        var again = Backend.Execute(circuit, shots, seed: 42, returnState: false);
        Assert.Equal(result.Frequencies, again.Frequencies);
        var other = Backend.Execute(circuit, shots, seed: 43, returnState: false);
        Assert.NotEqual(result.Frequencies, other.Frequencies);
    }

    [Fact]
    public void MidCircuitMeasurementCollapsesTheState()
    {
        // Bell pair, measure qubit 0, then copy it with a CNOT into a fresh qubit: all three always agree.
        var circuit = new Circuit(3).Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]);
        circuit.Add(new Measurement(0, 0));
        circuit.Add(GateKind.CNOT, [0, 2]);
        circuit.Measure(1, 2);
        var result = Backend.Execute(circuit, 400, seed: 5, returnState: false);
        Assert.Equal(new[] { "000", "111" }, result.Frequencies.Keys.Order().ToArray());
        Assert.InRange(result.Frequencies["000"], 140, 260);
    }

    [Fact]
    public void ResetAndClassicalControlRunPerShot()
    {
        // X; measure -> c; reset; if (c==1) X on qubit 1. Qubit 0 ends in 0, qubit 1 in 1, every shot.
        var circuit = new Circuit(2);
        var c = circuit.AddClassicalRegister("c", 1);
        var d = circuit.AddClassicalRegister("d", 2);
        circuit.Add(GateKind.H, [0]);
        circuit.Add(new Measurement(0, c.Offset));
        circuit.Add(new Reset(0));
        circuit.Add(new Conditional(c, 1, Gate.Create(GateKind.X, [1])));
        circuit.Add(new Measurement(0, d.Offset));
        circuit.Add(new Measurement(1, d.Offset + 1));
        var result = Backend.Execute(circuit, 300, seed: 11, returnState: false);
        // Whatever c read, d = (0, c).
        var cCounts = result.RegisterFrequencies["c"];
        var dCounts = result.RegisterFrequencies["d"];
        Assert.Equal(cCounts.GetValueOrDefault("1"), dCounts.GetValueOrDefault("01"));
        Assert.Equal(cCounts.GetValueOrDefault("0"), dCounts.GetValueOrDefault("00"));
        Assert.InRange(cCounts.GetValueOrDefault("1"), 100, 200);
    }

    [Fact]
    public void StatesOnSeveralThreadsAtOnce()
    {
        var circuits = Enumerable.Range(0, 8).Select(i => RandomCircuit(8, 40, new Random(i))).ToArray();
        var expected = circuits.Select(ReferenceSimulator.Run).ToArray();
        var actual = new Complex[circuits.Length][];
        Parallel.For(0, circuits.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => actual[i] = Backend.Execute(circuits[i], seed: 1).State!);
        for (int i = 0; i < circuits.Length; i++) AssertStatesClose(expected[i], actual[i], 1e-10);
    }

    [Fact]
    public void BadRecordsAreErrorsNamingTheOperation()
    {
        using var state = Backend.CreateState(3);
        var batch = new OpBatch(3);
        batch.Add(QiboOpKind.Matrix, [0], [], matrix: Analytic.Flatten(Analytic.PauliX));
        batch.Add(QiboOpKind.Matrix, [7], [], matrix: Analytic.Flatten(Analytic.PauliX));
        var e = Assert.Throws<BackendException>(() => state.Apply(batch));
        Assert.Equal(QiboErrorCode.InvalidArgument, e.Code);
        Assert.Equal(1, e.OpIndex);
        Assert.Contains("7", e.Message);

        var repeated = new OpBatch(3);
        repeated.Add(QiboOpKind.Matrix, [1], [1], matrix: Analytic.Flatten(Analytic.PauliX));
        Assert.Equal(0, Assert.Throws<BackendException>(() => state.Apply(repeated)).OpIndex);

        var measure = new OpBatch(3);
        measure.Add(QiboOpKind.Measure, [0], [], cbit: 0);
        Assert.Throws<BackendException>(() => state.Apply(measure, randoms: [], cbits: new byte[1]));

        var invalid = new OpBatch(3);
        invalid.Add(QiboOpKind.Invalid, [0], []);
        Assert.Throws<BackendException>(() => state.Apply(invalid));
    }

    [Fact]
    public void TooManyQubitsIsAClearError()
    {
        var e = Assert.Throws<BackendException>(() => Backend.Execute(new Circuit(Backend.Info.MaxQubits + 1)));
        Assert.Contains("too many", e.Message);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    protected void AssertMatchesReference(Circuit circuit, Precision precision)
    {
        var expected = ReferenceSimulator.Run(circuit);
        var actual = Backend.Execute(circuit, precision: precision, seed: 1).State!;
        AssertStatesClose(expected, actual, Tolerance(precision), circuit);
    }

    internal static void AssertStatesClose(Complex[] expected, Complex[] actual, double tol, Circuit? circuit = null)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if ((expected[i] - actual[i]).Magnitude > tol)
            {
                string ops = circuit is null ? "" : " in circuit: " + string.Join("; ", circuit.Operations);
                Assert.Fail($"amplitude {i}: expected {expected[i]}, got {actual[i]}{ops}");
            }
        }
    }

    internal static Circuit RandomLayer(int n, Random rng)
    {
        var c = new Circuit(n);
        for (int q = 0; q < n; q++) c.Add(GateKind.U3, [q], rng.NextDouble() * 6, rng.NextDouble() * 6, rng.NextDouble() * 6);
        return c;
    }

    internal static Circuit RandomCircuit(int n, int depth, Random rng)
    {
        var c = RandomLayer(n, rng);
        var kinds = GateDefinition.All.Where(d => d.BuiltInControls + Math.Max(d.Targets, 1) <= n).ToArray();
        for (int i = 0; i < depth; i++)
        {
            var def = kinds[rng.Next(kinds.Length)];
            int width = def.Kind == GateKind.Unitary ? Math.Min(1 + rng.Next(3), n) : def.Targets;
            int free = n - def.BuiltInControls - width;
            int extra = free > 0 ? rng.Next(Math.Min(free, 2) + 1) : 0;
            int[] qubits = Shuffle(Enumerable.Range(0, n).ToArray(), rng).Take(def.BuiltInControls + width + extra).ToArray();
            c.Add(MakeGate(def, qubits, width, extra, rng));
        }
        return c;
    }

    private static Gate MakeGate(GateDefinition def, int[] qubits, int width, int extra, Random rng)
    {
        int main = qubits.Length - extra;
        int[] extraControls = qubits[main..];
        Gate gate = def.Kind switch
        {
            GateKind.Unitary => Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(width, rng)), qubits[..width]),
            GateKind.GeneralizedfSim => Gate.GeneralizedfSim(qubits[0], qubits[1], Analytic.Flatten(Analytic.RandomUnitary(1, rng)), rng.NextDouble() * 6),
            _ => Gate.Create(def.Kind, qubits[..main], Enumerable.Range(0, def.Parameters).Select(_ => (rng.NextDouble() * 2 - 1) * 7).ToArray()),
        };
        return extra > 0 ? gate.Controlled(extraControls) : gate;
    }

    private static int[] Shuffle(int[] a, Random rng)
    {
        rng.Shuffle(a);
        return a;
    }
}
