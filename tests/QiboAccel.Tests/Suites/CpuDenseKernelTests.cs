using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// libqibo_cpu.so's dense k-qubit kernel where targets or controls are lane bits (the lowest amplitude bits, which
/// live inside one SIMD vector: qubits n-1, n-2, n-3): random unitaries on 2-5 targets mixing lane and high
/// qubits, with controls on lane and high qubits (and, for the register-resident 4x4 and 8x8 bodies, on high qubits
/// only), at every vector width, each checked against the reference
/// simulator. Gate by gate (no fusion, no blocking) so each MATRIX reaches the kernel as it is, then the same with
/// blocking (the kernel then runs on renumbered blocks).
/// </summary>
public sealed class CpuDenseKernelTests : IDisposable
{
    private readonly BackendCache _backends = new(options => TestBackends.Load("backends", "cpu.json", options));

    private IBackend Backend(string options) => _backends[options];

    public static TheoryData<string> Widths() =>
    [
        "fusion=off,blocking=off",
        "fusion=off,blocking=off,simd=256",
        "fusion=off,blocking=off,simd=128",
        "fusion=off,blocking=off,simd=scalar",
        "fusion=off,block_qubits=6",
        "fusion=off,block_qubits=6,simd=256",
    ];

    /// <summary>Target and control sets that put 1-3 targets and 0-2 controls among the three lowest bits.</summary>
    private static IEnumerable<(int[] Targets, int[] Controls)> Placements(int n)
    {
        int low0 = n - 1, low1 = n - 2, low2 = n - 3;
        yield return ([low0, 3], []);
        yield return ([2, low1], []);
        yield return ([low2, low0], []);
        yield return ([low0, low1, low2], []);
        yield return ([low1, 0, low0], []);
        yield return ([4, low2, 1, low0], []);
        yield return ([low0, 5, low1, 2, low2], []);
        yield return ([low0, 3], [low1]);
        yield return ([1, low2], [low0, 0]);
        yield return ([low1, low2, 6], [low0]);
        yield return ([7, 2], [low0, low2]);
        yield return ([low0, low1], [low2, 4]);
        // All targets above the lanes: the register-resident 4x4 and 8x8 bodies, and the general body for 16x16.
        yield return ([3, 7], []);
        yield return ([8, 0], [5]);
        yield return ([0, 5, 2], []);
        yield return ([6, 1, 4], [low1]);
        yield return ([2, 8, 5, 0], []);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void LaneTargetsAndControlsEqualReference(string options)
    {
        const int n = 12;
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            var rng = new Random(21);
            Circuit circuit = RandomCircuits.Layer(n, rng);
            foreach (var (targets, controls) in Placements(n))
            {
                Gate gate = Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(targets.Length, rng)), targets);
                circuit.Add(controls.Length == 0 ? gate : gate.Controlled(controls));
                circuit.Add(GateKind.RY, [rng.Next(n)], rng.NextDouble() * 3);
            }
            Complex[] expected = ReferenceSimulator.Run(circuit);
            Complex[] actual = Backend(options).Execute(circuit, precision: precision, seed: 1).State!;
            double worst = 0;
            for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, (expected[i] - actual[i]).Magnitude);
            Assert.True(worst <= (precision == Precision.Double ? 1e-12 : 2e-5), $"options '{options}', {precision}: max |difference| {worst:g3}");
        }
    }

    /// <summary>
    /// States with fewer amplitudes than the widest vector holds (2 and 3 qubits: an AVX-512 complex64 vector holds 8):
    /// the kernel must pick a vector that fits. Before this test the dense kernel could choose a wider one and walk
    /// 2^62 units past the state.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void StatesSmallerThanAVectorEqualReference(string options)
    {
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            foreach (int n in new[] { 2, 3 })
            {
                var rng = new Random(30 + n);
                Circuit circuit = RandomCircuits.Layer(n, rng);
                circuit.Add(Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(2, rng)), 1, 0));
                circuit.Add(Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(n, rng)), [.. Enumerable.Range(0, n).Reverse()]));
                if (n == 3) circuit.Add(Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(2, rng)), 2, 0).Controlled(1));
                Complex[] expected = ReferenceSimulator.Run(circuit);
                Complex[] actual = Backend(options).Execute(circuit, precision: precision, seed: 1).State!;
                double worst = 0;
                for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, (expected[i] - actual[i]).Magnitude);
                Assert.True(worst <= (precision == Precision.Double ? 1e-12 : 2e-5), $"options '{options}', {precision}, {n} qubits: max |difference| {worst:g3}");
            }
        }
    }

    public void Dispose()
    {
        _backends.Dispose();
    }
}
