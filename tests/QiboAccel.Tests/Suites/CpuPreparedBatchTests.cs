using System.Diagnostics;
using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// libqibo_cpu.so keeps the prepared form of small circuits and applies it again when the same records arrive
/// (batch_cache). A circuit that differs from a kept one in anything (an angle, a qubit, a matrix value, a control)
/// must not be taken for it; a circuit run again must give the reference state again; a circuit whose last record is
/// invalid must fail every time; and the reuse must actually happen (the CLI says so under QIBO_CPU_VERBOSE). A
/// circuit is prepared the second time it arrives and reused from the third, so every sequence here repeats a
/// circuit at least three times.
/// </summary>
public sealed class CpuPreparedBatchTests : IDisposable
{
    private readonly BackendCache _backends = new(options => TestBackends.Load("backends", "cpu.json", options));

    public static TheoryData<string> Options() =>
    [
        "",
        "threads=1",
        "simd=128",
        "simd=scalar,threads=1",
        "fusion=off,blocking=off",
        "fusion_policy=always,fusion_qubits=3,threads=1",
        "block_qubits=4",
        "batch_cache=off",
    ];

    [Theory]
    [MemberData(nameof(Options))]
    public void CircuitsRunAgainEqualTheReference(string options)
    {
        IBackend backend = _backends[options];
        var rng = new Random(11);
        // More circuits than the cache keeps, each run three times in rotation: hits, misses and replaced entries.
        var circuits = new List<Circuit>();
        for (int i = 0; i < 11; i++) circuits.Add(RandomCircuits.Create(1 + i % 9, 12, rng));
        Complex[][] expected = [.. circuits.Select(c => ReferenceSimulator.Run(c))];
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < circuits.Count; i++)
            {
                foreach (Precision precision in new[] { Precision.Double, Precision.Single })
                {
                    Complex[] actual = backend.Execute(circuits[i], precision: precision, seed: 1).State!;
                    AssertClose(expected[i], actual, precision == Precision.Double ? 1e-10 : 1e-5, $"options '{options}', circuit {i}, round {round}, {precision}");
                }
            }
        }
    }

    /// <summary>Pairs of circuits with the same records but one: each must give its own state, in any order.</summary>
    [Theory]
    [MemberData(nameof(Options))]
    public void CircuitsDifferingInOneValueAreNotConfused(string options)
    {
        IBackend backend = _backends[options];
        var rng = new Random(5);
        Complex[] u = Analytic.Flatten(Analytic.RandomUnitary(2, rng)), v = (Complex[])u.Clone();
        for (int r = 0; r < 4; r++) v[4 * r + 1] *= Complex.FromPolarCoordinates(1, 1e-3); // U diag(1, e^{i/1000}, 1, 1): unitary too
        (string What, Func<Circuit> A, Func<Circuit> B)[] pairs =
        [
            ("an angle", () => Ladder(0.7, 1), () => Ladder(0.7 + 1e-9, 1)),
            ("a qubit", () => Ladder(0.7, 1), () => Ladder(0.7, 2)),
            ("a matrix value", () => WithUnitary(u), () => WithUnitary(v)),
            ("a control", () => Ladder(0.7, 1).Add(Gate.Create(GateKind.RX, [4], 0.4).Controlled(0)), () => Ladder(0.7, 1).Add(Gate.Create(GateKind.RX, [4], 0.4).Controlled(1))),
        ];
        foreach (var (what, makeA, makeB) in pairs)
        {
            Circuit a = makeA(), b = makeB();
            Complex[] expectedA = ReferenceSimulator.Run(a), expectedB = ReferenceSimulator.Run(b);
            Assert.True(Distance(expectedA, expectedB) > 1e-10, $"{what}: the pair must differ in its result for this test to mean anything");
            foreach (Circuit c in new[] { a, b, a, b, b, a })
            {
                Complex[] actual = backend.Execute(c, seed: 1).State!;
                AssertClose(c == a ? expectedA : expectedB, actual, 1e-12, $"options '{options}', circuits differing in {what}");
            }
        }
    }

    /// <summary>
    /// The same batch applied three times to one state applies the circuit three times (the first application runs it,
    /// the second prepares it, the third reuses the prepared form).
    /// </summary>
    [Fact]
    public void OneBatchThriceOnOneState()
    {
        IBackend backend = _backends["threads=1"];
        Circuit circuit = RandomCircuits.Create(6, 20, new Random(3));
        var thrice = new Circuit(6);
        for (int i = 0; i < 3; i++)
        {
            foreach (Operation op in circuit.Operations) thrice.Add(op);
        }
        var batch = new OpBatch(6);
        foreach (Operation op in circuit.Operations) Lowering.AddGate(batch, (Gate)op, backend.Info);
        using IQuantumState state = backend.CreateState(6);
        for (int i = 0; i < 3; i++) state.Apply(batch);
        var actual = new Complex[64];
        state.GetAmplitudes(0, actual);
        AssertClose(ReferenceSimulator.Run(thrice), actual, 1e-12, "one batch applied three times");
    }

    /// <summary>
    /// A batch whose last record is invalid applies its valid prefix and fails; applied again it must fail again (a
    /// kept prefix would make the second call succeed silently).
    /// </summary>
    [Fact]
    public void BatchWithAnInvalidRecordFailsEveryTime()
    {
        IBackend backend = _backends["threads=1"];
        var batch = new OpBatch(3);
        batch.Add(QiboAccel.Abi.QiboOpKind.H, [0], []);
        batch.Add(QiboAccel.Abi.QiboOpKind.H, [7], []); // qubit 7 of a 3-qubit state
        using IQuantumState state = backend.CreateState(3);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var e = Assert.Throws<BackendException>(() => state.Apply(batch));
            Assert.Contains("out of range", e.Message);
        }
        // The valid prefix ran each time: H three times on qubit 0 is H.
        var actual = new Complex[8];
        state.GetAmplitudes(0, actual);
        Assert.Equal(1 / Math.Sqrt(2), actual[0].Real, 12);
        Assert.Equal(1 / Math.Sqrt(2), actual[4].Real, 12);
    }

    /// <summary>The CLI's bench runs each circuit several times: the cpu backend says it reused the prepared batch, and not with batch_cache=off.</summary>
    [Fact]
    public void RepeatedExecutionReusesThePreparedBatch()
    {
        Assert.Contains("prepared batch reused", BenchStandardError("cpu:threads=1"));
        Assert.DoesNotContain("prepared batch reused", BenchStandardError("cpu:threads=1;batch_cache=off"));
    }

    private static string BenchStandardError(string backend)
    {
        ProcessStartInfo psi = CliProgram.StartInfo("bench", "--backends", backend, "--circuits", "qft", "--qubits", "6..6", "--repeat", "3");
        psi.Environment["QIBO_CPU_VERBOSE"] = "1";
        using Process process = Process.Start(psi)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "qiboaccel bench did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"qiboaccel bench failed ({process.ExitCode}): {error}\n{output.Result}");
        Assert.Contains("qibo_cpu plan:", error); // the verbose output arrives at all
        return error;
    }

    private static Circuit Ladder(double angle, int target)
    {
        var c = new Circuit(5);
        for (int q = 0; q < 5; q++) c.Add(GateKind.H, [q]);
        for (int q = 0; q < 5; q++)
        {
            if (q != target) c.Add(GateKind.CU1, [q, target], angle / (q + 1));
        }
        c.Add(GateKind.RY, [target], angle);
        return c;
    }

    private static Circuit WithUnitary(Complex[] matrix)
    {
        Circuit c = Ladder(0.3, 0);
        c.Add(Gate.Unitary(matrix, [1, 3]));
        return c;
    }

    private static double Distance(Complex[] a, Complex[] b)
    {
        double d = 0;
        for (int i = 0; i < a.Length; i++) d = Math.Max(d, (a[i] - b[i]).Magnitude);
        return d;
    }

    private static void AssertClose(Complex[] expected, Complex[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True((expected[i] - actual[i]).Magnitude <= tolerance, $"{what}: amplitude {i} is {actual[i]}, expected {expected[i]}");
        }
    }

    public void Dispose() => _backends.Dispose();
}
