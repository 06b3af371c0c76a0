using QiboAccel.Circuits;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Conformance.Cases;

/// <summary>Gate application against the reference simulator: every kind, every position, controls, both precisions.</summary>
internal static class GateCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return new("bit-order", "X on qubit 0 of n qubits sets index 2^(n-1); on qubit n-1, index 1", BitOrder);
        foreach (var p in new[] { Precision.Double, Precision.Single })
        {
            string s = p.Name();
            yield return ConformanceCase.Group($"every-gate-{s}", $"each gate kind × random positions × 0–2 extra controls, from a random state, equals the reference ({s})",
                ReferenceGates.All.Select(g => (g.Kind.ToString(), (Action<ConformanceContext>)(c => EveryGate(c, g, p)))));
            yield return new($"edge-qubits-{s}", $"targets and controls on the lowest and highest qubits, 1–12 qubits ({s})", c => EdgeQubits(c, p));
            yield return new($"random-circuits-{s}", $"random circuits of 2–16 qubits over the whole gate set equal the reference ({s})", c => Random(c, p));
        }
        yield return new("dense-unitaries", "Unitary on 1–4 targets (within max_matrix_targets) with controls equals the reference", DenseUnitaries);
    }

    private static void BitOrder(ConformanceContext c)
    {
        for (int n = 1; n <= 5; n++)
        {
            var first = c.Backend.Execute(new Circuit(n).Add(GateKind.X, [0]), seed: 1).State!;
            Check.Close(1.0, first[1 << (n - 1)].Real, 1e-6, $"X on qubit 0 of {n}: amplitude {1 << (n - 1)}");
            var last = c.Backend.Execute(new Circuit(n).Add(GateKind.X, [n - 1]), seed: 1).State!;
            Check.Close(1.0, last[1].Real, 1e-6, $"X on qubit {n - 1} of {n}: amplitude 1");
        }
    }

    private static void EveryGate(ConformanceContext c, ReferenceGate kind, Precision precision)
    {
        c.Require(precision);
        const int n = 5;
        var rng = new Random(17 + (int)kind.Kind);
        int width = kind.Kind == GateKind.Unitary ? 2 : kind.Targets;
        for (int extra = 0; extra <= 2; extra++)
        {
            for (int trial = 0; trial < 4; trial++)
            {
                int[] qubits = RandomCircuits.Shuffled(n, rng).Take(kind.Controls + width + extra).ToArray();
                ReferenceComparison.GateMatchesReference(c, n, RandomCircuits.Gate(kind, qubits, width, extra, rng), precision, rng);
            }
        }
    }

    private static void EdgeQubits(ConformanceContext c, Precision precision)
    {
        c.Require(precision);
        var rng = new Random(3);
        foreach (int n in new[] { 1, 2, 3, 8, 12 })
        {
            var circuit = RandomCircuits.Layer(n, rng);
            for (int q = 0; q < n; q++)
            {
                circuit.Add(GateKind.U3, [q], rng.NextDouble() * 6, rng.NextDouble() * 6, rng.NextDouble() * 6);
                circuit.Add(GateKind.RZ, [n - 1 - q], rng.NextDouble() * 6);
                if (n == 1) continue;
                circuit.Add(GateKind.CNOT, [q, (q + 1) % n]);
                circuit.Add(GateKind.fSim, [(q + n - 1) % n, q], rng.NextDouble(), rng.NextDouble());
                circuit.Add(Gate.Create(GateKind.SX, [q]).Controlled((q + 1) % n));
                circuit.Add(GateKind.SWAP, [0, n - 1]);
            }
            MatchesReference(c, circuit, precision);
        }
    }

    private static void Random(ConformanceContext c, Precision precision)
    {
        c.Require(precision);
        var rng = new Random(2024);
        // 16 qubits reaches the multi-threaded, chunked paths of backends that split large states.
        foreach (int n in new[] { 2, 3, 4, 6, 9, 13, 16 })
        {
            MatchesReference(c, RandomCircuits.Create(n, Math.Min(8 * n, 60), rng), precision);
        }
    }

    private static void DenseUnitaries(ConformanceContext c)
    {
        const int n = 6;
        int max = c.Backend.Info.MaxMatrixTargets;
        for (int k = 1; k <= 4 && (max == 0 || k <= max); k++)
        {
            var rng = new Random(100 + k);
            for (int trial = 0; trial < 4; trial++)
            {
                var circuit = RandomCircuits.Layer(n, rng);
                int[] qubits = RandomCircuits.Shuffled(n, rng);
                circuit.Add(Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(k, rng)), qubits[..k]).Controlled(qubits[k..(k + trial % 3)]));
                MatchesReference(c, circuit, Precision.Double);
            }
        }
    }

    private static void MatchesReference(ConformanceContext c, Circuit circuit, Precision precision) =>
        ReferenceComparison.MatchesReference(c, circuit, precision);
}
