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
    private static readonly HashSet<string> Flags = ["state", "json", "density-matrix", "isolate", "gradient", "per-shot"];

    public static int Execute(string[] args)
    {
        var cl = new CommandLine(args, Flags);
        string spec = cl.Value("backend") ?? "cpu";
        Precision precision = PrecisionExtensions.Parse(cl.Value("precision") ?? "double");
        int shots = (int)(cl.Integer("shots", 0, int.MaxValue) ?? 0);
        ulong? seed = cl.Value("seed") is { } s
            ? ulong.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out ulong v)
                ? v : throw new UsageException($"--seed must be a whole number from 0 to {ulong.MaxValue}, got '{QiboAccel.Safety.MessageText.Clip(s, 40)}'")
            : MpiLaunch.SharedSeed();
        bool wantState = cl.Flag("state");
        bool json = cl.Flag("json");
        bool densityMatrix = cl.Flag("density-matrix");
        ShotExecution execution = cl.Flag("per-shot") ? ShotExecution.PerShot : ShotExecution.Branching;
        string? noiseFile = cl.Value("noise");
        string? expectationText = cl.Value("expectation");
        bool isolate = cl.Flag("isolate");
        bool wantGradient = cl.Flag("gradient");
        string? parameterText = cl.Value("parameters");
        Gradients.GradientMethod gradientMethod = GradientReport.ParseMethod(cl.Value("gradient-method"));
        cl.RejectUnknown();
        if (cl.Positionals.Count != 1) throw new UsageException("run needs exactly one circuit file: qiboaccel run CIRCUIT.qasm");
        string file = cl.Positionals[0];
        QiboAccel.Safety.InputLimits.Shots.Check(shots, $"--shots {shots}");
        if (isolate) return RunIsolated(args, spec);
        Observable? observable = expectationText is null ? null : Observable.Parse(expectationText);
        if (wantGradient && observable is null) throw new UsageException("--gradient needs --expectation \"...\" (the observable to differentiate)");
        NoiseModel? noise = noiseFile is null ? null : NoiseModel.Load(noiseFile);

        var total = Stopwatch.StartNew();
        var parse = Stopwatch.StartNew();
        var warnings = new List<string>();
        Circuit circuit = QasmParser.ParseFile(file, warnings);
        parse.Stop();
        foreach (string warning in warnings) Console.Error.WriteLine($"qiboaccel: {warning}");
        double[] parameterValues = GradientReport.ParseValues(parameterText, circuit);
        Circuit bound = circuit.Parameters.Count == 0 ? circuit : circuit.Bind(parameterValues);

        var load = Stopwatch.StartNew();
        using IBackend backend = Backends.Load(spec);
        load.Stop();

        var progress = new ConsoleProgress("shots");
        ExecutionResult result = backend.Execute(bound, shots, seed, precision, returnState: wantState || observable is not null,
            progress: progress, densityMatrix: densityMatrix, noise: noise, execution: execution);
        progress.Done();
        double? expectation = observable is null ? null : result.Expectation(observable);
        GradientReport? gradient = wantGradient
            ? GradientReport.Compute(backend, circuit, parameterValues, observable!, gradientMethod, precision, densityMatrix, noise)
            : null;
        total.Stop();

        var timings = new Timings(parse.Elapsed.TotalSeconds, load.Elapsed.TotalSeconds, result.SimulationSeconds,
            result.SamplingSeconds, total.Elapsed.TotalSeconds);
        if (json)
        {
            JsonReport.Write(Console.OpenStandardOutput(), file, circuit, backend.Info, result, timings, wantState, observable, expectation, gradient);
        }
        else
        {
            TextReport.Write(Console.Out, file, circuit, backend.Info, result, timings, wantState, observable, expectation);
            gradient?.WriteText(Console.Out);
        }
        return 0;
    }

    /// <summary>
    /// <c>--isolate</c>: the same run in a child process (<see cref="SelfProcess"/>, as the conformance kit runs its
    /// cases), whose output and errors pass straight through. A backend that kills the child with a signal becomes
    /// one line here instead of taking the program down with nothing said.
    /// </summary>
    private static int RunIsolated(string[] args, string spec)
    {
        var child = SelfProcess.Run(["run", .. args.Where(a => a is not ("--isolate" or "--isolate=true" or "--isolate=yes" or "--isolate=1" or "--isolate=on"))],
            redirect: false);
        if (child.Signal is not { } signal) return child.ExitCode;
        Console.Error.WriteLine($"qiboaccel: error: the run in its isolated process was killed by {SelfProcess.SignalName(signal)} "
            + $"(signal {signal}): backend '{QiboAccel.Safety.MessageText.Clip(spec, 200)}' crashed");
        return 1;
    }
}

/// <summary>Wall-clock seconds of each phase of a run.</summary>
internal sealed record Timings(double Parse, double Load, double Simulate, double Sample, double Total);
