using BenchmarkDotNet.Running;

// dotnet run -c Release --project perf/QiboAccel.Perf -- --filter '*HLayer*'
BenchmarkSwitcher.FromAssembly(typeof(QiboAccel.Perf.MemoryPass).Assembly).Run(args);
