using System.Numerics;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Conformance.Cases;

/// <summary>State access: amplitudes in and out, reset, marginal probabilities, several states on several threads.</summary>
internal static class StateCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return new("amplitudes", "set/get amplitudes round-trip at offsets; reset gives |0…0⟩", Amplitudes);
        yield return new("probabilities", "marginal probabilities of chosen qubits (first listed most significant) equal the reference", Probabilities);
        yield return new("threads", "eight states used from four threads at once give the reference results", Threads);
    }

    private static void Amplitudes(ConformanceContext c)
    {
        var rng = new Random(9);
        foreach (var precision in new[] { Precision.Double, Precision.Single })
        {
            if (!c.Supports(precision)) continue;
            double tol = ConformanceContext.Tolerance(precision);
            using var state = c.Backend.CreateState(4, precision);
            var amps = Enumerable.Range(0, 16).Select(_ => new Complex(rng.NextDouble(), rng.NextDouble())).ToArray();
            state.SetAmplitudes(0, amps);
            var back = new Complex[5];
            state.GetAmplitudes(3, back);
            Check.StatesClose(amps.AsSpan(3, 5), back, tol);
            state.SetAmplitudes(14, [new Complex(0.5, -0.25)]);
            var tail = new Complex[2];
            state.GetAmplitudes(14, tail);
            Check.StatesClose([new Complex(0.5, -0.25), amps[15]], tail, tol);
            state.Reset();
            var all = new Complex[16];
            state.GetAmplitudes(0, all);
            var zero = new Complex[16];
            zero[0] = 1;
            Check.StatesClose(zero, all, 0);
        }
    }

    private static void Probabilities(ConformanceContext c)
    {
        var rng = new Random(77);
        var circuit = RandomCircuits.Create(5, 30, rng);
        var expected = ReferenceSimulator.Run(circuit);
        using var state = c.Backend.CreateState(5);
        var batch = new OpBatch(5);
        foreach (var op in circuit.Operations) Lowering.AddGate(batch, (Gate)op, c.Backend.Info);
        state.Apply(batch);
        foreach (int[] qubits in new[] { new[] { 3, 0 }, [4], [0, 1, 2, 3, 4], [2, 4, 1] })
        {
            double[] p = state.Probabilities(qubits);
            var reference = new double[1 << qubits.Length];
            for (int i = 0; i < 32; i++)
            {
                int outcome = 0;
                foreach (int q in qubits) outcome = (outcome << 1) | ((i >> (4 - q)) & 1);
                reference[outcome] += expected[i].Magnitude * expected[i].Magnitude;
            }
            for (int i = 0; i < reference.Length; i++) Check.Close(reference[i], p[i], 1e-10, $"P({string.Join(",", qubits)} = {i})");
        }
    }

    private static void Threads(ConformanceContext c)
    {
        var circuits = Enumerable.Range(0, 8).Select(i => RandomCircuits.Create(8, 40, new Random(i))).ToArray();
        var expected = circuits.Select(ReferenceSimulator.Run).ToArray();
        var actual = new Complex[circuits.Length][];
        Parallel.For(0, circuits.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => actual[i] = c.Backend.Execute(circuits[i], seed: 1).State!);
        for (int i = 0; i < circuits.Length; i++) Check.StatesClose(expected[i], actual[i], 1e-10, circuits[i]);
    }
}
