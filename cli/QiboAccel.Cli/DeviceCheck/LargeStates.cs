using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Execution;

namespace QiboAccel.Cli.DeviceCheck;

/// <summary>
/// complex64 states of 31-32 qubits (16-32 GiB): indexing, gates, marginals, sampling and MEASURE at amplitudes
/// around 2^31 (where 32-bit index arithmetic would wrap) and at the top of the state, checked against exact values.
/// </summary>
internal static class LargeStates
{
    public static void Run(CheckReport report, IBackend backend, int n)
    {
        report.Run("large", $"{n} qubits complex64 ({Format(8L << n)})", r =>
        {
            if (n > backend.Info.MaxQubits)
            {
                r.Status = "skip";
                r.Detail = $"the backend takes at most {backend.Info.MaxQubits} qubits here ({backend.Info.Device})";
                return;
            }
            using IQuantumState state = backend.CreateState(n, Precision.Single);
            long top = (1L << n) - 1;
            var indices = new SortedSet<long> { (1L << 31) - 1, 1L << 31, (1L << 31) + 5, 1L << (n - 1), top - 2, top };
            indices.RemoveWhere(i => i < 0 || i > top);
            int checks = 0;
            foreach (long index in indices)
            {
                // |index>: X on its one bits (qubit q is bit n - 1 - q).
                state.Reset();
                var batch = new OpBatch(n);
                for (int q = 0; q < n; q++)
                {
                    if (((index >> (n - 1 - q)) & 1) != 0) batch.Add(QiboOpKind.X, [q], []);
                }
                state.Apply(batch);
                ExpectWindow(state, index, new Dictionary<long, Complex> { [index] = 1 }, r);
                // H on the first and last qubit: four amplitudes of +-1/2 at index with the top and bottom bits flipped.
                var h = new OpBatch(n);
                h.Add(QiboOpKind.H, [0], []);
                h.Add(QiboOpKind.H, [n - 1], []);
                state.Apply(h);
                long high = 1L << (n - 1);
                var expected = new Dictionary<long, Complex>();
                foreach (long flip in new[] { 0L, 1L, high, high | 1 })
                {
                    long i = index ^ flip;
                    // H|b> sends b to (-1)^(b b') |b'>: a minus sign for each of the two qubits that was 1 and stays 1.
                    int sign = ((index & ~flip & high) != 0 ? 1 : 0) + ((index & ~flip & 1) != 0 ? 1 : 0);
                    expected[i] = sign % 2 == 0 ? 0.5 : -0.5;
                }
                foreach (long i in expected.Keys) ExpectWindow(state, i, expected, r);
                double[] p = state.Probabilities([0, n - 1]);
                foreach (double v in p)
                {
                    if (Math.Abs(v - 0.25) > 1e-6) r.Fail($"|{index}>: P(qubits 0, {n - 1}) = [{string.Join(", ", p)}], expected 0.25 each");
                }
                // A marginal of up to 23 qubits without the last (streamed in windows at 23): index's top bits and their
                // neighbour through qubit 0 carry it all.
                int m = Math.Min(23, n - 1);
                int[] qubits = [.. Enumerable.Range(0, m)];
                double[] wide = state.Probabilities(qubits);
                long o0 = (index >> (n - m)) & ((1L << m) - 1), o1 = o0 ^ (1L << (m - 1));
                double rest = wide.Sum() - wide[o0] - wide[o1];
                if (Math.Abs(wide[o0] - 0.5) > 1e-6 || Math.Abs(wide[o1] - 0.5) > 1e-6 || Math.Abs(rest) > 1e-6)
                    r.Fail($"|{index}>: the {m}-qubit marginal puts {wide[o0]}, {wide[o1]} on outcomes {o0}, {o1} and {rest} elsewhere");
                // Sampling all qubits: r < 0.25 lands on the smallest of the four indices, r >= 0.75 on the largest.
                var outcomes = new ulong[2];
                state.Sample([.. Enumerable.Range(0, n)], [0.1, 0.9], outcomes);
                long[] sorted = [.. expected.Keys.Order()];
                if (outcomes[0] != (ulong)sorted[0] || outcomes[1] != (ulong)sorted[3])
                    r.Fail($"|{index}>: sampling all {n} qubits gave {outcomes[0]}, {outcomes[1]}, expected {sorted[0]}, {sorted[3]}");
                // MEASURE qubit 0 with r = 0.75 >= p0 = 0.5: outcome 1, the state keeps the two indices with the top bit set.
                var measure = new OpBatch(n);
                measure.Add(QiboOpKind.Measure, [0], [], cbit: 0);
                byte[] cbits = new byte[1];
                state.Apply(measure, [0.75], cbits);
                if (cbits[0] != 1) r.Fail($"|{index}>: MEASURE with r = 0.75 gave {cbits[0]}");
                double s = Math.Sqrt(0.5);
                var collapsed = new Dictionary<long, Complex>();
                foreach (var (i, a) in expected) collapsed[i] = (i & high) != 0 ? a * 2 * s : 0;
                foreach (long i in expected.Keys) ExpectWindow(state, i, collapsed, r);
                checks++;
            }
            r.Metrics.Add(("indices", checks));
            if (r.Status == "pass") r.Detail = $"basis states {string.Join(", ", indices)}: amplitudes, H, marginals (2 and {Math.Min(23, n - 1)} qubits), sampling, MEASURE";
        });
    }

    /// <summary>Reads amplitudes index-2 .. index+2 and compares them with <paramref name="expected"/> (0 where absent).</summary>
    private static void ExpectWindow(IQuantumState state, long index, Dictionary<long, Complex> expected, CheckResult r)
    {
        long top = (1L << state.NQubits) - 1;
        long first = Math.Max(0, index - 2), last = Math.Min(top, index + 2);
        var window = new Complex[last - first + 1];
        state.GetAmplitudes(first, window);
        for (long i = first; i <= last; i++)
        {
            Complex want = expected.GetValueOrDefault(i);
            if ((window[i - first] - want).Magnitude > 1e-6)
                r.Fail($"amplitude {i} is {window[i - first]}, expected {want}");
        }
    }

    public static string Format(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB" : $"{bytes / (double)(1L << 20):0.#} MiB";
}
