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
        yield return new("complex64-in-double", "complex64 probabilities and sampling are computed in double from the stored amplitudes: tiny probabilities next to a large one are not lost to float sums", Complex64InDouble);
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
            for (int i = 0; i < reference.Length; i++)
            {
                if (!(Math.Abs(reference[i] - p[i]) <= 1e-10))
                    throw new ConformanceFailure($"P({string.Join(",", qubits)} = {i}) is {p[i]}, the reference gives {reference[i]}; {ReferenceComparison.Diagnose(c, circuit, Precision.Double)}");
            }
        }
    }

    private static void Threads(ConformanceContext c)
    {
        var circuits = Enumerable.Range(0, 8).Select(i => RandomCircuits.Create(8, 40, new Random(i))).ToArray();
        var expected = circuits.Select(ReferenceSimulator.Run).ToArray();
        var actual = new Complex[circuits.Length][];
        Parallel.For(0, circuits.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => actual[i] = c.Backend.Execute(circuits[i], seed: 1).State!);
        for (int i = 0; i < circuits.Length; i++)
            ReferenceComparison.Require(c, circuits[i], expected[i], actual[i], Precision.Double, $"state {i} of {circuits.Length} run from 4 threads");
    }

    /// <summary>
    /// The header's complex64 rule: probabilities are sums of re² + im² of the stored float amplitudes, formed and
    /// accumulated in double. A state with one amplitude of √0.5 and 1023 of about 3·10⁻⁵ (probability 10⁻⁹ each)
    /// tells the two apart: a float sum of 0.5 and 10⁻⁹ is 0.5, so float accumulation loses every small term.
    /// </summary>
    private static void Complex64InDouble(ConformanceContext c)
    {
        c.Require(Precision.Single);
        const int n = 10;
        var amplitudes = new Complex[1 << n];
        amplitudes[0] = Math.Sqrt(0.5);
        for (int i = 1; i < amplitudes.Length; i++) amplitudes[i] = new Complex(Math.Sqrt(1e-9) * (1 + i / 4096.0), 0);
        // What the state stores: the float nearest to each part.
        var stored = amplitudes.Select(a => new Complex((float)a.Real, (float)a.Imaginary)).ToArray();
        using var state = c.Backend.CreateState(n, Precision.Single);
        state.SetAmplitudes(0, amplitudes);

        // Marginal of qubits 0..4: outcome k sums the 32 amplitudes whose top five bits read k.
        int[] qubits = [0, 1, 2, 3, 4];
        var exact = new double[32];
        for (int i = 0; i < stored.Length; i++)
        {
            double re = stored[i].Real, im = stored[i].Imaginary;
            exact[i >> 5] += re * re + im * im;
        }
        double[] p = state.Probabilities(qubits);
        for (int k = 0; k < 32; k++)
        {
            Check.True(Math.Abs(p[k] - exact[k]) <= 1e-12 * exact[k],
                $"complex64 P(qubits 0..4 = {k}) is {p[k]:R}; formed in double from the stored amplitudes it is {exact[k]:R} "
                + $"(relative error {Math.Abs(p[k] - exact[k]) / exact[k]:g2}): the header says complex64 probabilities are accumulated in double");
        }

        // Sampling the same marginal: r·Σp just inside outcome 0, past 0.5 but below 0.5 + 31·10⁻⁹ (a float-summed
        // outcome 0 ends at 0.5 and sends this shot to outcome 1), and inside outcomes 1 and 2.
        double total = exact.Sum();
        double c0 = exact[0], c1 = c0 + exact[1];
        double[] xs = [c0 - 0.5 * (c0 - 0.5), c0 + 0.5 * exact[1], c1 + 0.5 * exact[2]];
        ulong[] expected = [0, 1, 2];
        var outcomes = new ulong[xs.Length];
        state.Sample(qubits, xs.Select(x => x / total).ToArray(), outcomes);
        for (int s = 0; s < xs.Length; s++)
        {
            Check.True(outcomes[s] == expected[s],
                $"complex64 sample with r·Σp = {xs[s]:R} gave outcome {outcomes[s]}, the rule in double gives {expected[s]} "
                + $"(outcome 0 ends at {c0:R} when summed in double, at 0.5 when summed in float)");
        }

        // MEASURE of qubit 0: p0 in double is about 1 − 1.2·10⁻⁶; summed in float the small terms vanish and p0 is 1.
        double p0 = exact.Take(16).Sum() / total;
        double r = p0 + 0.5 * (1 - p0);
        var batch = new OpBatch(n);
        batch.Add(Abi.QiboOpKind.Measure, [0], [], cbit: 0);
        var cbits = new byte[1];
        state.Apply(batch, [r], cbits);
        Check.True(cbits[0] == 1, $"complex64 MEASURE of qubit 0 with r = {r:R} read 0, but p0 in double is {p0:R} <= r (read 1): the header says p0 of a complex64 state is accumulated in double");
    }
}
