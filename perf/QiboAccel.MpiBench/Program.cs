using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using QiboAccel;
using QiboAccel.Abi;
using QiboAccel.Benchmarking;
using QiboAccel.Execution;

// QiboAccel.MpiBench SPEC LO HI GATES — under mpirun, with QIBO_MPI_STATS=FILE set for every rank (perf/mpi-bench.sh
// does both). For each n in LO..HI: GATES single-gate batches on the two lowest qubits (local on every rank), GATES on
// the two highest (global on 2+ ranks: each costs one exchange, since the layout evicts one of them to bring the
// other in), then the QFT and a random circuit (10 n gates) as one batch each. Rank 0 prints one JSON line per n;
// bytes and exchanges come from the backend's own counters (the stats file).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: QiboAccel.MpiBench SPEC LO HI GATES   (under mpirun, QIBO_MPI_STATS set)");
    return 2;
}
string spec = args[0];
int lo = int.Parse(args[1], CultureInfo.InvariantCulture), hi = int.Parse(args[2], CultureInfo.InvariantCulture);
int gates = int.Parse(args[3], CultureInfo.InvariantCulture);
string stats = Environment.GetEnvironmentVariable("QIBO_MPI_STATS") ?? throw new InvalidOperationException("QIBO_MPI_STATS is not set");
bool root = Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK") is null or "0";
long statsRead = File.Exists(stats) ? new FileInfo(stats).Length : 0;

// The stats lines the backend appended since the last call (rank 0's file; other ranks get nothing).
List<JsonElement> NewStats()
{
    if (!root || !File.Exists(stats)) return [];
    using var stream = new FileStream(stats, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
    stream.Seek(statsRead, SeekOrigin.Begin);
    string text = new StreamReader(stream).ReadToEnd();
    statsRead = stream.Length;
    return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}

using IBackend backend = Backends.Load(spec);
foreach (int n in Enumerable.Range(lo, hi - lo + 1))
{
    var row = new Dictionary<string, object> { ["qubits"] = n, ["device"] = backend.Info.Device };
    using (IQuantumState state = backend.CreateState(n, Precision.Double))
    {
        var layer = new OpBatch(n);
        for (int q = 0; q < n; q++) layer.Add(QiboOpKind.H, [q], []);
        state.Apply(layer);
        NewStats();
        foreach (var (name, a, b) in new[] { ("local", n - 1, n - 2), ("global", 0, 1) })
        {
            // Reading an amplitude puts every qubit back at its own place: qubits 0 and 1 are global again.
            state.GetAmplitudes(0, new System.Numerics.Complex[1]);
            NewStats();
            var times = new List<double>();
            for (int g = 0; g < gates; g++)
            {
                var one = new OpBatch(n);
                one.Add(QiboOpKind.H, [g % 2 == 0 ? a : b], []);
                var clock = Stopwatch.StartNew();
                state.Apply(one);
                times.Add(clock.Elapsed.TotalSeconds);
            }
            var seen = NewStats();
            times.Sort();
            row[$"{name}_gate_ms"] = times[times.Count / 2] * 1e3;
            row[$"{name}_exchanges_per_gate"] = seen.Count == 0 ? 0 : seen.Average(s => s.GetProperty("exchanges").GetInt64());
            row[$"{name}_bytes_per_gate"] = seen.Count == 0 ? 0 : seen.Average(s => s.GetProperty("bytes_sent").GetInt64());
            row[$"{name}_exchange_ms"] = seen.Count == 0 ? 0 : seen.Average(s => s.GetProperty("exchange_seconds").GetDouble()) * 1e3;
        }
    }
    foreach (string family in new[] { "qft", "random" })
    {
        var circuit = BenchmarkCircuits.Create(family, n);
        ExecutionResult r = backend.Execute(circuit, returnState: false, seed: 1);
        var seen = NewStats();
        row[$"{family}_gates"] = circuit.Operations.Count;
        row[$"{family}_seconds"] = r.SimulationSeconds;
        row[$"{family}_exchanges"] = seen.Sum(s => s.GetProperty("exchanges").GetInt64());
        row[$"{family}_bytes"] = seen.Sum(s => s.GetProperty("bytes_sent").GetInt64());
        row[$"{family}_exchange_seconds"] = seen.Sum(s => s.GetProperty("exchange_seconds").GetDouble());
    }
    if (root) Console.WriteLine(JsonSerializer.Serialize(row));
}
return 0;
