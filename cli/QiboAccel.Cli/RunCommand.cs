using System.Diagnostics;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Noise;
using QiboAccel.Observables;
using QiboAccel.Qasm;

namespace QiboAccel.Cli;

/// <summary><c>qiboaccel run CIRCUIT.qasm ...</c></summary>
internal static class RunCommand
{
    private static readonly HashSet<string> Flags = ["state", "json", "density-matrix"];

    public static int Execute(string[] args)
    {
        var cl = new CommandLine(args, Flags);
        if (cl.Positionals.Count != 1) throw new UsageException("run needs exactly one circuit file: qiboaccel run CIRCUIT.qasm");
        string file = cl.Positionals[0];
        string spec = cl.Value("backend") ?? "cpu";
        Precision precision = PrecisionExtensions.Parse(cl.Value("precision") ?? "double");
        int shots = (int)(cl.Integer("shots", 0, int.MaxValue) ?? 0);
        ulong? seed = cl.Value("seed") is { } s
            ? ulong.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out ulong v)
                ? v : throw new UsageException($"--seed must be a whole number from 0 to {ulong.MaxValue}, got '{s}'")
            : MpiLaunch.SharedSeed();
        bool wantState = cl.Flag("state");
        bool json = cl.Flag("json");
        bool densityMatrix = cl.Flag("density-matrix");
        string? noiseFile = cl.Value("noise");
        string? expectationText = cl.Value("expectation");
        cl.RejectUnknown();
        Observable? observable = expectationText is null ? null : Observable.Parse(expectationText);
        NoiseModel? noise = noiseFile is null ? null : NoiseModel.Load(noiseFile);

        var total = Stopwatch.StartNew();
        var parse = Stopwatch.StartNew();
        var warnings = new List<string>();
        Circuit circuit = QasmParser.ParseFile(file, warnings);
        parse.Stop();
        foreach (string warning in warnings) Console.Error.WriteLine($"qiboaccel: {warning}");

        var load = Stopwatch.StartNew();
        using IBackend backend = Backends.Load(spec);
        load.Stop();

        var progress = new ConsoleProgress("shots");
        ExecutionResult result = backend.Execute(circuit, shots, seed, precision, returnState: wantState || observable is not null,
            progress: progress, densityMatrix: densityMatrix, noise: noise);
        progress.Done();
        double? expectation = observable is null ? null : result.Expectation(observable);
        total.Stop();

        var timings = new Timings(parse.Elapsed.TotalSeconds, load.Elapsed.TotalSeconds, result.SimulationSeconds,
            result.SamplingSeconds, total.Elapsed.TotalSeconds);
        if (json)
        {
            JsonReport.Write(Console.OpenStandardOutput(), file, circuit, backend.Info, result, timings, wantState, observable, expectation);
        }
        else
        {
            TextReport.Write(Console.Out, file, circuit, backend.Info, result, timings, wantState, observable, expectation);
        }
        return 0;
    }
}

/// <summary>Wall-clock seconds of each phase of a run.</summary>
internal sealed record Timings(double Parse, double Load, double Simulate, double Sample, double Total);
