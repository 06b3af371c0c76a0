using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Observables;

/// <summary>An expectation value estimated from shots, with its standard error.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="StandardError">Its standard error (from the sample variance of each measurement setting).</param>
/// <param name="Settings">How many measurement settings (circuits) were run.</param>
public sealed record ExpectationEstimate(double Value, double StandardError, int Settings);

/// <summary>
/// Estimates ⟨O⟩ from measurement shots, as hardware would: the terms are grouped into qubit-wise commuting
/// sets; for each set the circuit runs with its measurements replaced by a rotation of every qubit to the
/// term's basis (X: H; Y: S† then H) and a Z measurement, and each term is the average of (−1)^parity.
/// </summary>
public static class ShotEstimator
{
    /// <summary>
    /// Estimates the expectation of <paramref name="observable"/> in the state <paramref name="circuit"/> prepares,
    /// with <paramref name="shots"/> shots per measurement setting. The circuit's measurements must be final (they are
    /// dropped); <paramref name="noise"/> and <paramref name="densityMatrix"/> are as in <see cref="Executor.Execute"/>.
    /// Setting g uses seed <paramref name="seed"/> + g, so a seed makes the estimate reproducible.
    /// </summary>
    public static ExpectationEstimate Estimate(this Observable observable, IBackend backend, Circuit circuit, int shots, ulong? seed = null,
        bool densityMatrix = false, Noise.NoiseModel? noise = null, Precision precision = Precision.Double)
    {
        ArgumentNullException.ThrowIfNull(observable);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(circuit);
        if (shots < 1) throw new ArgumentOutOfRangeException(nameof(shots), shots, "estimating from shots needs at least one shot");
        if (observable.MaxQubit >= circuit.NQubits)
        {
            throw new ArgumentException($"observable '{observable.Text}' uses qubit {observable.MaxQubit}, but the circuit has {circuit.NQubits} qubit(s)");
        }
        Circuit prepared = WithoutFinalMeasurements(noise is null ? circuit : noise.Apply(circuit));

        double value = 0, variance = 0;
        var groups = Group(observable.Terms, out double constant);
        value += constant;
        ulong baseSeed = seed ?? HostRandom.NewSeed();
        for (int g = 0; g < groups.Count; g++)
        {
            var (basis, terms) = groups[g];
            var run = Copy(prepared);
            int[] qubits = [.. basis.Keys.Order()];
            foreach (int q in qubits)
            {
                if (basis[q] == 'X') run.Add(GateKind.H, [q]);
                if (basis[q] == 'Y') run.Add(GateKind.SDG, [q]).Add(GateKind.H, [q]);
            }
            run.Measure(qubits);
            ExecutionResult r = backend.Execute(run, shots, baseSeed + (ulong)g, precision, returnState: false, densityMatrix: densityMatrix);
            var position = new Dictionary<int, int>();
            for (int i = 0; i < r.SampledQubits.Count; i++) position[r.SampledQubits[i]] = i;
            double sum = 0, sumSquares = 0;
            foreach (var (bits, count) in r.Frequencies)
            {
                double x = 0;
                foreach (PauliTerm t in terms)
                {
                    int parity = 0;
                    foreach (PauliFactor f in t.Factors) parity ^= bits[position[f.Qubit]] == '1' ? 1 : 0;
                    x += t.Coefficient * (parity == 0 ? 1 : -1);
                }
                sum += x * count;
                sumSquares += x * x * count;
            }
            double mean = sum / shots;
            value += mean;
            if (shots > 1) variance += Math.Max(0, (sumSquares / shots - mean * mean) * shots / (shots - 1)) / shots;
        }
        return new ExpectationEstimate(value, Math.Sqrt(variance), groups.Count);
    }

    private static List<(Dictionary<int, char> Basis, List<PauliTerm> Terms)> Group(IReadOnlyList<PauliTerm> terms, out double constant)
    {
        constant = 0;
        var groups = new List<(Dictionary<int, char>, List<PauliTerm>)>();
        foreach (PauliTerm term in terms)
        {
            if (term.Factors.Count == 0)
            {
                constant += term.Coefficient;
                continue;
            }
            var group = groups.FirstOrDefault(g => term.Factors.All(f => !g.Item1.TryGetValue(f.Qubit, out char p) || p == f.Pauli));
            if (group.Item1 is null)
            {
                group = (new Dictionary<int, char>(), new List<PauliTerm>());
                groups.Add(group);
            }
            foreach (PauliFactor f in term.Factors) group.Item1[f.Qubit] = f.Pauli;
            group.Item2.Add(term);
        }
        return groups;
    }

    private static Circuit WithoutFinalMeasurements(Circuit circuit)
    {
        var measured = new HashSet<int>();
        var result = new Circuit(circuit.NQubits);
        foreach (Operation op in circuit.Operations)
        {
            switch (op)
            {
                case Measurement m:
                    measured.Add(m.Qubit);
                    break;
                case Conditional or Reset:
                    throw new ArgumentException("estimating an expectation from shots needs a circuit without reset or if");
                default:
                    if (op.Qubits.Any(measured.Contains))
                    {
                        throw new ArgumentException($"estimating an expectation from shots needs final measurements; {op} acts on a measured qubit");
                    }
                    result.Add(op);
                    break;
            }
        }
        return result;
    }

    private static Circuit Copy(Circuit circuit)
    {
        var copy = new Circuit(circuit.NQubits);
        foreach (Operation op in circuit.Operations) copy.Add(op);
        return copy;
    }
}
