using BenchmarkDotNet.Running;

// dotnet run -c Release --project perf/QiboAccel.Perf -- --filter '*HLayer*'
BenchmarkSwitcher.FromAssembly(typeof(QiboAccel.Perf.HLayerBenchmark).Assembly).Run(args);
