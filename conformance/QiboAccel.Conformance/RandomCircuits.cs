using QiboAccel.Circuits;
using QiboAccel.Conformance.Reference;
using QiboAccel.Gates;

namespace QiboAccel.Conformance;

/// <summary>Seeded random circuits over the whole gate set, with extra controls, on random qubits.</summary>
public static class RandomCircuits
{
    /// <summary>U3 with random angles on every qubit: a generic product state to start from.</summary>
    public static Circuit Layer(int n, Random rng)
    {
        var c = new Circuit(n);
        for (int q = 0; q < n; q++) c.Add(GateKind.U3, [q], rng.NextDouble() * 6, rng.NextDouble() * 6, rng.NextDouble() * 6);
        return c;
    }

    /// <summary>A random layer followed by <paramref name="depth"/> random gates of every kind.</summary>
    public static Circuit Create(int n, int depth, Random rng)
    {
        var c = Layer(n, rng);
        var kinds = ReferenceGates.All.Where(g => g.Controls + Math.Max(g.Targets, 1) <= n).ToArray();
        for (int i = 0; i < depth; i++)
        {
            var kind = kinds[rng.Next(kinds.Length)];
            int width = kind.Kind == GateKind.Unitary ? Math.Min(1 + rng.Next(3), n) : kind.Targets;
            int free = n - kind.Controls - width;
            int extra = free > 0 ? rng.Next(Math.Min(free, 2) + 1) : 0;
            int[] qubits = Shuffled(n, rng).Take(kind.Controls + width + extra).ToArray();
            c.Add(Gate(kind, qubits, width, extra, rng));
        }
        return c;
    }

    /// <summary>
    /// A gate of <paramref name="kind"/> on <paramref name="qubits"/> (the gate's own controls and targets in qibo's
    /// constructor order, then <paramref name="extra"/> extra controls), with random parameters; Unitary on
    /// <paramref name="width"/> targets. Arity and parameter count are the reference's.
    /// </summary>
    public static Gate Gate(ReferenceGate kind, int[] qubits, int width, int extra, Random rng)
    {
        int main = qubits.Length - extra;
        Gate gate = kind.Kind switch
        {
            GateKind.Unitary => Gates.Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(width, rng)), qubits[..width]),
            GateKind.GeneralizedfSim => Gates.Gate.GeneralizedfSim(qubits[0], qubits[1], Analytic.Flatten(Analytic.RandomUnitary(1, rng)), rng.NextDouble() * 6),
            _ => Gates.Gate.Create(kind.Kind, qubits[..main], Enumerable.Range(0, kind.Parameters).Select(_ => (rng.NextDouble() * 2 - 1) * 7).ToArray()),
        };
        return extra > 0 ? gate.Controlled(qubits[main..]) : gate;
    }

    /// <summary>A random normalised state of <paramref name="n"/> qubits (every amplitude non-zero).</summary>
    public static System.Numerics.Complex[] State(int n, Random rng)
    {
        var amplitudes = new System.Numerics.Complex[1 << n];
        double norm = 0;
        for (int i = 0; i < amplitudes.Length; i++)
        {
            amplitudes[i] = new System.Numerics.Complex(rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1);
            norm += amplitudes[i].Real * amplitudes[i].Real + amplitudes[i].Imaginary * amplitudes[i].Imaginary;
        }
        for (int i = 0; i < amplitudes.Length; i++) amplitudes[i] /= Math.Sqrt(norm);
        return amplitudes;
    }

    /// <summary>0..n-1 in random order.</summary>
    public static int[] Shuffled(int n, Random rng)
    {
        int[] a = [.. Enumerable.Range(0, n)];
        rng.Shuffle(a);
        return a;
    }
}
