using System.Globalization;
using System.Numerics;
using System.Text.Json;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Qasm;

namespace QiboAccel.Tests.Bindings;

/// <summary>
/// The qiboaccel Python package (bindings/python) as a user runs it: Debian's python3, PYTHONPATH=build/python.
/// Random circuits over every gate, built gate by gate, in one batch and from OpenQASM, give the C# API's states
/// (1e-12) and seeded shots; bindings/python/tests/test_package.py (analytic and numpy references, one-line errors),
/// test_variational.py (symbolic parameters, sweeps, gradients and state expectation values against a numpy simulator
/// and its finite differences; the VQE example) and test_qibo_backend.py (qibo's numpy backend and FFT as references)
/// run one xunit case per Python test.
/// </summary>
public sealed class PythonPackageTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string> PackageTests() => PythonHarness.TestNames("test_package");

    public static TheoryData<string> VariationalTests() => PythonHarness.TestNames("test_variational");

    public static TheoryData<string> QiboTests() => PythonHarness.TestNames("test_qibo_backend");

    [Theory]
    [MemberData(nameof(PackageTests))]
    public void Package(string test) => PythonHarness.AssertPassed("test_package", test);

    [Theory]
    [MemberData(nameof(VariationalTests))]
    public void Variational(string test) => PythonHarness.AssertPassed("test_variational", test);

    [QiboTheory]
    [MemberData(nameof(QiboTests))]
    public void QiboBackend(string test) => PythonHarness.AssertPassed("test_qibo_backend", test);

    [Fact]
    public void ImportWorksAfterTheBuild()
    {
        BindingsHarness.RequireLibrary();
        // The README's line: PYTHONPATH=build/python python3 -c "import qiboaccel".
        var r = BindingsHarness.Run(PythonHarness.Python, ["-c", "import qiboaccel; print(qiboaccel.backends())"],
            new Dictionary<string, string> { ["PYTHONPATH"] = "build/python" });
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("'cpu'", r.Out);
    }

    private sealed record Case(string Name, Circuit Circuit, string? Qasm, string Backend, int Shots, ulong Seed, bool FromGates);

    private static readonly Lazy<(List<Case> Cases, JsonDocument Output)> Runs = new(() =>
    {
        var cases = new List<Case>();
        for (int seed = 1; seed <= 6; seed++)
        {
            Circuit gates = RandomCircuits.Create(3 + seed % 4, 35, new Random(200 + seed));
            string spec = seed == 5 ? "gpu" : seed == 6 ? "python@numpy" : "cpu";
            cases.Add(new Case($"gates-{seed}", gates, null, spec, 700, (ulong)(50 + seed), true));
        }
        for (int seed = 1; seed <= 3; seed++)
        {
            string qasm = CApiTests.RandomQasm(5, 60, new Random(300 + seed));
            cases.Add(new Case($"qasm-{seed}", QasmParser.Parse(qasm, $"qasm-{seed}.qasm"), qasm, seed == 3 ? "gpu" : "cpu", 600, (ulong)(70 + seed), false));
        }
        string input = Path.Combine(BindingsHarness.Temp, "python-cases.json");
        string output = Path.Combine(BindingsHarness.Temp, "python-cases-out.json");
        File.WriteAllText(input, JsonSerializer.Serialize(cases.Select(c => new Dictionary<string, object?>
        {
            ["name"] = c.Name,
            ["nqubits"] = c.Circuit.NQubits,
            ["gates"] = c.FromGates ? c.Circuit.Operations.Cast<Gate>().Select(GateEntry).ToList() : null,
            ["qasm"] = c.Qasm,
            ["backend"] = c.Backend,
            ["shots"] = c.Shots,
            ["seed"] = c.Seed,
        })));
        var (exit, stdout, err) = PythonHarness.RunScript("run_cases.py", input, output);
        Assert.True(exit == 0 && File.Exists(output), $"run_cases.py failed ({exit}):\n{stdout}\n{err}");
        return (cases, JsonDocument.Parse(File.ReadAllText(output)));
    });

    private static object[] GateEntry(Gate g)
    {
        int builtIn = g.Definition.BuiltInControls;
        var matrix = new List<double>();
        foreach (Complex z in g.UserMatrix)
        {
            matrix.Add(z.Real);
            matrix.Add(z.Imaginary);
        }
        return [g.Name, g.Controls.Take(builtIn).Concat(g.Targets).ToArray(), g.Controls.Skip(builtIn).ToArray(), g.Parameters.ToArray(), matrix];
    }

    public static TheoryData<string> CaseNames() =>
    [
        "gates-1", "gates-2", "gates-3", "gates-4", "gates-5", "gates-6", "qasm-1", "qasm-2", "qasm-3",
    ];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RandomCircuitsGiveTheStatesAndShotsOfTheCSharpApi(string name)
    {
        var (cases, output) = Runs.Value;
        Case c = cases.Single(x => x.Name == name);
        Circuit circuit = c.Circuit;
        if (c.FromGates)
        {
            circuit = new Circuit(c.Circuit.NQubits);
            foreach (Operation op in c.Circuit.Operations) circuit.Add(op);
            for (int q = 0; q < circuit.NQubits; q++) circuit.Measure(q);
        }
        using IBackend backend = BindingsHarness.LoadBackend(c.Backend);
        ExecutionResult expected = backend.Execute(circuit, c.Shots, c.Seed);
        JsonElement runs = output.RootElement.GetProperty(name);
        string[] ways = c.FromGates ? ["add", "extend"] : ["qasm"];
        foreach (string way in ways)
        {
            JsonElement run = runs.GetProperty(way);
            Assert.False(run.TryGetProperty("error", out var error), $"{way}: {error}");
            Complex[] state = [.. run.GetProperty("state").EnumerateArray().Select(z => new Complex(z[0].GetDouble(), z[1].GetDouble()))];
            Assert.True(BindingsHarness.MaxDifference(expected.State!, state) < Tolerance, $"{way}: states differ");
            var counts = run.GetProperty("frequencies").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
            BindingsHarness.SameCounts(expected.Frequencies, counts, $"{name} ({way}, seed {c.Seed.ToString(CultureInfo.InvariantCulture)})");
        }
    }
}
