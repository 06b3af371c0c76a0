using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// libqibo_cpu.so's marginal probabilities for more than 16 chosen qubits (finding H7: sampling every qubit of a
/// large state went through a per-outcome gather). The leading-qubits-in-order path (every qubit, or the first m)
/// and the general path must give |amplitude|² summed as a direct computation from the amplitudes does, and
/// sampling must follow the ABI's rule on those probabilities.
/// </summary>
public class CpuProbabilityPathTests
{
    private const int N = 18;

    private static (IBackend Backend, IQuantumState State, Complex[] Amplitudes) RandomState(Precision precision)
    {
        var backend = TestBackends.Load("backends", "cpu.json");
        var circuit = new Circuit(N);
        var rng = new Random(7);
        for (int q = 0; q < N; q++) circuit.Add(GateKind.RY, [q], rng.NextDouble() * Math.PI);
        for (int q = 0; q + 1 < N; q++) circuit.Add(GateKind.CNOT, [q, q + 1]);
        for (int q = 0; q < N; q++) circuit.Add(GateKind.RZ, [q], rng.NextDouble() * Math.PI);
        var state = backend.CreateState(N, precision);
        var batch = new OpBatch(N);
        int index = 0;
        foreach (var op in circuit.Operations) Lowering.AddGate(batch, (Gate)op, backend.Info, index++);
        state.Apply(batch);
        var amplitudes = new Complex[1 << N];
        state.GetAmplitudes(0, amplitudes);
        return (backend, state, amplitudes);
    }

    /// <summary>Σ |a_i|² over the i whose chosen qubits spell the outcome (first chosen qubit most significant).</summary>
    private static double[] Direct(Complex[] amplitudes, int[] qubits)
    {
        var p = new double[1L << qubits.Length];
        for (long i = 0; i < amplitudes.Length; i++)
        {
            long outcome = 0;
            foreach (int q in qubits) outcome = (outcome << 1) | ((i >> (N - 1 - q)) & 1);
            p[outcome] += amplitudes[i].Real * amplitudes[i].Real + amplitudes[i].Imaginary * amplitudes[i].Imaginary;
        }
        return p;
    }

    [Theory]
    [InlineData(Precision.Double)]
    [InlineData(Precision.Single)]
    public void ManyQubitMarginalsMatchTheAmplitudes(Precision precision)
    {
        var (backend, state, amplitudes) = RandomState(precision);
        using (backend)
        using (state)
        {
            int[] all = [.. Enumerable.Range(0, N)];
            int[] leading = [.. Enumerable.Range(0, 17)];
            int[] permuted = [.. Enumerable.Range(0, N).Reverse()];
            foreach (int[] qubits in new[] { all, leading, permuted })
            {
                double[] expected = Direct(amplitudes, qubits), actual = state.Probabilities(qubits);
                Assert.Equal(expected.Length, actual.Length);
                double worst = 0;
                for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
                Assert.True(worst < 1e-12, $"{qubits.Length} qubits: worst difference {worst:E2}");
            }
        }
    }

    [Fact]
    public void SamplingEveryQubitFollowsTheRule()
    {
        var (backend, state, amplitudes) = RandomState(Precision.Double);
        using (backend)
        using (state)
        {
            int[] all = [.. Enumerable.Range(0, N)];
            double[] p = Direct(amplitudes, all);
            var cumulative = new double[p.Length];
            double sum = 0;
            for (int i = 0; i < p.Length; i++) cumulative[i] = sum += p[i];
            var rng = new HostRandom(99);
            var randoms = new double[2000];
            rng.Fill(randoms);
            var outcomes = new ulong[randoms.Length];
            state.Sample(all, randoms, outcomes);
            int mismatches = 0;
            for (int s = 0; s < randoms.Length; s++)
            {
                // The smallest i with r·Σp < p0 + … + pi; a rounding tie at a boundary may go either way.
                int expected = Array.FindIndex(cumulative, c => randoms[s] * sum < c);
                if ((long)outcomes[s] != expected && Math.Abs(cumulative[expected] - randoms[s] * sum) > 1e-12) mismatches++;
            }
            Assert.Equal(0, mismatches);
        }
    }
    /// <summary>
    /// Above 2^16 outcomes the backend samples by sorting the shots and sweeping the cumulative sums once, streaming
    /// |a|² from the state when the qubits are the leading ones in order. Its shots must be exactly the header's rule
    /// applied, shot by shot, to the marginal its state_probabilities gives (the header forms both the same way).
    /// </summary>
    [Theory]
    [InlineData(Precision.Double, "")]
    [InlineData(Precision.Single, "")]
    [InlineData(Precision.Double, "threads=1")]
    public void SortedSweepSamplingIsTheRuleOnTheMarginal(Precision precision, string options)
    {
        var (backend, state, _) = RandomState(precision);
        using (backend)
        using (state)
        using (var other = TestBackends.Load("backends", "cpu.json", options))
        using (var copy = other.CreateState(N, precision))
        {
            var amplitudes = new Complex[1 << N];
            state.GetAmplitudes(0, amplitudes);
            copy.SetAmplitudes(0, amplitudes);
            int[] all = [.. Enumerable.Range(0, N)];
            int[][] selections = [all, [.. Enumerable.Range(0, 17)], [.. Enumerable.Range(1, 17)], [.. all.Reverse()], [.. Enumerable.Range(0, 16)]];
            var rng = new HostRandom(5);
            var randoms = new double[3000];
            rng.Fill(randoms);
            randoms[10] = randoms[20] = randoms[30] = randoms[40];
            randoms[50] = 0;
            randoms[60] = Math.BitDecrement(1.0);
            foreach (int[] qubits in selections)
            {
                double[] p = copy.Probabilities(qubits);
                var cumulative = new double[p.Length];
                double sum = 0;
                for (int i = 0; i < p.Length; i++) cumulative[i] = sum += p[i];
                var outcomes = new ulong[randoms.Length];
                copy.Sample(qubits, randoms, outcomes);
                for (int s = 0; s < randoms.Length; s++)
                {
                    int lo = 0, hi = cumulative.Length - 1; // the smallest i with r·Σp < cumulative[i] (the last one is Σp)
                    while (lo < hi)
                    {
                        int mid = (lo + hi) / 2;
                        if (randoms[s] * sum < cumulative[mid]) hi = mid; else lo = mid + 1;
                    }
                    int expected = lo;
                    Assert.True((long)outcomes[s] == expected, $"{qubits.Length} qubits from {qubits[0]}, shot {s} (r = {randoms[s]:R}): got {outcomes[s]}, the rule gives {expected}");
                }
            }
        }
    }
}
