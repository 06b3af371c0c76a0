using QiboAccel.Benchmarking;
using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// libqibo_cpu.so's gate fusion and cache blocking: every fused / blocked configuration must give the gate-by-gate
/// state (<c>fusion=off,blocking=off</c>) within 1e-12 (complex128) or 1e-5 (complex64), and the reference simulator's.
/// Small block sizes make blocking happen at 14-18 qubits: block_qubits=6 gathers blocks of 8-amplitude runs plus 3
/// qubits from anywhere above; 8 and 9 move the block boundaries; the default (15/16) blocks in place at 17-18 qubits.
/// l1_qubits sets the second level (contiguous sub-blocks inside a block): 0 turns it off, 3-8 move its boundary.
/// </summary>
public sealed class CpuFusionTests : IDisposable
{
    private const string GateByGate = "fusion=off,blocking=off";

    private readonly BackendCache _backends = new(options => TestBackends.Load("backends", "cpu.json", options));

    private IBackend Backend(string options) => _backends[options];

    public static TheoryData<string> Configurations() =>
    [
        "block_qubits=6",
        "block_qubits=6,fusion=off",
        "block_qubits=6,l1_qubits=0",
        "block_qubits=8,threads=1",
        "block_qubits=9",
        "block_qubits=9,l1_qubits=3,fusion=off",
        "block_qubits=10,l1_qubits=5,simd=128",
        "block_qubits=9,l1_qubits=8",
        "block_qubits=7,simd=128",
        "block_qubits=7,simd=scalar,threads=1",
        "blocking=off",
        "",
        "block_qubits=6,fusion_qubits=3,fusion_policy=always",
        "block_qubits=9,fusion_qubits=5,fusion_policy=always,simd=128",
        "blocking=off,fusion_qubits=4,fusion_policy=always",
        "block_qubits=8,fusion_qubits=2,fusion_policy=always,simd=scalar,threads=1",
        "fusion_qubits=6,fusion_policy=always",
        "fusion_qubits=4,fusion_policy=always,simd=256",
    ];

    private static double Tolerance(Precision precision) => precision == Precision.Double ? 1e-12 : 2e-5;

    private Complex[] Run(string options, Circuit circuit, Precision precision) =>
        Backend(options).Execute(circuit, precision: precision, seed: 1).State!;

    private static double MaxDifference(Complex[] a, Complex[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, (a[i] - b[i]).Magnitude);
        return max;
    }

    private void AssertSameAsGateByGate(string options, Circuit circuit, Precision precision)
    {
        Complex[] expected = Run(GateByGate, circuit, precision);
        Complex[] actual = Run(options, circuit, precision);
        double difference = MaxDifference(expected, actual);
        Assert.True(difference <= Tolerance(precision), $"options '{options}', {precision}: max |difference| {difference:g3}");
    }

