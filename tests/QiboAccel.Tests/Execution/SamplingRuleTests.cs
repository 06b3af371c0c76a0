using QiboAccel.Execution;

namespace QiboAccel.Tests.Execution;

/// <summary>
/// The host's sampling rule (used for backends without a sample slot, and for density matrices), which takes the shots
/// in increasing order of their random number, against the header's rule written out shot by shot with a linear scan.
/// </summary>
public class SamplingRuleTests
{
    /// <summary>Shot by shot: the first i with r·Σp &lt; p[0] + … + p[i]; if none, the largest i with p[i] &gt; 0.</summary>
    private static ulong Reference(double[] p, double r)
    {
        double sum = 0;
        foreach (double x in p) sum += x;
        double cumulative = 0;
        for (int i = 0; i < p.Length; i++)
        {
            cumulative += p[i];
            if (r * sum < cumulative) return (ulong)i;
        }
        int last = p.Length - 1;
        while (p[last] == 0) last--;
        return (ulong)last;
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(5, 0)]
    [InlineData(12, 40)]
    [InlineData(14, 1000)]
    public void SortedSweepGivesTheShotByShotRule(int bits, int zeroEnds)
    {
        var rng = new Random(bits);
        var p = new double[1 << bits];
        for (int i = 0; i < p.Length; i++)
        {
            bool zero = i < zeroEnds || i >= p.Length - zeroEnds || rng.Next(7) == 0;
            p[i] = zero && p.Length > 2 ? 0 : rng.NextDouble() * 3; // not normalised
        }
        if (p.All(x => x == 0)) p[p.Length / 2] = 1;
        var randoms = new List<double> { 0.0, Math.BitDecrement(1.0), 1 - 1e-12, 0.5 };
        for (int s = 0; s < 3000; s++) randoms.Add(rng.NextDouble());
        double[] repeated = [rng.NextDouble(), rng.NextDouble(), rng.NextDouble()];
        for (int k = 0; k < 10; k++) randoms.AddRange(repeated);
        // r·Σp on a cumulative sum and one ulp either side.
        double sum = p.Sum(), c = 0;
        for (int i = 0; i < p.Length; i += Math.Max(1, p.Length / 50))
        {
            c = p.Take(i + 1).Sum();
            foreach (double r in new[] { c / sum, Math.BitDecrement(c / sum), Math.BitIncrement(c / sum) })
            {
                if (r >= 0 && r < 1) randoms.Add(r);
            }
        }
        var outcomes = new ulong[randoms.Count];
        SamplingRule.Sample(p, randoms.ToArray(), outcomes);
        for (int s = 0; s < randoms.Count; s++)
        {
            Assert.True(outcomes[s] == Reference(p, randoms[s]),
                $"shot {s}, r = {randoms[s]:R}: got {outcomes[s]}, the rule gives {Reference(p, randoms[s])}");
        }
    }
}
