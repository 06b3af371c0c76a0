using System.Diagnostics;
using QiboAccel.Benchmarking;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Perf;

/// <summary>
/// The quick form of <see cref="SmallCircuitBenchmark"/>: a Stopwatch loop (two seconds of warm-up so that the host's
/// code is fully compiled, then the median and the fastest of 15 rounds of 200 runs) over the 10-qubit QFT, for each backend spec
/// given (default: cpu, cpu:threads=1): state_apply of the same batch, Execute of the same circuit, and Execute of a
/// circuit not seen before (<see cref="SmallCircuits.Variants"/>). Seconds instead of BenchmarkDotNet's minutes, for
/// trying changes. <code>dotnet run -c Release --project perf/QiboAccel.Perf -- small-loop [cpu:threads=1 ...]</code>
/// </summary>
internal static class SmallCircuitLoop
{
    public static void Run(string[] specs)
    {
        if (specs.Length == 0) specs = ["cpu", "cpu:threads=1"];
        Circuit circuit = BenchmarkCircuits.Qft(SmallCircuits.Qubits);
        Circuit[] variants = SmallCircuits.Variants(64);
        foreach (string spec in specs)
        {
            using IBackend backend = spec.StartsWith("cpu:", StringComparison.Ordinal) ? PerfBackends.Load("cpu.json", spec[4..]) : PerfBackends.LoadSpec(spec);
            using IQuantumState state = backend.CreateState(SmallCircuits.Qubits);
            var batch = new OpBatch(SmallCircuits.Qubits);
            foreach (Operation op in circuit.Operations) Lowering.AddGate(batch, (Gate)op, backend.Info);
            int next = 0;
            var (apply, applyMin) = Time(() => state.Apply(batch));
            var (execute, executeMin) = Time(() => backend.Execute(circuit, returnState: false));
            var (fresh, freshMin) = Time(() => backend.Execute(variants[next++ % variants.Length], returnState: false));
            Console.WriteLine($"{spec,-22} state_apply {apply,6:F1} ({applyMin,5:F1}) µs   Execute {execute,6:F1} ({executeMin,5:F1}) µs   Execute, new circuit {fresh,6:F1} ({freshMin,5:F1}) µs");
        }
    }

    /// <summary>Median and (in parentheses when printed) fastest of the rounds: the fastest is the steadier on a shared machine.</summary>
    private static (double Median, double Min) Time(Action action)
    {
        for (long start = Stopwatch.GetTimestamp(); Stopwatch.GetElapsedTime(start).TotalSeconds < 2;)
        {
            for (int i = 0; i < 100; i++) action();
        }
        var rounds = new double[15];
        for (int r = 0; r < rounds.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 200; i++) action();
            rounds[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / 200;
        }
        Array.Sort(rounds);
        return (rounds[rounds.Length / 2], rounds[0]);
    }
}
