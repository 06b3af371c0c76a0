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
        var kinds = GateDefinition.All.Where(d => d.BuiltInControls + Math.Max(d.Targets, 1) <= n).ToArray();
        for (int i = 0; i < depth; i++)
        {
            var def = kinds[rng.Next(kinds.Length)];
            int width = def.Kind == GateKind.Unitary ? Math.Min(1 + rng.Next(3), n) : def.Targets;
            int free = n - def.BuiltInControls - width;
            int extra = free > 0 ? rng.Next(Math.Min(free, 2) + 1) : 0;
            int[] qubits = Shuffled(n, rng).Take(def.BuiltInControls + width + extra).ToArray();
            c.Add(Gate(def, qubits, width, extra, rng));
        }
        return c;
    }

    /// <summary>A gate of kind <paramref name="def"/> on <paramref name="qubits"/>: built-in controls, targets, then <paramref name="extra"/> extra controls.</summary>
    public static Gate Gate(GateDefinition def, int[] qubits, int width, int extra, Random rng)
    {
        int main = qubits.Length - extra;
        Gate gate = def.Kind switch
        {
            GateKind.Unitary => Gates.Gate.Unitary(Analytic.Flatten(Analytic.RandomUnitary(width, rng)), qubits[..width]),
            GateKind.GeneralizedfSim => Gates.Gate.GeneralizedfSim(qubits[0], qubits[1], Analytic.Flatten(Analytic.RandomUnitary(1, rng)), rng.NextDouble() * 6),
            _ => Gates.Gate.Create(def.Kind, qubits[..main], Enumerable.Range(0, def.Parameters).Select(_ => (rng.NextDouble() * 2 - 1) * 7).ToArray()),
        };
        return extra > 0 ? gate.Controlled(qubits[main..]) : gate;
    }

    /// <summary>0..n-1 in random order.</summary>
    public static int[] Shuffled(int n, Random rng)
    {
        int[] a = [.. Enumerable.Range(0, n)];
        rng.Shuffle(a);
        return a;
    }
}
