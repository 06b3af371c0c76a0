using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Cli.DeviceCheck;

/// <summary>
/// The backend under test against the reference backend, from the same random initial states: every operation kind
/// at the edges and the middle of the register with 0-2 controls, marginals over all qubits and subsets, sampling,
/// mid-circuit MEASURE on 2-5 qubits, and several host threads on one device.
/// </summary>
internal static class Comparisons
{
    public static double Tolerance(Precision p) => p == Precision.Double ? 1e-10 : 5e-5;

    public static Precision[] Common(IBackend a, IBackend b) =>
        [.. new[] { Precision.Double, Precision.Single }.Where(p => a.Info.Precisions.Contains(p) && b.Info.Precisions.Contains(p))];

    public static double MaxDifference(ReadOnlySpan<Complex> a, ReadOnlySpan<Complex> b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, (a[i] - b[i]).Magnitude);
        return max;
    }

    /// <summary>Every kind both backends run natively, on each placement with 0, 1 and 2 controls.</summary>
    public static void Gates(CheckReport report, IBackend backend, IBackend reference, int n, int seed)
    {
        int maxMatrix = Math.Min(Math.Min(backend.Info.MaxMatrixTargets, reference.Info.MaxMatrixTargets), 5);
        foreach (Precision precision in Common(backend, reference))
        {
            report.Run("gates", $"every kind x placement x controls, {Name(precision)}", r =>
            {
                var rng = new Random(seed);
                using IQuantumState a = backend.CreateState(n, precision), b = reference.CreateState(n, precision);
                int cases = 0;
                double worst = 0;
                var skipped = new List<string>();
                Complex[] got = new Complex[1 << n], want = new Complex[1 << n];
                foreach (QiboOpKind kind in Enum.GetValues<QiboOpKind>())
                {
                    if (kind is QiboOpKind.Invalid or QiboOpKind.Measure or QiboOpKind.KindCount) continue;
                    if (!backend.Info.IsNative(kind) || !reference.Info.IsNative(kind))
                    {
                        skipped.Add(OpName(kind));
                        continue;
                    }
                    int[] widths = kind switch
                    {
                        QiboOpKind.Matrix => [.. Enumerable.Range(1, maxMatrix)],
                        QiboOpKind.Diagonal => [1, 2, 3],
                        _ => [OpMatrices.TargetCount(kind)],
                    };
                    foreach (int width in widths)
                    {
                        foreach (int[] targets in Placements(n, width, rng))
                        {
                            for (int nc = 0; nc <= 2 && nc + width <= n; nc++)
                            {
                                int[] free = [.. Enumerable.Range(0, n).Where(q => !targets.Contains(q))];
                                int[] controls = nc == 0 ? [] : nc == 1 ? [free[^1]] : [free[0], free[^1]];
                                var batch = new OpBatch(n);
                                double[] parameters = [rng.NextDouble() * 6, rng.NextDouble() * 6, rng.NextDouble() * 6, rng.NextDouble() * 6];
                                batch.Add(kind, targets, controls, parameters, MatrixFor(kind, width, rng));
                                Complex[] initial = RandomCircuits.State(n, rng);
                                a.SetAmplitudes(0, initial);
                                b.SetAmplitudes(0, initial);
                                a.Apply(batch);
                                b.Apply(batch);
                                a.GetAmplitudes(0, got);
                                b.GetAmplitudes(0, want);
                                double d = MaxDifference(got, want);
                                worst = Math.Max(worst, d);
                                cases++;
                                if (d > Tolerance(precision))
                                    r.Fail($"{OpName(kind)} targets [{string.Join(",", targets)}] controls [{string.Join(",", controls)}]: max |difference| {d:g3}");
                            }
                        }
                    }
                }
                r.Metrics.Add(("cases", cases));
                r.Metrics.Add(("max_difference", worst));
                if (r.Status == "pass") r.Detail = $"{cases} cases, max |difference| {worst:g3}" + (skipped.Count > 0 ? $"; not native on both: {string.Join(",", skipped)}" : "");
            });
        }
    }

    private static string Name(Precision p) => p == Precision.Double ? "complex128" : "complex64";

    private static string OpName(QiboOpKind kind) => kind.ToString().ToUpperInvariant();

    /// <summary>The lowest qubits, the highest, both ends, and a random set.</summary>
    private static IEnumerable<int[]> Placements(int n, int width, Random rng)
    {
        yield return [.. Enumerable.Range(0, width)];
        yield return [.. Enumerable.Range(n - width, width).Reverse()];
        if (width >= 2) yield return [n - 1, .. Enumerable.Range(0, width - 1)];
        yield return [.. RandomCircuits.Shuffled(n, rng).Take(width)];
    }

    private static Complex[] MatrixFor(QiboOpKind kind, int width, Random rng) => kind switch
    {
        QiboOpKind.Matrix => Analytic.Flatten(Analytic.RandomUnitary(width, rng)),
        QiboOpKind.Diagonal => [.. Enumerable.Range(0, 1 << width).Select(_ => Complex.FromPolarCoordinates(1, rng.NextDouble() * 6))],
        QiboOpKind.GeneralizedFSim => Analytic.Flatten(Analytic.RandomUnitary(1, rng)),
        _ => [],
    };

    /// <summary>Marginals over all qubits (both orders) and random subsets, and sampling with the same random numbers.</summary>
    public static void Reductions(CheckReport report, IBackend backend, IBackend reference, int n, int seed)
    {
        foreach (Precision precision in Common(backend, reference))
        {
            // complex64 too: the ABI has every backend sum the same stored floats, widened, in double.
            const double tolerance = 1e-12;
            report.Run("reductions", $"marginals (all qubits, subsets), {Name(precision)}", r =>
            {
                var rng = new Random(seed + 1);
                using IQuantumState a = backend.CreateState(n, precision), b = reference.CreateState(n, precision);
                Complex[] initial = RandomCircuits.State(n, rng);
                a.SetAmplitudes(0, initial);
                b.SetAmplitudes(0, initial);
                var sets = new List<int[]> { Enumerable.Range(0, n).ToArray(), Enumerable.Range(0, n).Reverse().ToArray() };
                for (int k = 1; k < n; k++) sets.Add([.. RandomCircuits.Shuffled(n, rng).Take(k)]);
                double worst = 0;
                foreach (int[] qubits in sets)
                {
                    double[] got = a.Probabilities(qubits), want = b.Probabilities(qubits);
                    double d = got.Zip(want, (x, y) => Math.Abs(x - y)).Max();
                    worst = Math.Max(worst, d);
                    if (d > tolerance) r.Fail($"qubits [{string.Join(",", qubits)}]: max |difference| {d:g3}");
                }
                r.Metrics.Add(("sets", sets.Count));
                r.Metrics.Add(("max_difference", worst));
                if (r.Status == "pass") r.Detail = $"{sets.Count} qubit lists, max |difference| {worst:g3}";
            });
            report.Run("reductions", $"sampling, {Name(precision)}", r =>
            {
                var rng = new Random(seed + 2);
                using IQuantumState a = backend.CreateState(n, precision), b = reference.CreateState(n, precision);
                Complex[] initial = RandomCircuits.State(n, rng);
                a.SetAmplitudes(0, initial);
                b.SetAmplitudes(0, initial);
                double[] randoms = [.. Enumerable.Range(0, 4000).Select(_ => rng.NextDouble())];
                int mismatches = 0, shots = 0;
                foreach (int[] qubits in new[] { Enumerable.Range(0, n).ToArray(), [n - 1, 0], [.. RandomCircuits.Shuffled(n, rng).Take(n / 2)] })
                {
                    var got = new ulong[randoms.Length];
                    var want = new ulong[randoms.Length];
                    a.Sample(qubits, randoms, got);
                    b.Sample(qubits, randoms, want);
                    mismatches += got.Zip(want).Count(p => p.First != p.Second);
                    shots += randoms.Length;
                }
                r.Metrics.Add(("shots", shots));
                r.Metrics.Add(("mismatches", mismatches));
                // The same rule on (nearly) the same probabilities: only a shot within rounding of a boundary may differ.
                int allowed = precision == Precision.Double ? 1 : shots / 200;
                if (mismatches > allowed) r.Fail($"{mismatches} of {shots} shots differ (allowed {allowed})");
                else r.Detail = $"{shots} shots, {mismatches} differ";
            });
        }
    }

    /// <summary>Mid-circuit MEASURE (the device decides with the host's random number) on 2-5 qubits: outcomes and final states.</summary>
    public static void Measurements(CheckReport report, IBackend backend, IBackend reference, int seed)
    {
        foreach (Precision precision in Common(backend, reference))
        {
            report.Run("measure", $"mid-circuit MEASURE on 2-5 qubits, {Name(precision)}", r =>
            {
                int runs = 0, mismatches = 0;
                double worst = 0;
                for (int n = 2; n <= 5; n++)
                {
                    var rng = new Random(seed + 10 * n);
                    var batch = new OpBatch(n);
                    Lower(batch, RandomCircuits.Create(n, 12, rng), backend.Info);
                    int measures = 0;
                    for (int q = 0; q < n; q += 2) batch.Add(QiboOpKind.Measure, [q], [], cbit: measures++);
                    Lower(batch, RandomCircuits.Create(n, 12, rng), backend.Info);
                    for (int q = 0; q < n; q++) batch.Add(QiboOpKind.Measure, [q], [], cbit: measures++);
                    using IQuantumState a = backend.CreateState(n, precision), b = reference.CreateState(n, precision);
                    for (int run = 0; run < 50; run++)
                    {
                        double[] randoms = [.. Enumerable.Range(0, measures).Select(_ => rng.NextDouble())];
                        byte[] ca = new byte[measures], cb = new byte[measures];
                        a.Reset();
                        b.Reset();
                        a.Apply(batch, randoms, ca);
                        b.Apply(batch, randoms, cb);
                        runs++;
                        if (!ca.AsSpan().SequenceEqual(cb))
                        {
                            mismatches++;
                            continue;
                        }
                        Complex[] sa = new Complex[1 << n], sb = new Complex[1 << n];
                        a.GetAmplitudes(0, sa);
                        b.GetAmplitudes(0, sb);
                        worst = Math.Max(worst, MaxDifference(sa, sb));
                    }
                }
                r.Metrics.Add(("runs", runs));
                r.Metrics.Add(("outcome_mismatches", mismatches));
                r.Metrics.Add(("max_difference", worst));
                int allowed = precision == Precision.Double ? 0 : runs / 50;
                if (mismatches > allowed) r.Fail($"{mismatches} of {runs} runs measured differently");
                if (worst > Tolerance(precision)) r.Fail($"collapsed states differ by {worst:g3}");
                if (r.Status == "pass") r.Detail = $"{runs} runs, {mismatches} differ, max |difference| {worst:g3}";
            });
        }
    }

    /// <summary>Several host threads, each with its own states on the one device, against the reference's results.</summary>
    public static void Threads(CheckReport report, IBackend backend, IBackend reference, int n, int threads, int seed)
    {
        report.Run("threads", $"{threads} host threads on one device", r =>
        {
            const int perThread = 6;
            Precision precision = Common(backend, reference)[0];
            var circuits = new Circuit[threads * perThread];
            var expected = new Complex[circuits.Length][];
            for (int i = 0; i < circuits.Length; i++)
            {
                circuits[i] = RandomCircuits.Create(n, 60, new Random(seed + 100 + i));
                expected[i] = reference.Execute(circuits[i], precision: precision, seed: 1).State!;
            }
            var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
            double worst = 0;
            var gate = new Lock();
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                try
                {
                    for (int j = 0; j < perThread; j++)
                    {
                        int i = t * perThread + j;
                        Complex[] got = backend.Execute(circuits[i], precision: precision, seed: 1).State!;
                        double d = MaxDifference(got, expected[i]);
                        lock (gate) worst = Math.Max(worst, d);
                        if (d > Tolerance(precision)) errors.Add($"thread {t} circuit {j}: max |difference| {d:g3}");
                    }
                }
                catch (Exception e)
                {
                    errors.Add($"thread {t}: {e.GetType().Name}: {e.Message}");
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            foreach (string e in errors) r.Fail(e);
            r.Metrics.Add(("circuits", circuits.Length));
            r.Metrics.Add(("max_difference", worst));
            if (r.Status == "pass") r.Detail = $"{circuits.Length} circuits on {threads} threads, max |difference| {worst:g3}";
        });
    }

    public static void Lower(OpBatch batch, Circuit circuit, BackendInfo info)
    {
        foreach (Operation op in circuit.Operations) Lowering.AddGate(batch, (Gate)op, info);
    }
}
