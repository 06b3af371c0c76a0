using System.Diagnostics;
using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;

namespace QiboAccel.Cli.DeviceCheck;

/// <summary>
/// GB/s per gate kind on large states, with fusion off so that each gate is one launch: the bytes a kernel must read
/// and write (2 x the state's bytes x the fraction of amplitudes it touches) over the time of a batch of 8 such gates
/// on low, middle and high qubits; compared with a device-to-device copy of the state (CUDA only).
/// </summary>
internal static class Bandwidth
{
    private const int Repeats = 8;

    private sealed record Kind(string Name, double Fraction, Action<OpBatch, int, int, Random> Add);

    private static readonly Kind[] Kinds =
    [
        new("H (2x2)", 1, (b, n, q, _) => b.Add(QiboOpKind.H, [q], [])),
        new("X (permutation)", 1, (b, n, q, _) => b.Add(QiboOpKind.X, [q], [])),
        new("CNOT", 0.5, (b, n, q, _) => b.Add(QiboOpKind.X, [q], [(q + n / 2) % n])),
        new("SWAP", 0.5, (b, n, q, _) => b.Add(QiboOpKind.Swap, [q, (q + 1) % n], [])),
        new("Z (phase)", 0.5, (b, n, q, _) => b.Add(QiboOpKind.Z, [q], [])),
        new("CZ (phase)", 0.25, (b, n, q, _) => b.Add(QiboOpKind.Z, [q], [(q + 3) % n])),
        new("RZ (diagonal)", 1, (b, n, q, _) => b.Add(QiboOpKind.RZ, [q], [], [0.3])),
        new("RZZ (diagonal)", 1, (b, n, q, _) => b.Add(QiboOpKind.RZZ, [q, (q + 2) % n], [], [0.3])),
        new("FSIM (4x4)", 1, (b, n, q, _) => b.Add(QiboOpKind.FSim, [q, (q + 1) % n], [], [0.3, 0.7])),
        new("TOFFOLI", 0.25, (b, n, q, _) => b.Add(QiboOpKind.X, [q], [(q + 1) % n, (q + 5) % n])),
        new("MATRIX 3 targets", 1, (b, n, q, r) => b.Add(QiboOpKind.Matrix, [q, (q + 1) % n, (q + 4) % n], [], default, Analytic.Flatten(Analytic.RandomUnitary(3, r)))),
        new("MATRIX 5 targets", 1, (b, n, q, r) => b.Add(QiboOpKind.Matrix, [q, (q + 1) % n, (q + 2) % n, (q + 6) % n, (q + 9) % n], [], default, Analytic.Flatten(Analytic.RandomUnitary(5, r)))),
    ];

    public static void Run(CheckReport report, IBackend unfused, string spec, int n)
    {
        foreach (Precision precision in new[] { Precision.Single, Precision.Double })
        {
            if (!unfused.Info.Precisions.Contains(precision)) continue;
            long stateBytes = (precision == Precision.Single ? 8L : 16L) << n;
            report.Run("bandwidth", $"{n} qubits {(precision == Precision.Single ? "complex64" : "complex128")} ({LargeStates.Format(stateBytes)})", r =>
            {
                if (n > unfused.Info.MaxQubits)
                {
                    r.Status = "skip";
                    r.Detail = $"the backend takes at most {unfused.Info.MaxQubits} qubits here";
                    return;
                }
                IQuantumState state;
                try
                {
                    state = unfused.CreateState(n, precision);
                }
                catch (BackendException e) when (e.Code is QiboErrorCode.OutOfMemory or QiboErrorCode.Unsupported)
                {
                    r.Status = "skip";
                    r.Detail = e.Message;
                    return;
                }
                using (state)
                {
                    string why = "the copy yardstick uses CUDA; this backend is not on cuda:N";
                    double? copy = spec.Contains("cuda", StringComparison.Ordinal) ? CudaCopy.Measure(CudaOrdinal(spec), stateBytes, out why) : null;
                    if (copy is null) r.Detail = "copy: " + why + "; ";
                    r.Metrics.Add(("copy_gbps", copy ?? double.NaN));
                    var parts = new List<string>();
                    var rng = new Random(n);
                    foreach (Kind kind in Kinds)
                    {
                        var batch = new OpBatch(n);
                        for (int i = 0; i < Repeats; i++) kind.Add(batch, n, (i * 7) % n, rng);
                        state.Apply(batch); // warm-up: module load, first-touch
                        var sw = Stopwatch.StartNew();
                        state.Apply(batch);
                        double seconds = sw.Elapsed.TotalSeconds;
                        double gbps = 2.0 * stateBytes * kind.Fraction * Repeats / seconds / 1e9;
                        string key = kind.Name.Split(' ')[0].ToLowerInvariant() + (kind.Name.Contains("targets") ? kind.Name.Split(' ')[1] : "");
                        r.Metrics.Add((key + "_gbps", Math.Round(gbps, 2)));
                        if (copy is { } c) r.Metrics.Add((key + "_of_copy", Math.Round(gbps / c, 3)));
                        parts.Add(copy is { } c2 ? $"{kind.Name} {gbps:0} GB/s ({gbps / c2:P0})" : $"{kind.Name} {gbps:0.#} GB/s");
                    }
                    r.Detail += (copy is { } cc ? $"copy {cc:0} GB/s; " : "") + string.Join(", ", parts);
                }
            });
        }
    }

    private static int CudaOrdinal(string spec)
    {
        int at = spec.IndexOf("cuda:", StringComparison.Ordinal);
        if (at < 0) return 0;
        string digits = new([.. spec[(at + 5)..].TakeWhile(char.IsAsciiDigit)]);
        return digits.Length > 0 ? int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
