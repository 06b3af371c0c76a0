using System.Diagnostics;
using System.Numerics;
using System.Text.RegularExpressions;
using QiboAccel.Benchmarking;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// libqibo_gpu.so's fused plan (OpenCL on PoCL): fused states equal the conformance kit's reference simulator (an
/// independent, deliberately simple dense simulator), with fusion on (default and with smaller groups) and off;
/// mid-circuit MEASURE decided on the device gives the CPU backend's outcomes; complex64 reductions are the double
/// sums of the stored floats (the ABI's rule); marginals above the window size (2^22 outcomes) are streamed and still exact.
/// </summary>
public sealed class GpuFusionTests : IDisposable
{
    private readonly BackendCache _backends = new(options => GpuTestBackend.Load(options));

    private IBackend Backend(string options) => _backends[options];

    // PoCL is a CPU device: its default prices fuse little beyond 1-qubit runs and diagonals; fusion_model=gpu makes
    // the plan a GPU gets (dense groups of up to 5 qubits), checked here on PoCL.
    public static TheoryData<string> Configurations() =>
        ["opencl:0", "opencl:0,fusion_model=gpu", "opencl:0,fusion_model=gpu,fusion_qubits=3", "opencl:0,fusion=off"];

    private static double Tolerance(Precision precision) => precision == Precision.Double ? 1e-10 : 2e-4;

    private static double MaxDifference(Complex[] a, Complex[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, (a[i] - b[i]).Magnitude);
        return max;
    }

    private void AssertEqualsReference(string options, Circuit circuit, Precision precision, string what)
    {
        Complex[] expected = ReferenceSimulator.Run(circuit);
        Complex[] actual = Backend(options).Execute(circuit, precision: precision, seed: 1).State!;
        double difference = MaxDifference(expected, actual);
        Assert.True(difference <= Tolerance(precision), $"{what}, options '{options}', {precision}: max |difference| from the reference {difference:g3}");
    }

