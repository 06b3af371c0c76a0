using QiboAccel.Circuits;
using QiboAccel.Gates;

namespace QiboAccel.Benchmarking;

/// <summary>The circuit families used to compare backends (and by the issues' performance targets).</summary>
public static class BenchmarkCircuits
{
    /// <summary>Family names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["qft", "variational", "ghz", "random", "hlayers"];

    /// <summary>Builds family <paramref name="name"/> on <paramref name="n"/> qubits.</summary>
    public static Circuit Create(string name, int n, int seed = 1234) => name switch
    {
        "qft" => Qft(n),
        "variational" => Variational(n, layers: 5, seed),
        "ghz" => Ghz(n),
        "random" => Random(n, depth: 10 * n, seed),
        "hlayers" => HLayers(n, layers: 10),
        _ => throw new ArgumentException($"unknown circuit family '{name}' (known: {string.Join(", ", Names)}, or a .qasm file)"),
    };

    /// <summary>qibo's QFT: H and controlled phases on each qubit, then the swaps that reverse the order.</summary>
    public static Circuit Qft(int n)
    {
        var c = new Circuit(n);
        for (int i = 0; i < n; i++)
        {
            c.Add(GateKind.H, [i]);
            for (int j = i + 1; j < n; j++) c.Add(GateKind.CU1, [j, i], Math.PI / (1L << (j - i)));
        }
        for (int i = 0; i < n / 2; i++) c.Add(GateKind.SWAP, [i, n - 1 - i]);
        return c;
    }

    /// <summary>Layers of RY on every qubit followed by CZ on even pairs, then odd pairs.</summary>
    public static Circuit Variational(int n, int layers, int seed)
    {
        var rng = new Random(seed);
        var c = new Circuit(n);
        for (int l = 0; l < layers; l++)
        {
            for (int q = 0; q < n; q++) c.Add(GateKind.RY, [q], rng.NextDouble() * 2 * Math.PI);
            for (int q = 0; q + 1 < n; q += 2) c.Add(GateKind.CZ, [q, q + 1]);
            for (int q = 1; q + 1 < n; q += 2) c.Add(GateKind.CZ, [q, q + 1]);
        }
        return c;
    }

    /// <summary>
    /// A hardware-efficient ansatz with symbolic parameters: per layer RY(θ) and RZ(θ') on every qubit (each its own
    /// parameter), then CZ on even pairs and odd pairs. 2·n·layers parameters, named <c>l{layer}_y{qubit}</c> and
    /// <c>l{layer}_z{qubit}</c>, in that order.
    /// </summary>
    public static Circuit HardwareEfficient(int n, int layers)
    {
        var c = new Circuit(n);
        for (int l = 0; l < layers; l++)
        {
            for (int q = 0; q < n; q++) c.AddParametrized(GateKind.RY, [q], c.AddParameter($"l{l}_y{q}"));
            for (int q = 0; q < n; q++) c.AddParametrized(GateKind.RZ, [q], c.AddParameter($"l{l}_z{q}"));
            for (int q = 0; q + 1 < n; q += 2) c.Add(GateKind.CZ, [q, q + 1]);
            for (int q = 1; q + 1 < n; q += 2) c.Add(GateKind.CZ, [q, q + 1]);
        }
        return c;
    }

    /// <summary>H on qubit 0, then a CNOT chain: (|0…0⟩ + |1…1⟩)/√2.</summary>
    public static Circuit Ghz(int n)
    {
        var c = new Circuit(n).Add(GateKind.H, [0]);
        for (int q = 0; q + 1 < n; q++) c.Add(GateKind.CNOT, [q, q + 1]);
        return c;
    }

    /// <summary>Layers of H on every qubit.</summary>
    public static Circuit HLayers(int n, int layers)
    {
        var c = new Circuit(n);
        for (int l = 0; l < layers; l++)
            for (int q = 0; q < n; q++) c.Add(GateKind.H, [q]);
        return c;
    }

    /// <summary>A seeded random circuit: random 1-qubit rotations and random CNOT/CZ/fSim pairs.</summary>
    public static Circuit Random(int n, int depth, int seed)
    {
        var rng = new Random(seed);
        var c = new Circuit(n);
        for (int i = 0; i < depth; i++)
        {
            int a = rng.Next(n);
            switch (rng.Next(n == 1 ? 3 : 6))
            {
                case 0: c.Add(GateKind.RX, [a], rng.NextDouble() * 6); break;
                case 1: c.Add(GateKind.RY, [a], rng.NextDouble() * 6); break;
                case 2: c.Add(GateKind.U3, [a], rng.NextDouble() * 6, rng.NextDouble() * 6, rng.NextDouble() * 6); break;
                default:
                    int b = (a + 1 + rng.Next(n - 1)) % n;
                    int kind = rng.Next(3);
                    if (kind == 0) c.Add(GateKind.CNOT, [a, b]);
                    else if (kind == 1) c.Add(GateKind.CZ, [a, b]);
                    else c.Add(GateKind.fSim, [a, b], rng.NextDouble(), rng.NextDouble());
                    break;
            }
        }
        return c;
    }
}
