using QiboAccel;
using QiboAccel.Cli;
using QiboAccel.Qasm;

const string Usage = """
    usage: qiboaccel <command> [options]

    commands:
      run CIRCUIT.qasm   run an OpenQASM 2.0 circuit
          --backend SPEC            cpu (default), cpu:threads=N, a path to a .so or manifest, LANG@NAME
                                    mpi (cpu:mpi) under mpirun -np 2^k: one state split over the ranks
          --precision double|single amplitude precision (default double)
          --shots N                 sample N shots
          --seed S                  seed of the host random numbers (default: random, printed)
          --state                   print the final state vector
          --json                    print one JSON object on stdout
          --density-matrix          simulate the density matrix (2n-qubit vector); prints purity and probabilities
          --noise MODEL.json        insert noise channels (see README, "Noise, density matrices, expectation values")
          --expectation "0.5*Z0*Z1 - 1.2*X2 + 3"   print the exact expectation value of a sum of Pauli strings
      backends [--json]  list installed backends (manifests) and their capabilities
      bench              the same circuits on several backends, side by side
          --backends A,B,...        specifiers (default cpu); the first is the reference for ratios and fidelity
          --circuits qft,variational,random,ghz,hlayers,FILE.qasm   (default qft,variational,random,ghz)
          --qubits LO..HI           (default 10..20)   --precision double|single   --repeat R (default 3)
          --json FILE  --csv FILE  --svg FILE         also write the results there
      conformance SPEC   run every conformance case against a backend, each in its own process
          --case NAME               run one case;  --list: list the cases
      help               this text
    """;

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
        _ => throw new UsageException($"unknown command '{args[0]}' (try: qiboaccel help)"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"qiboaccel: {e.Message}");
    return 2;
}
catch (Exception e) when (e is QasmException or BackendException or FormatException or ArgumentException or IOException
                              or UnauthorizedAccessException or InvalidOperationException)
{
    Console.Error.WriteLine($"qiboaccel: error: {e.Message}");
    return 1;
}
