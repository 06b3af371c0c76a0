using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using QiboAccel.Benchmarking;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Qasm;

namespace QiboAccel.Cli.Bench;

/// <summary>
/// <c>qiboaccel bench</c>: the same circuits on several backends in one process, with the medians, the ratio to the
/// first backend, effective bandwidth against this machine's read-modify-write pass measured in the same run, and the
/// fidelity of each final state to the first backend's.
/// </summary>
internal static class BenchCommand
{
    public static int Execute(string[] args)
    {
        var cl = new CommandLine(args, new HashSet<string>());
        string[] specs = (cl.Value("backends") ?? "cpu").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] circuits = (cl.Value("circuits") ?? "qft,variational,random,ghz").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        (int lo, int hi) = ParseRange(cl.Value("qubits") ?? "10..20");
        Precision precision = PrecisionExtensions.Parse(cl.Value("precision") ?? "double");
        int repeat = (int)(cl.Integer("repeat", 1, 1000) ?? 3);
        string? jsonPath = cl.Value("json"), csvPath = cl.Value("csv"), svgPath = cl.Value("svg");
        cl.RejectUnknown();
        if (cl.Positionals.Count > 0) throw new UsageException($"bench takes no positional arguments (got '{QiboAccel.Safety.MessageText.Clip(cl.Positionals[0], 60)}')");
        // Output files are checked before the benchmark runs, not after minutes of work.
        foreach (var (option, path) in new[] { ("--json", jsonPath), ("--csv", csvPath), ("--svg", svgPath) })
        {
            if (path is null) continue;
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder))
            {
                throw new UsageException($"{option} {QiboAccel.Safety.MessageText.Clip(path, 100)}: the folder '{QiboAccel.Safety.MessageText.Clip(folder, 100)}' does not exist");
            }
            if (Directory.Exists(path)) throw new UsageException($"{option} {QiboAccel.Safety.MessageText.Clip(path, 100)} is a folder; give a file name");
        }

        var backends = new List<IBackend>();
        try
        {
            foreach (string spec in specs) backends.Add(Backends.Load(spec));
            int threads = Environment.ProcessorCount;
            var rows = new List<BenchRow>();
            var jobs = new List<(string Name, Circuit Circuit)>();
            foreach (string name in circuits)
            {
                if (name.EndsWith(".qasm", StringComparison.Ordinal))
                {
                    jobs.Add((Path.GetFileNameWithoutExtension(name), QasmParser.ParseFile(name)));
                    continue;
                }
                for (int n = lo; n <= hi; n++) jobs.Add((name, BenchmarkCircuits.Create(name, n)));
            }
            // STREAM-like bandwidth, measured once on a buffer large enough that thread start-up does not count
            // (at least 256 MiB, or the largest state of the run that fits on some backend, and never more than the
            // memory available: sizes that do not fit are reported per row, not allocated here).
            int largest = jobs.Select(j => j.Circuit.NQubits).Where(n => Fits(backends, n, precision)).DefaultIfEmpty(0).Max();
            long yardstickBytes = Math.Max(256L << 20, (1L << largest) * precision.BytesPerAmplitude());
            yardstickBytes = Math.Min(yardstickBytes, Math.Max(64L << 20, QiboAccel.Safety.HostMemory.AvailableBytes() / 4));
            double streamBytesPerSecond = MeasureBandwidth(yardstickBytes, threads);
            var total = Stopwatch.StartNew();
            for (int j = 0; j < jobs.Count; j++)
            {
                var (name, circuit) = jobs[j];
                int n = circuit.NQubits;
                if (!Console.IsErrorRedirected) Console.Error.Write($"\rbench: {j + 1}/{jobs.Count} {name} n={n} ({total.Elapsed.TotalSeconds:0}s)        ");
                double pass = 2.0 * (1L << n) * precision.BytesPerAmplitude() / streamBytesPerSecond;
                rows.AddRange(RunOne(backends, specs, name, circuit, precision, repeat, pass));
            }
            if (!Console.IsErrorRedirected) Console.Error.WriteLine();
            BenchReport.WriteTable(Console.Out, rows, precision, threads, streamBytesPerSecond);
            if (jsonPath is not null) BenchReport.WriteJson(jsonPath, rows, precision, streamBytesPerSecond);
            if (csvPath is not null) BenchReport.WriteCsv(csvPath, rows);
            if (svgPath is not null) BenchReport.WriteSvg(svgPath, rows, precision);
            return rows.Any(r => r.Error is not null) ? 1 : 0;
        }
        finally
        {
            foreach (var b in backends) b.Dispose();
        }
    }

    private static bool Fits(List<IBackend> backends, int n, Precision precision)
    {
        foreach (var b in backends)
        {
            try
            {
                Executor.CheckFits(b.Info, n, precision);
                return true;
            }
            catch (BackendException)
            {
                // this size is reported as an error row
            }
        }
        return false;
    }

    /// <summary>Bytes per second of one read-modify-write pass; the buffer is released before any state is created.</summary>
    private static double MeasureBandwidth(long bytes, int threads)
    {
        double result;
        {
            var yardstick = new MemoryPass(bytes);
            result = yardstick.BytesPerPass / yardstick.MedianSeconds(threads, 5);
        }
        // The yardstick can be as large as the largest state: return it now, not whenever the GC gets to it.
        GC.Collect();
        return result;
    }

    private static IEnumerable<BenchRow> RunOne(List<IBackend> backends, string[] specs, string name, Circuit circuit,
        Precision precision, int repeat, double passSeconds)
    {
        int n = circuit.NQubits;
        long stateBytes = (1L << n) * precision.BytesPerAmplitude();
        // Bytes the gates must stream: one read and one write of the amplitudes each gate can change
        // (a gate with c controls touches 2^-c of the state).
        double bytes = circuit.Operations.OfType<Gate>().Sum(g => 2.0 * stateBytes / (1L << g.Controls.Count));
        Complex[]? reference = null;
        double first = double.NaN;
        var rows = new List<BenchRow>();
        for (int b = 0; b < backends.Count; b++)
        {
            var backend = backends[b];
            try
            {
                // The host keeps this backend's final state (and the first backend's) to compare them.
                Executor.CheckFits(backend.Info, n, precision, Executor.StateVectorHostNeeds(n, returnState: true, sampledQubits: 0));
                var batch = new OpBatch(n);
                int index = 0;
                foreach (var op in circuit.Operations)
                {
                    if (op is Gate g) Lowering.AddGate(batch, g, backend.Info, index);
                    index++;
                }
                using var state = backend.CreateState(n, precision);
                var times = new double[repeat];
                for (int r = 0; r < repeat; r++)
                {
                    state.Reset();
                    long start = Stopwatch.GetTimestamp();
                    state.Apply(batch);
                    times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                }
                Array.Sort(times);
                double median = times[repeat / 2];
                var amplitudes = new Complex[1L << n];
                state.GetAmplitudes(0, amplitudes);
                double? fidelity = null;
                if (reference is null) { reference = amplitudes; first = median; }
                else fidelity = Fidelity(reference, amplitudes);
                rows.Add(new BenchRow(name, n, batch.Count, specs[b], median, median / first, bytes, bytes / median / 1e9,
                    bytes / median / (stateBytes * 2.0 / passSeconds), median / passSeconds, fidelity, null));
            }
            catch (BackendException e)
            {
                rows.Add(new BenchRow(name, n, 0, specs[b], double.NaN, double.NaN, bytes, double.NaN, double.NaN, double.NaN, null, e.Message));
            }
        }
        return rows;
    }

    private static double Fidelity(Complex[] a, Complex[] b)
    {
        Complex overlap = Complex.Zero;
        for (int i = 0; i < a.Length; i++) overlap += Complex.Conjugate(a[i]) * b[i];
        return overlap.Magnitude * overlap.Magnitude;
    }

    private static (int, int) ParseRange(string text)
    {
        string[] parts = text.Split("..");
        bool ok = int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int lo);
        int hi = lo;
        if (parts.Length == 2) ok &= int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out hi);
        if (!ok || parts.Length > 2 || lo < 1 || hi < lo || hi > 40)
        {
            throw new UsageException($"--qubits takes N or LO..HI with 1 <= LO <= HI <= 40, got '{text}'");
        }
        return (lo, hi);
    }
}
