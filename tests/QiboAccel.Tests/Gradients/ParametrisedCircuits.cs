using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance.Reference;
using QiboAccel.Gates;
using QiboAccel.Observables;
using QiboAccel.Parameters;

namespace QiboAccel.Tests.Gradients;

/// <summary>
/// Random parametrised circuits over every parametrised gate kind (with built-in and extra controls, parameters shared
/// between gates, affine angles) and an independent way to evaluate ⟨O⟩: the reference simulator for the state and
/// dense Kronecker products of Pauli matrices for O.
/// </summary>
internal static class ParametrisedCircuits
{
    public static readonly GateKind[] Kinds =
    [
        GateKind.RX, GateKind.RY, GateKind.RZ, GateKind.U1, GateKind.U2, GateKind.U3,
        GateKind.CRX, GateKind.CRY, GateKind.CRZ, GateKind.CU1, GateKind.CU2, GateKind.CU3,
        GateKind.fSim, GateKind.RXX, GateKind.RYY, GateKind.RZZ, GateKind.GeneralizedfSim,
    ];

    private static readonly GateKind[] Fixed = [GateKind.H, GateKind.CNOT, GateKind.SX, GateKind.T, GateKind.iSWAP, GateKind.CZ];

    /// <summary>A circuit of <paramref name="n"/> qubits using every kind in <paramref name="kinds"/> at least once.</summary>
    public static Circuit Random(int n, int nParameters, Random rng, IReadOnlyList<GateKind>? kinds = null, bool extraControls = true)
    {
        var circuit = new Circuit(n);
        var parameters = Enumerable.Range(0, nParameters).Select(i => circuit.AddParameter($"t{i}")).ToArray();
        foreach (GateKind kind in (kinds ?? Kinds).OrderBy(_ => rng.Next()))
        {
            circuit.Add(RandomFixed(n, rng));
            GateDefinition def = GateDefinition.Of(kind);
            int[] qubits = Shuffle(n, rng).Take(def.BuiltInControls + def.Targets + (extraControls && rng.Next(3) == 0 ? 1 : 0)).ToArray();
            int own = def.BuiltInControls + def.Targets;
            Angle[] angles = [.. Enumerable.Range(0, def.Parameters).Select(_ => RandomAngle(parameters, rng))];
            Gate gate = kind == GateKind.GeneralizedfSim
                ? Gate.GeneralizedfSim(qubits[0], qubits[1], Analytic.Flatten(Analytic.RandomUnitary(1, rng)), angles[0])
                : Gate.Parametrized(kind, qubits[..own], angles);
            if (qubits.Length > own) gate = gate.Controlled(qubits[own..]);
            circuit.Add(gate);
        }
        circuit.Add(RandomFixed(n, rng));
        return circuit;
    }

    /// <summary>A random real sum of Pauli strings on <paramref name="n"/> qubits.</summary>
    public static Observable RandomObservable(int n, Random rng, int terms = 4)
    {
        var parts = new List<string>();
        for (int t = 0; t < terms; t++)
        {
            var factors = Shuffle(n, rng).Take(1 + rng.Next(n)).Select(q => "XYZ"[rng.Next(3)] + q.ToString());
            parts.Add($"{(rng.NextDouble() * 2 - 1).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}*{string.Join("*", factors)}");
        }
        return Observable.Parse(string.Join(" + ", parts).Replace("+ -", "- "));
    }

    public static double[] RandomValues(int count, Random rng) => [.. Enumerable.Range(0, count).Select(_ => rng.NextDouble() * 6 - 3)];

    /// <summary>⟨ψ|O|ψ⟩ with ψ from the reference simulator and O as a dense matrix of Kronecker products.</summary>
    public static double ReferenceExpectation(Circuit circuit, IReadOnlyList<double> values, Observable observable)
    {
        Complex[] psi = ReferenceSimulator.Run(circuit.Bind(values));
        int n = circuit.NQubits, dim = 1 << n;
        Complex total = 0;
        foreach (PauliTerm term in observable.Terms)
        {
            Complex[,] m = { { 1 } };
            for (int q = 0; q < n; q++)
            {
                char p = term.Factors.FirstOrDefault(f => f.Qubit == q).Pauli;
                m = Analytic.Kron(m, p switch { 'X' => Analytic.PauliX, 'Y' => Analytic.PauliY, 'Z' => Analytic.PauliZ, _ => Analytic.Id });
            }
            for (int r = 0; r < dim; r++)
            {
                for (int c = 0; c < dim; c++) total += term.Coefficient * Complex.Conjugate(psi[r]) * m[r, c] * psi[c];
            }
        }
        return total.Real;
    }

    /// <summary>Central finite differences of <see cref="ReferenceExpectation"/> (h = 1e-5: error ~1e-10).</summary>
    public static double[] ReferenceGradient(Circuit circuit, IReadOnlyList<double> values, Observable observable)
    {
        const double h = 1e-5;
        var gradient = new double[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            double[] plus = [.. values], minus = [.. values];
            plus[i] += h;
            minus[i] -= h;
            gradient[i] = (ReferenceExpectation(circuit, plus, observable) - ReferenceExpectation(circuit, minus, observable)) / (2 * h);
        }
        return gradient;
    }

    private static Gate RandomFixed(int n, Random rng)
    {
        GateKind kind = Fixed[rng.Next(Fixed.Length)];
        GateDefinition def = GateDefinition.Of(kind);
        return Gate.Create(kind, Shuffle(n, rng).Take(def.BuiltInControls + def.Targets).ToArray());
    }

    private static Angle RandomAngle(Parameter[] parameters, Random rng)
    {
        Angle angle = rng.NextDouble() - 0.5;
        int count = 1 + rng.Next(2);
        for (int i = 0; i < count; i++) angle += (rng.Next(2) == 0 ? 1.0 : rng.NextDouble() * 3 - 1.5) * parameters[rng.Next(parameters.Length)];
        return angle;
    }

    private static int[] Shuffle(int n, Random rng) => [.. Enumerable.Range(0, n).OrderBy(_ => rng.Next())];
}
