using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Conformance.Cases;

/// <summary>Sampling and measurement: the Born rule, the ABI's reproducible rules, collapse, reset and classical control.</summary>
internal static class MeasurementCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return new("sampling-born-rule", "20000 seeded shots of two independent RY qubits pass a chi-square test", BornRule);
        yield return new("sampling-reproducible", "the same seed gives the same shots; the ABI's sampling rule gives exactly the expected outcomes", Reproducible);
        yield return new("sampling-rule", "the sampling rule at its boundaries: r·Σp equal to a cumulative sum picks the next outcome (strictly less), also on a state whose norm is not 1", SamplingRule);
        yield return new("sampling-many-outcomes", "the sampling rule on 2^17 outcomes (every qubit, in order and permuted, and subsets): unsorted, repeated and boundary random numbers, r near 1, zero-probability outcomes at both ends, against a plain reference", ManyOutcomes);
        yield return new("measure-collapse", "a mid-circuit measurement collapses a Bell pair; the MEASURE rule (r >= p0 → 1) holds exactly", Collapse);
        yield return new("measure-rule", "MEASURE at its boundary: r equal to p0 reads 1 (r >= p0), r just below reads 0; p0 is of the normalised state", MeasureRule);
        yield return new("reset-and-if", "reset and if (c==k) run per shot with the right classical results", ResetAndIf);
    }

    private static void BornRule(ConformanceContext c)
    {
        double theta = 1.1, phi = 2.3;
        var circuit = new Circuit(2).Add(GateKind.RY, [0], theta).Add(GateKind.RY, [1], phi);
        circuit.Measure(0, 1);
        const int shots = 20000;
        var result = c.Backend.Execute(circuit, shots, seed: 42, returnState: false);
        double p0 = Math.Pow(Math.Sin(theta / 2), 2), p1 = Math.Pow(Math.Sin(phi / 2), 2);
        var expected = new Dictionary<string, double>
        {
            ["00"] = (1 - p0) * (1 - p1), ["01"] = (1 - p0) * p1, ["10"] = p0 * (1 - p1), ["11"] = p0 * p1,
        };
        double chi2 = 0;
        foreach (var (key, p) in expected)
        {
            double observed = result.Frequencies.TryGetValue(key, out int n) ? n : 0;
            chi2 += Math.Pow(observed - shots * p, 2) / (shots * p);
        }
        // 3 degrees of freedom: P(chi² > 16.27) = 0.001.
        Check.True(chi2 < 16.27, $"chi² = {chi2:0.00} for {string.Join(", ", result.Frequencies)}");
    }

    private static void Reproducible(ConformanceContext c)
    {
        var circuit = RandomCircuits.Create(4, 20, new Random(5));
        var a = c.Backend.Execute(circuit, 3000, seed: 42, returnState: false);
        var b = c.Backend.Execute(circuit, 3000, seed: 42, returnState: false);
        Check.True(a.Frequencies.SequenceEqual(b.Frequencies), "the same seed gave different shots");
        var other = c.Backend.Execute(circuit, 3000, seed: 43, returnState: false);
        Check.True(!a.Frequencies.SequenceEqual(other.Frequencies), "different seeds gave identical shots");

        // The rule itself: state with P = (0.1, 0.2, 0.3, 0.4); r picks the first index whose cumulative sum exceeds r.
        using var state = c.Backend.CreateState(2);
        state.SetAmplitudes(0, [Math.Sqrt(0.1), Math.Sqrt(0.2), Math.Sqrt(0.3), Math.Sqrt(0.4)]);
        double[] randoms = [0.0, 0.05, 0.15, 0.29, 0.31, 0.59, 0.61, 0.99];
        ulong[] expected = [0, 0, 1, 1, 2, 2, 3, 3];
        var outcomes = new ulong[randoms.Length];
        state.Sample([0, 1], randoms, outcomes);
        Check.True(outcomes.SequenceEqual(expected), $"sample gave [{string.Join(",", outcomes)}], the ABI rule gives [{string.Join(",", expected)}]");
        state.Sample([1, 0], [0.25], outcomes.AsSpan(0, 1)); // marginal over (q1, q0): P = (0.1, 0.3, 0.2, 0.4)
        Check.True(outcomes[0] == 1, $"sample over qubits (1, 0) with r = 0.25 gave {outcomes[0]}, expected 1");
        // r just below 1, with a zero-probability last outcome: the largest index with p > 0.
        state.SetAmplitudes(0, [Math.Sqrt(0.5), Math.Sqrt(0.5), 0, 0]);
        state.Sample([0, 1], [Math.BitDecrement(1.0)], outcomes.AsSpan(0, 1));
        Check.True(outcomes[0] == 1, $"sample with r = 1 - 2^-53 over P = (0.5, 0.5, 0, 0) gave {outcomes[0]}, expected 1");
    }

    private static void Collapse(ConformanceContext c)
    {
        // Bell pair, measure qubit 0, copy it with a CNOT into a fresh qubit: all three always agree.
        var circuit = new Circuit(3).Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]);
        circuit.Add(new Measurement(0, 0));
        circuit.Add(GateKind.CNOT, [0, 2]);
        circuit.Measure(1, 2);
        var result = c.Backend.Execute(circuit, 400, seed: 5, returnState: false);
        Check.True(result.Frequencies.Keys.Order().SequenceEqual(["000", "111"]), $"outcomes {string.Join(",", result.Frequencies.Keys)}, expected only 000 and 111");
        Check.True(result.Frequencies["000"] is > 140 and < 260, $"000 seen {result.Frequencies["000"]} times of 400");

        // The MEASURE rule: P(qubit 0 = 0) = cos²(0.6); r just below it reads 0, just above reads 1, and the state collapses.
        double p0 = Math.Pow(Math.Cos(0.6), 2);
        foreach (var (r, outcome) in new[] { (p0 - 1e-6, 0), (p0 + 1e-6, 1) })
        {
            using var state = c.Backend.CreateState(2);
            var batch = new OpBatch(2);
            Lowering.AddGate(batch, Gate.Create(GateKind.RY, [0], 1.2), c.Backend.Info);
            batch.Add(Abi.QiboOpKind.Measure, [0], [], cbit: 0);
            var cbits = new byte[1];
            state.Apply(batch, [r], cbits);
            Check.True(cbits[0] == outcome, $"MEASURE with r = {r} and p0 = {p0} gave {cbits[0]}, expected {outcome}");
            var amps = new System.Numerics.Complex[4];
            state.GetAmplitudes(0, amps);
            Check.Close(1.0, amps[outcome == 0 ? 0 : 2].Magnitude, 1e-6, "collapsed amplitude");
        }
    }

    /// <summary>
    /// Amplitudes whose squares and sums are exact in binary (0.5 and 1), so the cumulative sums are exactly 0.25,
    /// 0.5, 0.75, 1 (or 1, 2, 3, 4 unnormalised) on every backend, and r·Σp lands exactly on them.
    /// </summary>
    private static void SamplingRule(ConformanceContext c)
    {
        foreach (double amplitude in new[] { 0.5, 1.0 })
        {
            using var state = c.Backend.CreateState(2);
            state.SetAmplitudes(0, [amplitude, amplitude, amplitude, amplitude]);
            double norm = 4 * amplitude * amplitude;
            double[] randoms = [0.0, 0.25, 0.5, 0.75, Math.BitDecrement(0.25), Math.BitIncrement(0.25)];
            ulong[] expected = [0, 1, 2, 3, 0, 1];
            var outcomes = new ulong[randoms.Length];
            state.Sample([0, 1], randoms, outcomes);
            for (int s = 0; s < randoms.Length; s++)
            {
                Check.True(outcomes[s] == expected[s],
                    $"sample with r = {randoms[s]:R} over P = ({amplitude * amplitude}, {amplitude * amplitude}, {amplitude * amplitude}, {amplitude * amplitude}) "
                    + $"(norm {norm}) gave {outcomes[s]}, the header's rule gives {expected[s]}: the smallest i with r·Σp < p[0] + … + p[i], "
                    + "strictly less (a backend comparing with <= picks the outcome before), with Σp the state's own norm");
            }
        }
    }

    /// <summary>
    /// A 17-qubit state whose amplitudes are 0 or powers of two (2^-5 .. 2^-9): every probability, every marginal
    /// and every cumulative sum is exact in double whatever order a backend adds in, so the header's rule has exactly
    /// one answer for each random number, computed here by a plain reference. The first 300 and the last 500 outcomes
    /// (and a run in the middle) have probability 0; the norm is not 1. Random numbers: seeded ones in no order, the
    /// same values repeated, 0, values near 1, and r·Σp on, just below and just above cumulative sums.
    /// </summary>
    private static void ManyOutcomes(ConformanceContext c)
    {
        const int n = 17;
        const long size = 1L << n;
        var amplitudes = new System.Numerics.Complex[size];
        for (long i = 300; i < size - 500; i++)
        {
            if (i is >= 73700 and < 73800) continue; // a run of zeros across a multiple of 4096
            double a = Math.ScaleB(1.0, -(int)(5 + i % 5));
            amplitudes[i] = i % 3 == 0 ? new(0, a) : new(a, 0);
        }
        int[] all = [.. Enumerable.Range(0, n)];
        int[][] selections =
        [
            all, [.. all.Reverse()], [.. Enumerable.Range(0, 16)], [.. Enumerable.Range(1, 16)],
            [3, 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [7, 3, 12], [16],
        ];
        var cases = selections.Select(qubits =>
        {
            double[] p = ReferenceMarginal(amplitudes, n, qubits), randoms = RandomsFor(p);
            return (Qubits: qubits, Randoms: randoms, Expected: ReferenceOutcomes(p, randoms));
        }).ToArray();
        foreach (Precision precision in new[] { Precision.Double, Precision.Single }.Where(c.Supports))
        {
            using var state = c.Backend.CreateState(n, precision);
            state.SetAmplitudes(0, amplitudes);
            foreach (var (qubits, randoms, expectedOutcomes) in cases)
            {
                var outcomes = new ulong[randoms.Length];
                state.Sample(qubits, randoms, outcomes);
                for (int s = 0; s < randoms.Length; s++)
                {
                    long expected = expectedOutcomes[s];
                    Check.True((long)outcomes[s] == expected,
                        $"{precision.Name()} sample of qubits [{string.Join(",", qubits)}] with r = {randoms[s]:R} (shot {s}) gave {outcomes[s]}; "
                        + $"the header's rule gives {expected} (the smallest i with r·Σp < p[0] + … + p[i], all sums exact here)");
                }
            }
        }
    }

    /// <summary>Σ |a_i|² over the i whose listed qubits spell the outcome, first listed = most significant.</summary>
    private static double[] ReferenceMarginal(System.Numerics.Complex[] amplitudes, int n, int[] qubits)
    {
        var p = new double[1L << qubits.Length];
        for (long i = 0; i < amplitudes.Length; i++)
        {
            long outcome = 0;
            foreach (int q in qubits) outcome = (outcome << 1) | ((i >> (n - 1 - q)) & 1);
            p[outcome] += amplitudes[i].Real * amplitudes[i].Real + amplitudes[i].Imaginary * amplitudes[i].Imaginary;
        }
        return p;
    }

    /// <summary>The header's rule, written out plainly: cumulative sums in increasing i, the first above r·Σp.</summary>
    private static long[] ReferenceOutcomes(double[] p, double[] randoms)
    {
        var cumulative = new double[p.Length];
        double sum = 0;
        for (int i = 0; i < p.Length; i++) cumulative[i] = sum += p[i];
        var outcomes = new long[randoms.Length];
        for (int s = 0; s < randoms.Length; s++)
        {
            double x = randoms[s] * sum;
            int lo = 0, hi = p.Length; // smallest i with x < cumulative[i], p.Length if none
            while (lo < hi)
            {
                int mid = (lo + hi) / 2;
                if (x < cumulative[mid]) hi = mid; else lo = mid + 1;
            }
            if (lo == p.Length)
            {
                lo = p.Length - 1;
                while (p[lo] == 0) lo--; // "the largest i with p[i] > 0"
            }
            outcomes[s] = lo;
        }
        return outcomes;
    }

    private static double[] RandomsFor(double[] p)
    {
        var rng = new HostRandom(2024);
        var randoms = new List<double>();
        for (int s = 0; s < 1000; s++) randoms.Add(rng.NextDouble());
        double[] repeated = [.. Enumerable.Range(0, 20).Select(_ => rng.NextDouble())];
        for (int k = 0; k < 5; k++) randoms.AddRange(repeated);
        randoms.AddRange([0.0, Math.BitDecrement(1.0), 1 - 1e-9, 1 - 1e-6, 0.5]);
        double sum = p.Sum(), cumulative = 0;
        int step = Math.Max(1, p.Length / 40);
        for (int i = 0; i < p.Length; i++)
        {
            cumulative += p[i];
            if (i % step != 0 && i != p.Length - 1) continue;
            double r = cumulative / sum;
            foreach (double x in new[] { r, Math.BitDecrement(r), Math.BitIncrement(r) })
            {
                if (x >= 0 && x < 1) randoms.Add(x);
            }
        }
        // Unsorted: interleave the end of the list with the start.
        var mixed = new double[randoms.Count];
        for (int i = 0; i < mixed.Length; i++) mixed[i] = randoms[i % 2 == 0 ? i / 2 : mixed.Length - 1 - i / 2];
        return mixed;
    }

    /// <summary>p0 = 0.5 exactly (amplitudes of 0.5, or of 1 with norm 4: p0 is then 2/4 after normalising).</summary>
    private static void MeasureRule(ConformanceContext c)
    {
        foreach (double amplitude in new[] { 0.5, 1.0 })
        {
            foreach (var (r, outcome) in new[] { (0.5, 1), (Math.BitDecrement(0.5), 0), (0.75, 1), (0.0, 0) })
            {
                using var state = c.Backend.CreateState(2);
                state.SetAmplitudes(0, [amplitude, amplitude, amplitude, amplitude]);
                var batch = new OpBatch(2);
                batch.Add(Abi.QiboOpKind.Measure, [0], [], cbit: 0);
                var cbits = new byte[1];
                state.Apply(batch, [r], cbits);
                Check.True(cbits[0] == outcome,
                    $"MEASURE of qubit 0 with p0 = 0.5 (amplitudes {amplitude}, norm {4 * amplitude * amplitude}) and r = {r:R} read {cbits[0]}; "
                    + $"the header's rule gives {outcome}: outcome 1 iff r >= p0, p0 of the normalised state"
                    + (r == 0.5 ? " (a backend testing r > p0 reads 0 here)" : ""));
                var amps = new System.Numerics.Complex[4];
                state.GetAmplitudes(0, amps);
                int kept = outcome == 0 ? 0 : 2;
                Check.Close(Math.Sqrt(0.5), amps[kept].Real, 1e-6, $"MEASURE reading {outcome}: amplitude {kept} after collapse and renormalisation to norm 1");
                Check.Close(0, amps[2 - kept].Magnitude, 1e-6, $"MEASURE reading {outcome}: amplitude {2 - kept} after collapse");
            }
        }
    }

    private static void ResetAndIf(ConformanceContext c)
    {
        var circuit = new Circuit(2);
        var creg = circuit.AddClassicalRegister("c", 1);
        var dreg = circuit.AddClassicalRegister("d", 2);
        circuit.Add(GateKind.H, [0]);
        circuit.Add(new Measurement(0, creg.Offset));
        circuit.Add(new Reset(0));
        circuit.Add(new Conditional(creg, 1, Gate.Create(GateKind.X, [1])));
        circuit.Add(new Measurement(0, dreg.Offset));
        circuit.Add(new Measurement(1, dreg.Offset + 1));
        var result = c.Backend.Execute(circuit, 300, seed: 11, returnState: false);
        var cCounts = result.RegisterFrequencies["c"];
        var dCounts = result.RegisterFrequencies["d"];
        // Whatever c read, qubit 0 was reset to 0 and qubit 1 copies c: d = (0, c).
        Check.True(cCounts.GetValueOrDefault("1") == dCounts.GetValueOrDefault("01"), $"c = {string.Join(",", cCounts)} but d = {string.Join(",", dCounts)}");
        Check.True(cCounts.GetValueOrDefault("0") == dCounts.GetValueOrDefault("00"), $"c = {string.Join(",", cCounts)} but d = {string.Join(",", dCounts)}");
        Check.True(cCounts.GetValueOrDefault("1") is > 100 and < 200, $"c read 1 in {cCounts.GetValueOrDefault("1")} of 300 shots");
    }
}