    /// <summary>Gates on neighbouring qubits, so that groups of up to 5 qubits collect many of them.</summary>
    private static Circuit LocalCircuit(int n, int depth, Random rng)
    {
        Circuit c = RandomCircuits.Layer(n, rng);
        for (int i = 0; i < depth; i++)
        {
            int q = rng.Next(n - 2);
            switch (rng.Next(8))
            {
                case 0: c.Add(GateKind.H, [q]); break;
                case 1: c.Add(GateKind.RX, [q + 1], rng.NextDouble() * 6); break;
                case 2: c.Add(GateKind.CNOT, [q, q + 1]); break;
                case 3: c.Add(GateKind.CZ, [q + 2, q]); break;
                case 4: c.Add(GateKind.T, [q]); break;
                case 5: c.Add(GateKind.RZZ, [q, q + 2], rng.NextDouble()); break;
                case 6: c.Add(Gate.Create(GateKind.U3, [q + 1], 0.3, 1.1, rng.NextDouble()).Controlled(q)); break;
                default: c.Add(GateKind.fSim, [q + 1, q + 2], 0.4, rng.NextDouble()); break;
            }
        }
        return c;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void RandomCircuitsEqualTheReference(string options)
    {
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            foreach ((int n, int seed) in new[] { (9, 21), (12, 22) })
            {
                AssertEqualsReference(options, RandomCircuits.Create(n, 150, new Random(seed)), precision, $"random circuit n={n}");
                AssertEqualsReference(options, LocalCircuit(n, 200, new Random(seed)), precision, $"local circuit n={n}");
            }
            AssertEqualsReference(options, CpuFusionTests.EdgeCircuit(12, new Random(12)), precision, "edge circuit");
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void StructuredCircuitsEqualTheReference(string options)
    {
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            AssertEqualsReference(options, BenchmarkCircuits.HLayers(11, 6), precision, "hlayers");
            AssertEqualsReference(options, BenchmarkCircuits.Variational(11, 4, seed: 3), precision, "variational");
            Circuit qft = RandomCircuits.Layer(11, new Random(4));
            foreach (Operation op in BenchmarkCircuits.Qft(11).Operations) qft.Add(op);
            AssertEqualsReference(options, qft, precision, "qft");
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void MidCircuitMeasurementsGiveTheCpuBackendsOutcomes(string options)
    {
        using IBackend cpu = TestBackends.Load("backends", "cpu.json");
        foreach (int n in new[] { 2, 3, 5 })
        {
            var rng = new Random(30 + n);
            Circuit circuit = RandomCircuits.Create(n, 25, rng);
            circuit.Measure(0);
            foreach (Operation op in RandomCircuits.Create(n, 25, rng).Operations) circuit.Add(op);
            circuit.Measure([.. Enumerable.Range(0, n)]);
            foreach (Precision precision in new[] { Precision.Double, Precision.Single })
            {
                var expected = cpu.Execute(circuit, 300, seed: 9, precision: precision, returnState: false);
                var actual = Backend(options).Execute(circuit, 300, seed: 9, precision: precision, returnState: false);
                Assert.True(expected.Frequencies.OrderBy(p => p.Key).SequenceEqual(actual.Frequencies.OrderBy(p => p.Key)),
                    $"n={n}, {precision}, '{options}': cpu {string.Join(",", expected.Frequencies)} vs gpu {string.Join(",", actual.Frequencies)}");
            }
        }
    }

    [Fact]
    public void AMeasurementOnAZeroStateIsAnErrorNamingTheOp()
    {
        using IQuantumState state = Backend("opencl:0").CreateState(3);
        state.SetAmplitudes(0, new Complex[8]);
        var batch = new OpBatch(3);
        batch.Add(QiboAccel.Abi.QiboOpKind.H, [1], []);
        batch.Add(QiboAccel.Abi.QiboOpKind.Measure, [2], [], cbit: 0);
        var e = Assert.Throws<BackendException>(() => state.Apply(batch, [0.5], new byte[1]));
        Assert.Contains("op 1 (MEASURE)", e.Message);
        Assert.Contains("norm is 0", e.Message);
    }

    [Fact]
    public void Complex64MarginalsAreDoubleSumsOfTheStoredFloats()
    {
        // 2^22 float amplitudes of two magnitudes: a plain float sum of a thread's long run of equal terms drifts
        // systematically (every addition rounds the same way: ~4e-6 relative for this state, simulated in C with
        // PoCL's thread count), compensated float sums stay within ~1 float ulp (~1e-7); the ABI asks for double sums
        // of the widened floats, which agree with the reference's to double rounding.
        const int n = 22;
        var amplitudes = new Complex[1 << n];
        for (int i = 0; i < amplitudes.Length; i++) amplitudes[i] = new Complex(0.3f, 0.1f * (i & 1));
        using IQuantumState state = Backend("opencl:0").CreateState(n, Precision.Single);
        state.SetAmplitudes(0, amplitudes);
        var stored = new Complex[1 << n];
        state.GetAmplitudes(0, stored);
        foreach (int[] qubits in new[] { new[] { 5 }, new[] { 0, 21 }, new[] { 3, 1, 17 } })
        {
            double[] actual = state.Probabilities(qubits);
            // The reference sums with Neumaier's compensation: a plain double sum of 2^21 terms drifts by ~1e-10.
            double[] expected = new double[1 << qubits.Length], compensation = new double[1 << qubits.Length];
            for (int i = 0; i < stored.Length; i++)
            {
                int o = 0;
                foreach (int q in qubits) o = (o << 1) | ((i >> (n - 1 - q)) & 1);
                float re = (float)stored[i].Real, im = (float)stored[i].Imaginary;
                double x = (double)re * re + (double)im * im, t = expected[o] + x;
                compensation[o] += Math.Abs(expected[o]) >= Math.Abs(x) ? expected[o] - t + x : x - t + expected[o];
                expected[o] = t;
            }
            for (int o = 0; o < expected.Length; o++) expected[o] += compensation[o];
            for (int o = 0; o < expected.Length; o++)
            {
                double relative = Math.Abs(actual[o] - expected[o]) / expected[o];
                Assert.True(relative < 1e-13, $"qubits [{string.Join(",", qubits)}] outcome {o}: {actual[o]} vs {expected[o]} (relative {relative:g3})");
            }
        }
    }

    [Fact]
    public void MarginalsAndSamplingAboveTheWindowAreStreamedExactly()
    {
        // 23 qubits, marginal over all of them: 2^23 outcomes, two windows of 2^22.
        const int n = 23;
        Circuit circuit = RandomCircuits.Layer(n, new Random(3));
        circuit.Add(GateKind.CNOT, [0, n - 1]).Add(GateKind.H, [n - 2]).Add(GateKind.CZ, [1, n - 3]);
        using IQuantumState state = Backend("opencl:0").CreateState(n, Precision.Single);
        state.Apply(Lower(circuit, Backend("opencl:0")));
        var stored = new Complex[1 << n];
        state.GetAmplitudes(0, stored);
        int[] reversed = [.. Enumerable.Range(0, n).Reverse()];
        double[] p = state.Probabilities(reversed);
        double[] exact = new double[1 << n];
        for (int i = 0; i < stored.Length; i++)
        {
            float re = (float)stored[i].Real, im = (float)stored[i].Imaginary;
            int listed = ReverseBits(i, n);
            exact[listed] = (double)re * re + (double)im * im;
        }
        // One amplitude per outcome: the widened float squares, summed in double, are the reference's to the last bit or two.
        for (int o = 0; o < exact.Length; o++) Assert.True(Math.Abs(p[o] - exact[o]) <= 1e-15 * exact[o], $"outcome {o}: {p[o]} vs {exact[o]}");
        // Sampling with the header's rule over the marginal the backend reported (p): the streamed sweep must pick the same outcomes.
        double[] randoms = [.. Enumerable.Range(0, 200).Select(i => (i * 0.618034) % 1.0), Math.BitDecrement(1.0)];
        var outcomes = new ulong[randoms.Length];
        state.Sample(reversed, randoms, outcomes);
        double[] cumulative = new double[exact.Length];
        double c = 0;
        for (int i = 0; i < p.Length; i++) cumulative[i] = c += p[i];
        for (int s = 0; s < randoms.Length; s++)
        {
            double x = randoms[s] * c;
            int expected = Array.FindIndex(cumulative, v => x < v);
            if (expected < 0) expected = Array.FindIndex(cumulative, v => c <= v);
            Assert.Equal((ulong)expected, outcomes[s]);
        }
    }

    private static int ReverseBits(int i, int n)
    {
        int r = 0;
        for (int b = 0; b < n; b++) r |= ((i >> b) & 1) << (n - 1 - b);
        return r;
    }

    private static OpBatch Lower(Circuit circuit, IBackend backend)
    {
        var batch = new OpBatch(circuit.NQubits);
        foreach (Operation op in circuit.Operations) Lowering.AddGate(batch, (Gate)op, backend.Info);
        return batch;
    }

    [Fact]
    public void FusionMakesFewerLaunches()
    {
        // QIBO_GPU_VERBOSE=1 prints the plan: QASMBench's dnn_n16 (layers of rotations and CNOT chains) fuses.
        string qasm = RepoPaths.Combine("examples", "qasmbench", "dnn_n16.qasm");
        {
            int Launches(string options, out int ops)
            {
                ProcessStartInfo psi = CliProgram.StartInfo();
                foreach (string a in new[] { "run", qasm, "--backend", RepoPaths.Combine("build", "backends", "gpu.json") + "?" + options }) psi.ArgumentList.Add(a);
                psi.Environment["QIBO_GPU_VERBOSE"] = "1";
                using Process p = Process.Start(psi)!;
                Task<string> stdout = p.StandardOutput.ReadToEndAsync();
                string stderr = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, stderr + stdout.Result);
                Match m = Regex.Match(stderr, @"qibo_gpu plan: (\d+) ops .* -> (\d+) launches");
                Assert.True(m.Success, "no plan line in: " + stderr);
                ops = int.Parse(m.Groups[1].Value);
                return int.Parse(m.Groups[2].Value);
            }
            int fused = Launches("opencl:0", out int ops), plain = Launches("opencl:0,fusion=off", out int ops2);
            int gpuModel = Launches("opencl:0,fusion_model=gpu", out _);
            Assert.Equal(ops, ops2);
            Assert.True(gpuModel <= fused, $"fusion_model=gpu: {gpuModel} launches, the CPU device's model {fused}");
            Assert.True(plain >= ops * 9 / 10, $"fusion=off: {plain} launches for {ops} ops");
            Assert.True(fused * 2 <= plain, $"fusion on: {fused} launches, off: {plain} (expected at least 2x fewer)");
        }
    }

    public void Dispose()
    {
        _backends.Dispose();
    }
}
