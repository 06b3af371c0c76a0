using System.Diagnostics;
using QiboAccel.Benchmarking;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Perf;

/// <summary>
/// The quick form of <see cref="SmallCircuitBenchmark"/>: a Stopwatch loop (warm-up, then the median of 15 rounds of
/// 200 runs) over the 10-qubit QFT's state_apply and Execute, for each backend spec given (default: cpu, cpu:threads=1).
/// Seconds instead of BenchmarkDotNet's minutes, for trying changes; quote BenchmarkDotNet's numbers.
/// <code>dotnet run -c Release --project perf/QiboAccel.Perf -- small-loop [cpu:threads=1 ...]</code>
/// </summary>
internal static class SmallCircuitLoop
{
    public static void Run(string[] specs)
    {
        if (specs.Length == 0) specs = ["cpu", "cpu:threads=1"];
        Circuit circuit = BenchmarkCircuits.Qft(10);
        foreach (string spec in specs)
        {
            using IBackend backend = spec.StartsWith("cpu:", StringComparison.Ordinal) ? PerfBackends.Load("cpu.json", spec[4..]) : PerfBackends.LoadSpec(spec);
            using IQuantumState state = backend.CreateState(10);
            var batch = new OpBatch(10);
            foreach (Operation op in circuit.Operations) Lowering.AddGate(batch, (Gate)op, backend.Info);
            double apply = Median(() => state.Apply(batch));
            double execute = Median(() => backend.Execute(circuit, returnState: false));
            Console.WriteLine($"{spec,-16} state_apply {apply,8:F1} µs   Execute {execute,8:F1} µs   (QFT 10, median of 15 x 200 runs)");
        }
    }

    private static double Median(Action action)
    {
        for (int i = 0; i < 500; i++) action();
        var rounds = new double[15];
        for (int r = 0; r < rounds.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 200; i++) action();
            rounds[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / 200;
        }
        Array.Sort(rounds);
        return rounds[rounds.Length / 2];
    }
}
