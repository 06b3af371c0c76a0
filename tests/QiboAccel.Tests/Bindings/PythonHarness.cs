using System.Text.Json;
using System.Text.RegularExpressions;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Bindings;

/// <summary>
/// Runs the Python side of the bindings with Debian's /usr/bin/python3 and PYTHONPATH=build/python (as a user after
/// <c>./qiboaccel build</c>): each unittest module once per test run, its per-test outcomes read back so that every
/// Python test is one xunit case.
/// </summary>
internal static partial class PythonHarness
{
    public const string Python = "/usr/bin/python3";

    public static string TestsFolder => RepoPaths.Combine("bindings", "python", "tests");

    /// <summary>The qibo 0.2.16 source tree the qibo tests use: $QIBOACCEL_QIBO_SRC, else ../shared/qibo-0.2.16.</summary>
    public static string QiboSource
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("QIBOACCEL_QIBO_SRC");
            return Path.GetFullPath(string.IsNullOrEmpty(env) ? Path.Combine(RepoPaths.Root, "..", "shared", "qibo-0.2.16") : env);
        }
    }

    public static bool HasQibo => Directory.Exists(Path.Combine(QiboSource, "src", "qibo"));

    public static Dictionary<string, string> PythonEnvironment() => new()
    {
        ["PYTHONPATH"] = RepoPaths.Combine("build", "python") + ":" + TestsFolder,
        ["PYTHONDONTWRITEBYTECODE"] = "1",
        ["QIBOACCEL_QIBO_SRC"] = QiboSource,
    };

    /// <summary>Runs a script of bindings/python/tests with arguments.</summary>
    public static (int Exit, string Out, string Err) RunScript(string script, params string[] args)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: install Debian's python3 and python3-numpy (./run-tests does)");
        BindingsHarness.RequireLibrary();
        return BindingsHarness.Run(Python, [Path.Combine(TestsFolder, script), .. args], PythonEnvironment(), TestsFolder);
    }

    private static readonly Dictionary<string, Lazy<Dictionary<string, (string Status, string Detail, string Log)>>> Suites = new()
    {
        ["test_package"] = new(() => RunModule("test_package")),
        ["test_variational"] = new(() => RunModule("test_variational")),
        ["test_qibo_backend"] = new(() => RunModule("test_qibo_backend")),
    };

    private static Dictionary<string, (string, string, string)> RunModule(string module)
    {
        string results = Path.Combine(BindingsHarness.Temp, module + "-results.json");
        var (exit, output, err) = RunScript("run_unittests.py", results, module);
        Assert.True(File.Exists(results), $"python3 run_unittests.py {module} wrote no results (exit {exit}):\n{output}\n{err}");
        using var doc = JsonDocument.Parse(File.ReadAllText(results));
        var outcomes = new Dictionary<string, (string, string, string)>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            outcomes[p.Name] = (p.Value.GetProperty("status").GetString()!, p.Value.GetProperty("detail").GetString()!, err);
        }
        return outcomes;
    }

    /// <summary>Asserts that the Python test <paramref name="test"/> ("Class.test_name") of <paramref name="module"/> passed.</summary>
    public static void AssertPassed(string module, string test)
    {
        var outcomes = Suites[module].Value;
        var import = outcomes.Where(kv => kv.Key.EndsWith(":import", StringComparison.Ordinal)).ToList();
        Assert.True(import.Count == 0, $"{module} did not import:\n{string.Join("\n", import.Select(kv => kv.Value.Detail))}");
        Assert.True(outcomes.TryGetValue(test, out var outcome), $"{module} reported no test {test}; it reported: {string.Join(", ", outcomes.Keys)}");
        Assert.True(outcome.Status == "pass", $"{test}: {outcome.Status}\n{outcome.Detail}");
    }

    /// <summary>"Class.test_name" for every test method of a unittest module, read from its source.</summary>
    public static TheoryData<string> TestNames(string module)
    {
        var data = new TheoryData<string>();
        string? current = null;
        foreach (string line in File.ReadLines(Path.Combine(TestsFolder, module + ".py")))
        {
            var cls = ClassLine().Match(line);
            if (cls.Success) current = cls.Groups[1].Value;
            var test = TestLine().Match(line);
            if (test.Success && current is not null) data.Add($"{current}.{test.Groups[1].Value}");
        }
        return data;
    }

    [GeneratedRegex(@"^class (\w+)\(unittest\.TestCase\):")]
    private static partial Regex ClassLine();

    [GeneratedRegex(@"^    def (test_\w+)\(self\)")]
    private static partial Regex TestLine();
}

/// <summary>
/// A theory that needs qibo 0.2.16's source tree: skipped, with the reason, where it is absent (a user's clone has no
/// ../shared); CI points $QIBOACCEL_QIBO_SRC at it (.ci/run).
/// </summary>
public sealed class QiboTheoryAttribute : TheoryAttribute
{
    public QiboTheoryAttribute()
    {
        if (!PythonHarness.HasQibo)
        {
            Skip = $"qibo 0.2.16 sources not found at {PythonHarness.QiboSource} (set QIBOACCEL_QIBO_SRC to the folder holding src/qibo)";
        }
    }
}
