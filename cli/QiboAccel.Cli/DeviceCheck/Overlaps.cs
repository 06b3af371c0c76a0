using System.Globalization;
using System.Numerics;
using QiboAccel.Observables;
using QiboAccel.Conformance;

namespace QiboAccel.Cli.DeviceCheck;

/// <summary>
/// ABI 1.1's state_copy, state_inner_product and state_expectation against the reference, on 20-qubit states: more
/// amplitudes than a GPU's reduction threads, so the device folds its partial sums as it does on large states. Both
/// backends hold the same stored amplitudes (set from the same values), and the ABI has both sum in double (complex64
/// widened), so the results agree to double rounding in both precisions.
/// </summary>
internal static class Overlaps
{
    /// <summary>State size of the comparison.</summary>
    public const int Qubits = 20;

    public static void Run(CheckReport report, IBackend backend, IBackend reference, int seed)
    {
        foreach (Precision precision in Comparisons.Common(backend, reference))
        {
            report.Run("overlaps", $"copy, <a|b>, <O> ({Qubits} qubits), {(precision == Precision.Double ? "complex128" : "complex64")}", r =>
            {
                var rng = new Random(seed + 3);
                const int n = Qubits;
                using IQuantumState a = backend.CreateState(n, precision), b = backend.CreateState(n, precision);
                using IQuantumState ra = reference.CreateState(n, precision), rb = reference.CreateState(n, precision);
                Complex[] first = RandomCircuits.State(n, rng), second = RandomCircuits.State(n, rng);
                a.SetAmplitudes(0, first);
                ra.SetAmplitudes(0, first);
                b.SetAmplitudes(0, second);
                rb.SetAmplitudes(0, second);

                Complex got = a.InnerProduct(b), want = ra.InnerProduct(rb);
                double inner = Complex.Abs(got - want);
                if (inner > 1e-12) r.Fail($"<a|b> = {got}, the reference gives {want}");
                double norm = Math.Abs(a.InnerProduct(a).Real - ra.InnerProduct(ra).Real);
                if (norm > 1e-12) r.Fail($"<a|a> differs from the reference's by {norm:g3}");

                Observable observable = RandomObservable(n, rng, out double magnitude);
                double expectation = Math.Abs(a.Expectation(observable) - ra.Expectation(observable));
                if (expectation > 1e-12 * magnitude) r.Fail($"<O> of {observable.Terms.Count} terms differs from the reference's by {expectation:g3}");

                var stored = new Complex[1 << n];
                var copied = new Complex[1 << n];
                a.GetAmplitudes(0, stored);
                a.CopyTo(b);
                b.GetAmplitudes(0, copied);
                if (!copied.AsSpan().SequenceEqual(stored)) r.Fail("state_copy: the destination differs from the source");
                a.GetAmplitudes(0, copied);
                if (!copied.AsSpan().SequenceEqual(stored)) r.Fail("state_copy changed the source");

                r.Metrics.Add(("inner_difference", inner));
                r.Metrics.Add(("norm_difference", norm));
                r.Metrics.Add(("expectation_difference", expectation));
                r.Metrics.Add(("terms", observable.Terms.Count));
                if (r.Status == "pass")
                    r.Detail = $"|<a|b> difference| {inner:g3}, <O> of {observable.Terms.Count} terms: difference {expectation:g3}; copy exact";
            });
        }
    }

    /// <summary>A constant, Z strings (one flip group), and random X/Y/Z strings (many groups); the sum of |coefficients| too.</summary>
    private static Observable RandomObservable(int n, Random rng, out double magnitude)
    {
        var terms = new List<string> { "0.5", "-1.5*Z0*Z1", $"0.75*Z{n - 1}", $"1.25*Y{n / 2}" };
        magnitude = 0.5 + 1.5 + 0.75 + 1.25;
        for (int t = 0; t < 20; t++)
        {
            double c = rng.NextDouble() * 2 - 1;
            magnitude += Math.Abs(c);
            var factors = new List<string>();
            for (int q = 0; q < n; q++)
            {
                int p = rng.Next(8);
                if (p < 3) factors.Add($"{"XYZ"[p]}{q}");
            }
            terms.Add(string.Create(CultureInfo.InvariantCulture, $"{c:R}") + string.Concat(factors.Select(f => "*" + f)));
        }
        return Observable.Parse(string.Join(" + ", terms).Replace("+ -", "- ", StringComparison.Ordinal));
    }
}