    /// <summary>Gates on the lowest and highest qubits and across every block boundary, with and without controls.</summary>
    internal static Circuit EdgeCircuit(int n, Random rng)
    {
        Circuit c = RandomCircuits.Layer(n, rng);
        int[] positions = [0, 1, 2, n / 2 - 1, n / 2, n - 9, n - 8, n - 7, n - 6, n - 4, n - 3, n - 2, n - 1];
        foreach (int q in positions)
        {
            c.Add(GateKind.H, [q]);
            c.Add(GateKind.RX, [q], rng.NextDouble() * 6);
            c.Add(Gate.Create(GateKind.U3, [q], 0.3, 1.1, -0.7).Controlled((q + n / 2) % n));
            c.Add(GateKind.CNOT, [q, n - 1 - q == q ? (q + 1) % n : n - 1 - q]);
            c.Add(GateKind.CZ, [q, (q + 1) % n]);
            c.Add(GateKind.T, [q]);
        }
        c.Add(GateKind.SWAP, [0, n - 1]);
        c.Add(GateKind.fSim, [n - 1, 0], 0.4, 0.9);
        c.Add(Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(3, rng)), 0, n / 2, n - 1));
        c.Add(Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(2, rng)), n - 2, 1).Controlled(n - 1, 0));
        c.Add(GateKind.TOFFOLI, [n - 1, 0, n / 2]);
        c.Add(GateKind.RZZ, [0, n - 1], 0.77);
        for (int q = 0; q < n; q++) c.Add(GateKind.RY, [q], 0.1 * q + 0.2);
        return c;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void RandomCircuitsEqualGateByGate(string options)
    {
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            foreach ((int n, int seed) in new[] { (14, 11), (17, 12) })
            {
                var rng = new Random(seed);
                Circuit circuit = RandomCircuits.Create(n, 250, rng);
                AssertSameAsGateByGate(options, circuit, precision);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void EdgeQubitsEqualGateByGate(string options)
    {
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            foreach (int n in new[] { 14, 18 })
            {
                AssertSameAsGateByGate(options, EdgeCircuit(n, new Random(n)), precision);
            }
        }
    }

    [Theory]
    [InlineData("block_qubits=6")]
    [InlineData("block_qubits=9")]
    [InlineData("")]
    public void StructuredCircuitsEqualGateByGate(string options)
    {
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            AssertSameAsGateByGate(options, BenchmarkCircuits.HLayers(16, 10), precision);
            AssertSameAsGateByGate(options, BenchmarkCircuits.Variational(16, 5, seed: 3), precision);
            Circuit qft = RandomCircuits.Layer(17, new Random(4));
            foreach (Operation op in BenchmarkCircuits.Qft(17).Operations) qft.Add(op);
            AssertSameAsGateByGate(options, qft, precision);
        }
    }

    [Theory]
    [InlineData("block_qubits=6", Precision.Double)]
    [InlineData("block_qubits=8", Precision.Single)]
    [InlineData("", Precision.Double)]
    [InlineData("block_qubits=7,fusion_qubits=4,fusion_policy=always", Precision.Double)]
    [InlineData("fusion_qubits=5,fusion_policy=always", Precision.Single)]
    public void RandomCircuitsEqualReference(string options, Precision precision)
    {
        var rng = new Random(5);
        Circuit circuit = RandomCircuits.Create(13, 200, rng);
        Complex[] expected = ReferenceSimulator.Run(circuit);
        Complex[] actual = Run(options, circuit, precision);
        double difference = MaxDifference(expected, actual);
        Assert.True(difference <= (precision == Precision.Double ? 1e-10 : 1e-4), $"options '{options}': max |difference| {difference:g3}");
    }

    /// <summary>
    /// Diagonal 1-qubit gates (T, S, RZ, U1) wait across diagonal operations (CZ, CU1, RZZ) on their qubit to merge into
    /// the next 1-qubit gate there; a non-diagonal one must not, nor may anything cross a controlled non-diagonal gate.
    /// Circuits dense in exactly those patterns, against the reference simulator.
    /// </summary>
    [Theory]
    [InlineData("", Precision.Double)]
    [InlineData("", Precision.Single)]
    [InlineData("block_qubits=6,fusion_qubits=3,fusion_policy=always", Precision.Double)]
    [InlineData("blocking=off,fusion_qubits=1", Precision.Double)]
    public void DiagonalGatesWaitOnlyAcrossDiagonalOperations(string options, Precision precision)
    {
        const int n = 14;
        var rng = new Random(31);
        var circuit = new Circuit(n);
        for (int q = 0; q < n; q++) circuit.Add(GateKind.H, [q]);
        for (int i = 0; i < 400; i++)
        {
            // Few qubits, so that gates on one qubit follow each other closely.
            int q = rng.Next(4), r = (q + 1 + rng.Next(3)) % 4;
            if (rng.Next(2) == 0) (q, r) = (q + n - 4, r + n - 4);
            switch (rng.Next(11))
            {
                case 0: circuit.Add(GateKind.T, [q]); break;
                case 1: circuit.Add(GateKind.S, [q]); break;
                case 2: circuit.Add(GateKind.RZ, [q], rng.NextDouble() * 6); break;
                case 3: circuit.Add(GateKind.U1, [q], rng.NextDouble() * 6); break;
                case 4: circuit.Add(GateKind.CZ, [q, r]); break;
                case 5: circuit.Add(GateKind.CU1, [q, r], rng.NextDouble() * 6); break;
                case 6: circuit.Add(GateKind.RZZ, [q, r], rng.NextDouble() * 6); break;
                case 7: circuit.Add(GateKind.SX, [q]); break;
                case 8: circuit.Add(GateKind.U3, [q], rng.NextDouble(), rng.NextDouble() * 3, rng.NextDouble() * 3); break;
                case 9: circuit.Add(GateKind.CNOT, [q, r]); break;
                default: circuit.Add(GateKind.CRY, [q, r], rng.NextDouble() * 3); break;
            }
        }
        Complex[] expected = ReferenceSimulator.Run(circuit);
        Complex[] actual = Run(options, circuit, precision);
        double difference = MaxDifference(expected, actual);
        Assert.True(difference <= (precision == Precision.Double ? 1e-10 : 1e-4), $"options '{options}', {precision}: max |difference| {difference:g3}");
    }

    [Theory]
    [InlineData("block_qubits=6")]
    [InlineData("block_qubits=8,fusion=off")]
    public void MeasurementsAreBarriers(string options)
    {
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            var rng = new Random(9);
            Circuit circuit = RandomCircuits.Create(15, 80, rng);
            circuit.Measure(3, 14, 0);
            foreach (Operation op in RandomCircuits.Create(15, 80, rng).Operations) circuit.Add(op);
            circuit.Measure(7);
            circuit.Add(GateKind.H, [7]);
            Complex[] expected = Run(GateByGate, circuit, precision);
            Complex[] actual = Run(options, circuit, precision);
            Assert.True(MaxDifference(expected, actual) <= Tolerance(precision));
        }
    }

    [Theory]
    [InlineData("fusion=maybe")]
    [InlineData("blocking=2")]
    [InlineData("block_qubits=1")]
    [InlineData("block_qubits=31")]
    [InlineData("l1_qubits=-1")]
    [InlineData("fusion_qubits=0")]
    [InlineData("fusion_qubits=7")]
    [InlineData("fusion_policy=sometimes")]
    public void BadOptionsAreRejected(string options) =>
        Assert.ThrowsAny<Exception>(() => TestBackends.Load("backends", "cpu.json", options).Dispose());

    [Fact]
    public void GoodOptionsAreAccepted()
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json", "fusion=on,blocking=off,block_qubits=auto,l1_qubits=auto,fusion_qubits=1,fusion_policy=cost");
        Assert.Equal("cpu", backend.Info.Name);
    }

    public void Dispose()
    {
        _backends.Dispose();
    }

}
