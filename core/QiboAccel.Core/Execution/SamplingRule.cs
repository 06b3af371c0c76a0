using System.Numerics;

namespace QiboAccel.Execution;

/// <summary>
/// The ABI's sampling rule in managed code, used when a backend leaves the optional probabilities/sample slots
/// NULL: marginals with the first listed qubit most significant, and for each random r the smallest index i
/// with r·Σp &lt; p[0] + … + p[i], summed in increasing i (when rounding leaves none, the largest i with p[i] &gt; 0).
/// </summary>
public static class SamplingRule
{
    /// <summary>Marginal probabilities of <paramref name="qubits"/> from full amplitudes.</summary>
    public static double[] Marginal(ReadOnlySpan<Complex> amplitudes, int nQubits, ReadOnlySpan<int> qubits)
    {
        var result = new double[1L << qubits.Length];
        for (long index = 0; index < amplitudes.Length; index++)
        {
            long outcome = 0;
            foreach (int q in qubits) outcome = (outcome << 1) | ((index >> (nQubits - 1 - q)) & 1);
            Complex a = amplitudes[(int)index];
            result[outcome] += a.Real * a.Real + a.Imaginary * a.Imaginary;
        }
        return result;
    }

    /// <summary>
    /// Samples outcomes from <paramref name="probabilities"/> by the ABI's rule. The shots are taken in increasing
    /// order of their random number and the cumulative sums formed once alongside (O(shots·log shots) plus one pass),
    /// rather than searched per shot: on 2^20 and more outcomes a search per shot is a cache miss per step.
    /// </summary>
    public static void Sample(ReadOnlySpan<double> probabilities, ReadOnlySpan<double> randoms, Span<ulong> outcomes)
    {
        double sum = 0;
        foreach (double p in probabilities) sum += p;
        var targets = randoms.ToArray();
        var order = new int[targets.Length];
        for (int s = 0; s < order.Length; s++) order[s] = s;
        Array.Sort(targets, order);
        int next = 0;
        double cumulative = 0;
        for (int i = 0; i < probabilities.Length && next < targets.Length; i++)
        {
            cumulative += probabilities[i];
            // x -> x·sum is monotone, so the sorted randoms give sorted targets.
            while (next < targets.Length && targets[next] * sum < cumulative) outcomes[order[next++]] = (ulong)i;
        }
        if (next == targets.Length) return;
        // Rounding left no such index (r just below 1): the largest index with p > 0, i.e. the first whose
        // cumulative sum reaches the total.
        cumulative = 0;
        int last = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            cumulative += probabilities[i];
            last = i;
            if (cumulative >= sum) break;
        }
        while (next < targets.Length) outcomes[order[next++]] = (ulong)last;
    }
}
