using System.Text.Json;
using QiboAccel;
using QiboAccel.Conformance;
using QiboAccel.MpiDriver;

// QiboAccel.MpiDriver SPEC OUTPUT_DIR [MODE] — run under mpirun: every rank loads backend SPEC and writes what it
// saw to OUTPUT_DIR/rank<R>.json. Modes:
//   (none)       every scenario of MpiScenarios;
//   conformance  every conformance case except "threads" (concurrent calls from several threads reach the ranks in
//                different orders, which the mpi mode refuses rather than hangs on);
//   diverge      rank 1 applies a different circuit than the others;
//   diverge-overlaps  rank 1 asks for another expectation value, inner product and copy than the others, then all
//                agree on one inner product (the job must go on after the errors);
//   leave        rank 1 leaves before a collective the others enter (the exit barrier must end the job).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: QiboAccel.MpiDriver SPEC OUTPUT_DIR [conformance|diverge|leave]");
    return 2;
}
string spec = args[0], output = args[1], mode = args.Length > 2 ? args[2] : "scenarios";
int rank = int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK"), out int r) ? r : 0;
string WithOptions(string options) => spec.Contains(':') || spec.Contains('?') ? $"{spec},{options}" : $"{spec}:{options}";
var results = new Dictionary<string, ScenarioResult>();
var loaded = new List<IBackend>();
IBackend Load(string options)
{
    IBackend b = Backends.Load(options.Length == 0 ? spec : WithOptions(options));
    loaded.Add(b);
    return b;
}
IBackend backend = Load("");
switch (mode)
{
    case "scenarios":
        var reloaded = new Dictionary<string, IBackend>();
        foreach (var scenario in MpiScenarios.All)
        {
            try
            {
                results[scenario.Name] = scenario.Run(new MpiScenarios.Context(backend,
                    options => reloaded.TryGetValue(options, out IBackend? b) ? b : reloaded[options] = Load(options)));
            }
            catch (BackendException e)
            {
                results[scenario.Name] = new ScenarioResult { Error = e.Message };
            }
        }
        break;
    case "conformance":
        foreach (ConformanceCase c in ConformanceSuite.All.Where(c => c.Name != "threads"))
        {
            try
            {
                c.Run(new ConformanceContext(backend, options => Load(options)));
                results[c.Name] = new ScenarioResult();
            }
            catch (ConformanceNotApplicable e)
            {
                results[c.Name] = new ScenarioResult { NotApplicable = e.Message };
            }
            catch (Exception e)
            {
                results[c.Name] = new ScenarioResult { Error = $"{e.GetType().Name}: {e.Message}" };
            }
        }
        break;
    case "diverge":
        var circuit = new QiboAccel.Circuits.Circuit(12);
        circuit.Add(QiboAccel.Gates.GateKind.H, [rank == 1 ? 1 : 0]);
        try
        {
            QiboAccel.Execution.Executor.Execute(backend, circuit, seed: 1);
            results[mode] = new ScenarioResult();
        }
        catch (BackendException e)
        {
            results[mode] = new ScenarioResult { Error = e.Message };
        }
        break;
    case "diverge-overlaps":
        using (IQuantumState a = backend.CreateState(12, Precision.Double), b = backend.CreateState(12, Precision.Double))
        {
            ScenarioResult Try(Func<double[]> run)
            {
                try
                {
                    return new ScenarioResult { Values = run() };
                }
                catch (BackendException e)
                {
                    return new ScenarioResult { Error = e.Message };
                }
            }
            var h = new QiboAccel.Execution.OpBatch(12);
            h.Add(QiboAccel.Abi.QiboOpKind.H, [0], []);
            a.Apply(h);
            results["expectation"] = Try(() => [a.Expectation(QiboAccel.Observables.Observable.Parse(rank == 1 ? "X0" : "Z0"))]);
            results["inner-product"] = Try(() => [(rank == 1 ? b.InnerProduct(a) : a.InnerProduct(b)).Real]);
            results["copy"] = Try(() =>
            {
                if (rank == 1) b.CopyTo(a);
                else a.CopyTo(b);
                return [];
            });
            results["after"] = Try(() => [a.InnerProduct(b).Real, a.Expectation(QiboAccel.Observables.Observable.Parse("X0"))]);
        }
        break;
    case "leave":
        if (rank == 1) return 3;
        using (backend.CreateState(12, Precision.Double)) results[mode] = new ScenarioResult();
        break;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}'");
        return 2;
}
foreach (IBackend b in loaded) b.Dispose();
Directory.CreateDirectory(output);
File.WriteAllText(Path.Combine(output, $"rank{rank}.json"), JsonSerializer.Serialize(results));
return 0;
