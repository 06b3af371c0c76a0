using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// libqibo_cpu.so never leaves a denormal number in a state it computed (arithmetic on denormals takes a microcode
/// assist of about 100 cycles per element; the backend runs its kernels with flush-to-zero and denormals-are-zero on).
/// The initial state holds denormal amplitudes (in the state's own precision) in the half where qubit 0 is 1; every
/// gate of the circuit does arithmetic on every amplitude, so that half must come out exactly zero, and the other half
/// must equal the reference simulator's state. Every vector width, with and without blocking and threads.
/// </summary>
public sealed class CpuDenormalTests : IDisposable
{
    private readonly BackendCache _backends = new(options => TestBackends.Load("backends", "cpu.json", options));

    public static TheoryData<string> Options() =>
    [
        "",
        "threads=1",
        "simd=256",
        "simd=128",
        "simd=scalar,threads=1",
        "blocking=off",
        "fusion=off,blocking=off",
        "block_qubits=8,l1_qubits=4",
    ];

    [Theory]
    [MemberData(nameof(Options))]
    public void DenormalAmplitudesComeOutZero(string options)
    {
        const int n = 15;
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            // Below the smallest normal number of the precision (1.2e-38 float, 2.2e-308 double), far above zero.
            double tiny = precision == Precision.Single ? 3e-40 : 3e-310;
            var initial = new Complex[1 << n];
            initial[0] = 1;
            var rng = new Random(7);
            for (int i = 1 << (n - 1); i < initial.Length; i += 97) initial[i] = new Complex(tiny * rng.NextDouble(), -tiny * rng.NextDouble());

            var circuit = new Circuit(n);
            circuit.Add(GateKind.RY, [n - 1], 0.3);          // lane bit, real matrix
            circuit.Add(GateKind.U3, [1], 0.4, 1.2, -0.5);    // high bit, complex matrix
            circuit.Add(GateKind.T, [0]);                     // diagonal on qubit 0
            circuit.Add(GateKind.SX, [n / 2]);
            circuit.Add(GateKind.CZ, [2, n - 2]);
            circuit.Add(GateKind.H, [n - 3]);

            Complex[] actual = _backends[options].Execute(circuit, precision: precision, seed: 1, initialState: initial).State!;
            Complex[] expected = ReferenceSimulator.Run(circuit);
            int half = 1 << (n - 1);
            for (int i = half; i < actual.Length; i++)
            {
                Assert.True(actual[i] == Complex.Zero, $"options '{options}', {precision}: amplitude {i} is {actual[i]}, a denormal left in the state");
            }
            double tolerance = precision == Precision.Double ? 1e-12 : 1e-6;
            for (int i = 0; i < half; i++)
            {
                Assert.True((actual[i] - expected[i]).Magnitude <= tolerance, $"options '{options}', {precision}: amplitude {i} is {actual[i]}, expected {expected[i]}");
            }
        }
    }

    public void Dispose() => _backends.Dispose();
}
