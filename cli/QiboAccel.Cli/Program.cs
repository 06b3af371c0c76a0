using QiboAccel;
using QiboAccel.Cli;

const string Usage = """
    usage: qiboaccel <command> [options]

    commands:
      run CIRCUIT.qasm   run an OpenQASM 2.0 circuit
          --backend SPEC            cpu (default), cpu:threads=N, a path to a .so or manifest, LANG@NAME
                                    mpi (cpu:mpi) under mpirun -np 2^k: one state split over the ranks
          --precision double|single amplitude precision (default double)
          --shots N                 sample N shots
          --seed S                  seed of the host random numbers (default: random, printed)
          --per-shot                run mid-circuit measurement, reset, if and noise once per shot
                                    (default: once for all shots, split among the outcomes; same shots)
          --state                   print the final state vector
          --json                    print one JSON object on stdout
          --density-matrix          simulate the density matrix (2n-qubit vector); prints purity and probabilities
          --noise MODEL.json        insert noise channels (see README, "Noise, density matrices, expectation values")
          --expectation "0.5*Z0*Z1 - 1.2*X2 + 3"   print the exact expectation value of a sum of Pauli strings
          --gradient                and its gradient: by the circuit's inputs (input angle NAME;), else by every gate angle
          --gradient-method auto|adjoint|parameter-shift   (default auto: adjoint, parameter shift for noise)
          --parameters theta=0.3,phi=1   values of the circuit's inputs (by name, or in declaration order)
          --isolate                 run the backend in a child process: a crashing backend becomes an error message
      backends [--json] [--details | NAME...]   list installed backends from their manifests (nothing is loaded);
                         --details, or names, also load them and show their capabilities
      bench              the same circuits on several backends, side by side
          --backends A,B,...        specifiers (default cpu); the first is the reference for ratios and fidelity
          --circuits qft,variational,random,ghz,hlayers,FILE.qasm   (default qft,variational,random,ghz)
          --qubits LO..HI           (default 10..20)   --precision double|single   --repeat R (default 3)
          --json FILE  --csv FILE  --svg FILE         also write the results there
      conformance SPEC   run every conformance case against a backend, each in its own process
          --case NAME               run one case;  --list: list the cases
      device-check       a GPU backend's first contact with a device: conformance, every gate vs a reference,
                         reductions, MEASURE, 31-32-qubit states, threads, GB/s per gate (device-check --help)
      help               this text

    --debug (or QIBOACCEL_DEBUG=1) prints the stack trace of an error. Input limits (environment variables):
    QIBOACCEL_MAX_QUBITS, _CLBITS, _OPERATIONS, _SHOTS, _NOISE_RULES, _CIRCUIT_BYTES, _JSON_BYTES, _JSON_DEPTH (see README).
    """;

// --debug (anywhere) or QIBOACCEL_DEBUG=1: errors also print their stack trace.
bool debug = args.Contains("--debug") || Environment.GetEnvironmentVariable("QIBOACCEL_DEBUG") is "1" or "true" or "yes";
args = [.. args.Where(a => a != "--debug")];
ErrorReport.Debug = debug;
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    // A fault on another thread: still one line and a non-zero exit, not the runtime's dump.
    ErrorReport.Write(e.ExceptionObject as Exception ?? new InvalidOperationException(e.ExceptionObject?.ToString()));
    Environment.Exit(ErrorReport.InternalErrorExitCode);
};

try
{
    MpiLaunch.QuietSecondaryRanks(); // under mpirun/srun only rank 0 prints
    if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
    {
        Console.WriteLine(Usage);
        return args.Length == 0 ? 2 : 0;
    }
    return args[0] switch
    {
        "run" => RunCommand.Execute(args[1..]),
        "backends" => BackendsCommand.Execute(args[1..]),
        "conformance" => ConformanceCommand.Execute(args[1..]),
        "bench" => QiboAccel.Cli.Bench.BenchCommand.Execute(args[1..]),
        "device-check" => QiboAccel.Cli.DeviceCheck.DeviceCheckCommand.Execute(args[1..]),
        _ => throw new UsageException($"unknown command '{QiboAccel.Safety.MessageText.Clip(args[0], 40)}' (try: qiboaccel help)"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"qiboaccel: {QiboAccel.Safety.MessageText.Clip(e.Message, 400)}");
    return 2;
}
catch (Exception e)
{
    return ErrorReport.Write(e);
}
