using QiboAccel.Benchmarking;
using QiboAccel.Circuits;
using QiboAccel.Gates;

namespace QiboAccel.Perf;

/// <summary>The circuits of the small-circuit measurements (<see cref="SmallCircuitBenchmark"/>, <see cref="SmallCircuitLoop"/>).</summary>
internal static class SmallCircuits
{
    /// <summary>Qubits of the small-circuit measurements (issue #16: a 10-qubit QFT).</summary>
    public const int Qubits = 10;

    /// <summary>
    /// QFT(10) followed by RZ(k / 1000) on qubit 0, for k = 1..<paramref name="count"/>: circuits the backend has not
    /// seen before when cycled through (more of them than the cpu backend keeps prepared), so each call pays for
    /// decoding, fusion and job setup as a circuit run once does.
    /// </summary>
    public static Circuit[] Variants(int count)
    {
        var variants = new Circuit[count];
        for (int k = 0; k < count; k++)
        {
            Circuit c = BenchmarkCircuits.Qft(Qubits);
            c.Add(GateKind.RZ, [0], (k + 1) / 1000.0);
            variants[k] = c;
        }
        return variants;
    }
}
