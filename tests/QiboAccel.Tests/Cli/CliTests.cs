using System.Diagnostics;
using System.Text.Json;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Cli;

/// <summary>The qiboaccel program as a user runs it: output formats, exit codes and one-line errors.</summary>
public class CliTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var p = Process.Start(CliProgram.StartInfo(args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    private static string TempQasm(string body)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("qiboaccel-cli-").FullName, "c.qasm");
        File.WriteAllText(path, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n" + body);
        return path;
    }

    [Fact]
    public void JsonHasTheDocumentedFields()
    {
        var (exit, output, err) = Run("run", "examples/circuits/bell.qasm", "--shots", "500", "--seed", "3", "--state", "--json");
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("cpu", root.GetProperty("backend").GetString());
        Assert.Equal(2, root.GetProperty("nqubits").GetInt32());
        Assert.Equal("double", root.GetProperty("precision").GetString());
        var state = root.GetProperty("state").EnumerateArray().Select(a => a[0].GetDouble()).ToArray();
        Assert.Equal([Math.Sqrt(0.5), 0, 0, Math.Sqrt(0.5)], state, new ToleranceComparer(1e-12));
        var freq = root.GetProperty("frequencies");
        Assert.Equal(500, freq.GetProperty("00").GetInt32() + freq.GetProperty("11").GetInt32());
        Assert.True(root.GetProperty("timings").GetProperty("total_seconds").GetDouble() > 0);
        // Same seed, same shots.
        var again = Run("run", "examples/circuits/bell.qasm", "--shots", "500", "--seed", "3", "--json");
        using var doc2 = JsonDocument.Parse(again.Out);
        Assert.Equal(freq.GetProperty("00").GetInt32(), doc2.RootElement.GetProperty("frequencies").GetProperty("00").GetInt32());
    }

    [Fact]
    public void PerShotGivesTheShotsOfBranching()
    {
        // inverseqft_n4 measures mid-circuit and applies phases under if: both modes, same seed, same shots.
        string[] run = ["run", "examples/qasmbench/inverseqft_n4.qasm", "--shots", "400", "--seed", "5", "--json"];
        var branching = Run(run);
        var perShot = Run([.. run, "--per-shot"]);
        Assert.True(branching.Exit == 0, branching.Err);
        Assert.True(perShot.Exit == 0, perShot.Err);
        using var a = JsonDocument.Parse(branching.Out);
        using var b = JsonDocument.Parse(perShot.Out);
        Assert.Equal(a.RootElement.GetProperty("frequencies").GetRawText(), b.RootElement.GetProperty("frequencies").GetRawText());
        Assert.Equal(a.RootElement.GetProperty("registers").GetRawText(), b.RootElement.GetProperty("registers").GetRawText());
        Assert.Equal(400, a.RootElement.GetProperty("frequencies").EnumerateObject().Sum(p => p.Value.GetInt32()));
    }

    [Fact]
    public void QubitZeroIsTheFirstCharacterOfABitstring()
    {
        var (exit, output, err) = Run("run", TempQasm("qreg q[3];\ncreg c[3];\nx q[0];\nmeasure q -> c;\n"), "--shots", "10", "--json");
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(10, doc.RootElement.GetProperty("frequencies").GetProperty("100").GetInt32());
    }

    [Theory]
    [InlineData("qreg q[2];\nhx q[0];\n", ":4:1:", "unknown gate 'hx'")]
    [InlineData("qreg q[2];\nh q[5];\n", ":4:5:", "out of range")]
    [InlineData("qreg q[2];\nh q[0]\n", ":5:", "expected ';'")]
    public void BadQasmIsOneLineWithFileLineAndColumn(string body, string position, string message)
    {
        string file = TempQasm(body);
        var (exit, output, err) = Run("run", file);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        string line = Assert.Single(err.Trim().Split('\n'));
        Assert.Contains(file + position, line);
        Assert.Contains(message, line);
    }

    [Theory]
    [InlineData("no/such/file.qasm", "file not found")]
    public void MissingFile(string file, string message)
    {
        var (exit, _, err) = Run("run", file);
        Assert.Equal(1, exit);
        Assert.Contains(message, Assert.Single(err.Trim().Split('\n')));
    }

    [Fact]
    public void UnknownBackend()
    {
        var (exit, _, err) = Run("run", "examples/circuits/bell.qasm", "--backend", "nosuch");
        Assert.Equal(1, exit);
        string line = Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("unknown backend 'nosuch'", line);
        Assert.Contains("cpu", line);
    }

    [Fact]
    public void TooManyQubitsForTheBackendOrForMemory()
    {
        var (exit, _, err) = Run("run", TempQasm("qreg q[40];\nh q[0];\n"));
        Assert.Equal(1, exit);
        Assert.Contains("40 qubits is too many for backend 'cpu'", Assert.Single(err.Trim().Split('\n')));
        (exit, _, err) = Run("run", TempQasm("qreg q[33];\nh q[0];\n"));
        Assert.Equal(1, exit);
        Assert.Matches(@"33 qubits need 128 GiB .* this machine has", Assert.Single(err.Trim().Split('\n')));
    }

    [Fact]
    public void UsageErrorsExitWithTwo()
    {
        Assert.Equal(2, Run("run").Exit);
        Assert.Equal(2, Run("run", "examples/circuits/bell.qasm", "--shots", "many").Exit);
        Assert.Equal(2, Run("run", "examples/circuits/bell.qasm", "--frobnicate").Exit);
        Assert.Equal(2, Run("frobnicate").Exit);
    }

    [Fact]
    public void BackendsListsTheInstalledOnes()
    {
        var (exit, output, err) = Run("backends", "--json", "--details");
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(output);
        var cpu = doc.RootElement.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "cpu");
        Assert.True(cpu.GetProperty("available").GetBoolean());
        Assert.Contains("double", cpu.GetProperty("precisions").EnumerateArray().Select(p => p.GetString()));
        // The Python bridge is listed as the backend it runs, loaded as a user would load it.
        var python = doc.RootElement.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "python@numpy");
        Assert.True(python.GetProperty("available").GetBoolean(), python.ToString());
    }

    [Fact]
    public void BenchComparesBackendsAndWritesJsonCsvAndSvg()
    {
        string dir = Directory.CreateTempSubdirectory("qiboaccel-bench-").FullName;
        string json = Path.Combine(dir, "b.json"), csv = Path.Combine(dir, "b.csv"), svg = Path.Combine(dir, "b.svg");
        var (exit, output, err) = Run("bench", "--backends", "cpu,build/examples/qibo_example_c.json", "--circuits", "ghz,qft",
            "--qubits", "3..4", "--repeat", "1", "--json", json, "--csv", csv, "--svg", svg);
        Assert.True(exit == 0, err + output);
        Assert.Contains("read-modify-write bandwidth", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2 * 2 * 2, results.Count); // circuits x sizes x backends
        foreach (var r in results.Where(r => r.GetProperty("backend").GetString() != "cpu"))
        {
            // Independent implementations of the same circuit agree: fidelity 1.
            Assert.Equal(1.0, r.GetProperty("fidelity_to_first").GetDouble(), 9);
        }
        Assert.Equal(1 + 8, File.ReadAllLines(csv).Length);
        var svgDoc = System.Xml.Linq.XDocument.Load(svg);
        Assert.Equal(4, svgDoc.Descendants("{http://www.w3.org/2000/svg}polyline").Count()); // 2 circuits x 2 backends
    }

    [Fact]
    public void DensityMatrixWithNoiseAndExpectationInJson()
    {
        var (exit, output, err) = Run("run", "examples/circuits/ghz.qasm", "--density-matrix", "--noise", "examples/noise/depolarizing.json",
            "--expectation", "Z0*Z1", "--shots", "1000", "--seed", "5", "--json");
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("density_matrix").GetBoolean());
        double purity = root.GetProperty("purity").GetDouble();
        Assert.InRange(purity, 0.5, 0.999);
        double[] p = [.. root.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble())];
        Assert.Equal(32, p.Length);
        Assert.Equal(1.0, p.Sum(), 10);
        Assert.Equal(p[0], p[31], 10);
        Assert.InRange(p[0], 0.4, 0.4999);
        Assert.InRange(root.GetProperty("expectation").GetDouble(), 0.8, 0.999);
        Assert.Equal("Z0*Z1", root.GetProperty("observable").GetString());
        Assert.Equal(1000, root.GetProperty("frequencies").EnumerateObject().Sum(kv => kv.Value.GetInt32()));

        // Noiseless: a pure state, the Bell probabilities, purity 1.
        (exit, output, err) = Run("run", "examples/circuits/bell.qasm", "--density-matrix", "--json");
        Assert.True(exit == 0, err);
        using var bell = JsonDocument.Parse(output);
        Assert.Equal(1.0, bell.RootElement.GetProperty("purity").GetDouble(), 12);
        Assert.Equal([0.5, 0, 0, 0.5], bell.RootElement.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble()), new ToleranceComparer(1e-12));
    }

    [Theory]
    [InlineData("Z0*Z1", 1.0)]
    [InlineData("Y0*Y1", -1.0)]
    [InlineData("0.5*X0*X1 - 2*Z0 + 3", 3.5)]
    public void ExpectationOfAStateVector(string observable, double expected)
    {
        var (exit, output, err) = Run("run", "examples/circuits/bell.qasm", "--expectation", observable, "--json");
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(expected, doc.RootElement.GetProperty("expectation").GetDouble(), 12);
        Assert.False(doc.RootElement.TryGetProperty("state", out _));
        (exit, output, err) = Run("run", "examples/circuits/bell.qasm", "--expectation", observable);
        Assert.True(exit == 0, err);
        Assert.Contains($"expectation <{observable}> = ", output);
    }

    [Fact]
    public void BadNoiseModelsAndObservablesAreOneLine()
    {
        string dir = Directory.CreateTempSubdirectory("qiboaccel-noise-").FullName;
        string model = Path.Combine(dir, "bad.json");
        File.WriteAllText(model, "{ \"noise\": [ { \"after\": [\"cx\"], \"channel\": { \"type\": \"depolarizing\", \"lambda\": -1 } } ] }");
        var (exit, _, err) = Run("run", "examples/circuits/bell.qasm", "--noise", model);
        Assert.Equal(1, exit);
        string line = Assert.Single(err.Trim().Split('\n'));
        Assert.Contains(model + ": $.noise[0].channel: DepolarizingChannel: lambda = -1 is outside", line);

        (exit, _, err) = Run("run", "examples/circuits/bell.qasm", "--expectation", "Z0*W1");
        Assert.Equal(1, exit);
        Assert.Contains("position 4", Assert.Single(err.Trim().Split('\n')));

        (exit, _, err) = Run("run", TempQasm("qreg q[18];\nh q[0];\n"), "--density-matrix");
        Assert.Equal(1, exit);
        Assert.Contains("a density matrix of 18 qubits is simulated as a state of 36 qubits", Assert.Single(err.Trim().Split('\n')));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
