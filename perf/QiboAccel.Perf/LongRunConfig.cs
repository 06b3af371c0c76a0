using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace QiboAccel.Perf;

/// <summary>
/// For benchmarks whose one invocation takes from a tenth of a second to minutes (whole circuits, gradients, large
/// states): one launch, one warm-up, a few single-invocation iterations, and ratios printed as plain values.
/// </summary>
public abstract class LongRunConfig : ManualConfig
{
    /// <summary>A job named <paramref name="id"/> measuring <paramref name="iterations"/> iterations.</summary>
    protected LongRunConfig(string id, int iterations)
    {
        AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1)
            .WithIterationCount(iterations).WithInvocationCount(1).WithUnrollFactor(1).WithId(id));
        SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Value);
    }
}
