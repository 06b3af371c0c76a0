using BenchmarkDotNet.Running;

// dotnet run -c Release --project perf/QiboAccel.Perf -- --filter '*HLayer*'
// dotnet run -c Release --project perf/QiboAccel.Perf -- small-loop [backend specs]   (a quick Stopwatch loop)
if (args.Length > 0 && args[0] == "small-loop")
{
    QiboAccel.Perf.SmallCircuitLoop.Run(args[1..]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(QiboAccel.Perf.HLayerBenchmark).Assembly).Run(args);
