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

    /// <summary>Samples outcomes from <paramref name="probabilities"/> by the ABI's rule.</summary>
    public static void Sample(ReadOnlySpan<double> probabilities, ReadOnlySpan<double> randoms, Span<ulong> outcomes)
    {
        var cumulative = new double[probabilities.Length];
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++) cumulative[i] = sum += probabilities[i];
        for (int s = 0; s < randoms.Length; s++)
        {
            double target = randoms[s] * sum;
            int lo = 0, hi = cumulative.Length - 1;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (target < cumulative[mid]) hi = mid; else lo = mid + 1;
            }
            // Rounding left no such index (r just below 1): the largest index with p > 0, as the header says.
            if (!(target < cumulative[lo])) while (lo > 0 && cumulative[lo] == cumulative[lo - 1]) lo--;
            outcomes[s] = (ulong)lo;
        }
    }
}
