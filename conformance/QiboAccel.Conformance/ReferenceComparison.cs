using System.Globalization;
using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Conformance;

/// <summary>
/// Comparisons of backend states with the reference simulator whose failures point at the gate that is wrong: a
/// mismatch in a whole circuit runs each of its distinct gates alone, from a random state, and names those that
/// differ (a wrong U3 fails with "U3 … differs", not with an amplitude of a 60-gate circuit).
/// </summary>
public static class ReferenceComparison
{
    /// <summary>"CRY(θ = 1.2) on targets [1], controls [3, 4]", the qubits' roles counted by the reference.</summary>
    public static string Describe(Gate gate)
    {
        ReferenceGate entry = ReferenceGates.Of(gate.Kind);
        int[] qubits = [.. gate.Qubits];
        int targets = entry.Targets > 0 ? entry.Targets : BitOperations.Log2((uint)Math.Sqrt(gate.UserMatrix.Length));
        targets = Math.Min(targets, qubits.Length);
        string parameters = gate.Parameters.Count == 0 ? ""
            : "(" + string.Join(", ", gate.Parameters.Select(p => p.ToString("G6", CultureInfo.InvariantCulture))) + ")";
        return $"{gate.Kind}{parameters} on targets [{string.Join(", ", qubits[^targets..])}], controls [{string.Join(", ", qubits[..^targets])}]";
    }

    /// <summary>Runs <paramref name="circuit"/> (gates only) on the backend and requires the reference's final state.</summary>
    public static void MatchesReference(ConformanceContext c, Circuit circuit, Precision precision)
    {
        Complex[] expected = ReferenceSimulator.Run(circuit);
        Complex[] actual = c.Backend.Execute(circuit, precision: precision, seed: 1).State!;
        Require(c, circuit, expected, actual, precision, $"a circuit of {circuit.NQubits} qubits and {circuit.Operations.Count} gates");
    }

    /// <summary>
    /// Requires <paramref name="actual"/> to equal <paramref name="expected"/> within the precision's tolerance; on a
    /// mismatch the failure names the gates of <paramref name="circuit"/> that are wrong on their own.
    /// </summary>
    public static void Require(ConformanceContext c, Circuit circuit, ReadOnlySpan<Complex> expected, ReadOnlySpan<Complex> actual,
        Precision precision, string what)
    {
        int bad = FirstDifference(expected, actual, ConformanceContext.Tolerance(precision));
        if (bad < 0) return;
        string whole = $"{what}: amplitude {bad} is {actual[bad]}, the reference gives {expected[bad]}";
        throw new ConformanceFailure($"{Diagnose(c, circuit, precision)} ({whole})");
    }

    /// <summary>Runs one gate from a random state and requires the reference's result; the failure names the gate.</summary>
    public static void GateMatchesReference(ConformanceContext c, int nQubits, Gate gate, Precision precision, Random rng)
    {
        string? wrong = RunAlone(c, nQubits, gate, precision, rng);
        if (wrong is not null) throw new ConformanceFailure(wrong);
    }

    /// <summary>
    /// Each distinct gate of <paramref name="circuit"/> (kind and number of qubits) run alone from a random state:
    /// which differ from the reference. When none does, the combination is at fault.
    /// </summary>
    public static string Diagnose(ConformanceContext c, Circuit circuit, Precision precision)
    {
        var rng = new Random(99);
        var wrong = new List<string>();
        foreach (Gate gate in circuit.Operations.OfType<Gate>().DistinctBy(g => (g.Kind, g.Qubits.Count)))
        {
            if (RunAlone(c, circuit.NQubits, gate, precision, rng) is { } failure) wrong.Add(failure);
        }
        return wrong.Count == 0
            ? "every gate of the circuit, run alone from a random state, equals the reference, so their combination is wrong (order, fusion, blocking, state size)"
            : $"run alone from a random state, {wrong.Count} gate(s) differ from the reference: {string.Join(" | ", wrong)}";
    }

    /// <summary>Null when <paramref name="gate"/> applied alone to a random state equals the reference; else why not.</summary>
    private static string? RunAlone(ConformanceContext c, int nQubits, Gate gate, Precision precision, Random rng)
    {
        Complex[] start = RandomCircuits.State(nQubits, rng);
        var reference = new ReferenceSimulator(nQubits);
        start.CopyTo(reference.State, 0);
        reference.Apply(gate);
        Complex[] actual;
        try
        {
            actual = c.Backend.Execute(new Circuit(nQubits).Add(gate), precision: precision, seed: 1, initialState: start).State!;
        }
        catch (BackendException e)
        {
            return $"{Describe(gate)} fails: {e.Message}";
        }
        int bad = FirstDifference(reference.State, actual, ConformanceContext.Tolerance(precision));
        return bad < 0 ? null : $"{Describe(gate)}: amplitude {bad} is {actual[bad]}, the reference gives {reference.State[bad]}";
    }

    /// <summary>Index of the first amplitude further than <paramref name="tolerance"/> from the expected one, or -1.</summary>
    public static int FirstDifference(ReadOnlySpan<Complex> expected, ReadOnlySpan<Complex> actual, double tolerance)
    {
        if (expected.Length != actual.Length) throw new ConformanceFailure($"the state has {actual.Length} amplitudes, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            if (!((expected[i] - actual[i]).Magnitude <= tolerance)) return i;
        }
        return -1;
    }
}
