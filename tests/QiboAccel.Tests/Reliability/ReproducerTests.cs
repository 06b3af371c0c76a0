using System.Text;
using System.Text.Json;
using QiboAccel.Tests.Loader;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Reliability;

/// <summary>
/// The reproducers of the reliability findings (../shared/reliability-findings/FINDINGS.md), each written into the
/// test itself: every one ends in one line on stderr and a non-zero exit, or a correct result, within a few seconds
/// and a bounded amount of memory. Test names start with the finding's id.
/// </summary>
public class ReproducerTests(HostileBackends hostile) : IClassFixture<HostileBackends>
{
    private const long MemoryBound = 1L << 30; // 1 GiB of resident memory for any refused input

    private static CliResult Refused(string[] args, string expected, Dictionary<string, string?>? env = null, double seconds = 15)
    {
        var r = CliRunner.Run(args, env, timeoutSeconds: 60);
        Assert.True(r.Exit == 1, $"exit {r.Exit}: {r.Err}");
        Assert.Equal("", r.Out);
        Assert.Contains(expected, r.ErrorLine);
        Assert.True(r.Seconds < seconds, $"took {r.Seconds:0.0} s");
        Assert.True(r.PeakRssBytes < MemoryBound, $"peak {r.PeakRssBytes >> 20} MiB");
        return r;
    }

    private static string Qasm(TempFolder dir, string name, string body) => dir.File(name, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n" + body);

    /// <summary>g0 = cx; g_k applies g_(k-1) twice; applies g_levels: 2^levels operations.</summary>
    private static string Exponential(int levels)
    {
        var sb = new StringBuilder("qreg q[2];\ngate g0 a,b { cx a,b; }\n");
        for (int k = 1; k <= levels; k++) sb.Append($"gate g{k} a,b {{ g{k - 1} a,b; g{k - 1} a,b; }}\n");
        return sb.Append($"x q[0];\ng{levels} q[0],q[1];\n").ToString();
    }

    [Fact]
    public void D1_HugeClassicalRegistersAreRefusedAtTheDeclaration()
    {
        using var dir = new TempFolder();
        Refused(["run", Qasm(dir, "a.qasm", "qreg q[1];\ncreg c[2147483647];\nx q[0];\n")], "a.qasm:4:8: register 'c' of 2147483647 bits");
        var r = Refused(["run", Qasm(dir, "b.qasm", "qreg q[1];\ncreg c[2147483647];\nx q[0];\nmeasure q[0] -> c[0];\n"), "--shots", "4"], "QIBOACCEL_MAX_CLBITS");
        Assert.Contains("the limit is 4096 classical bits in a circuit", r.ErrorLine);
        // Raised, the limit lets a wide register through; the counts are right.
        r = CliRunner.Run(["run", Qasm(dir, "c.qasm", "qreg q[1];\ncreg c[5000];\nx q[0];\nmeasure q[0] -> c[4999];\n"), "--shots", "3", "--json"],
            new Dictionary<string, string?> { ["QIBOACCEL_MAX_CLBITS"] = "5000" });
        Assert.True(r.Exit == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("registers").GetProperty("c").GetProperty(new string('0', 4999) + "1").GetInt32());
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("2147483591")]
    [InlineData("1000000000")]
    public void D2_ShotsAboveTheLimitAreRefusedBeforeAllocating(string shots)
        => Refused(["run", "examples/circuits/bell.qasm", "--shots", shots], $"--shots {shots}; the limit is 100000000 shots (set QIBOACCEL_MAX_SHOTS to raise it)");

    [Fact]
    public void D2_ManyShotsAreSampledInBoundedMemory()
    {
        // Five million shots: the shot buffers are chunked and the counts kept per distinct outcome.
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--shots", "5000000", "--seed", "11", "--json"], timeoutSeconds: 60);
        Assert.True(r.Exit == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var freq = doc.RootElement.GetProperty("frequencies");
        int zeros = freq.GetProperty("00").GetInt32(), ones = freq.GetProperty("11").GetInt32();
        Assert.Equal(5_000_000, zeros + ones);
        Assert.InRange(zeros, 2_500_000 - 5 * 1118, 2_500_000 + 5 * 1118); // 5 sigma of a fair binomial
        Assert.True(r.PeakRssBytes < 400L << 20, $"peak {r.PeakRssBytes >> 20} MiB");
    }

    [Fact]
    public void D3_D4_SeeHostileBackendTests() => Assert.Contains(typeof(HostileBackendTests).GetMethods(), m => m.Name.StartsWith("ThirtyOne", StringComparison.Ordinal));

    [Fact]
    public void D4_RealOutOfMemoryIsOneLine()
    {
        // A GC heap capped at 256 MiB runs out while parsing 2 million gates: one line and exit 1, not "Out of memory."
        // and SIGABRT; --debug adds the stack trace.
        using var dir = new TempFolder();
        string big = Qasm(dir, "big.qasm", "qreg q[2];\n" + string.Concat(Enumerable.Repeat("x q[0];\n", 2_000_000)));
        // Hexadecimal without "0x": NativeAOT ignores the prefixed form (CoreCLR reads both).
        var env = new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "10000000" };
        var r = CliRunner.Run(["run", big], env);
        Assert.Equal(1, r.Exit);
        Assert.StartsWith("qiboaccel: error: out of memory", r.ErrorLine);
        Assert.Contains("--debug", r.ErrorLine);
        r = CliRunner.Run(["run", big, "--debug"], env);
        Assert.Equal(1, r.Exit);
        Assert.Contains("System.OutOfMemoryException", r.Err);
        Assert.Contains("   at QiboAccel.", r.Err);
    }

    [Fact]
    public void D5_TruncatedLibraryIsOneLineNotSigbus()
    {
        using var dir = new TempFolder();
        byte[] bytes = File.ReadAllBytes(RepoPaths.Combine("build", "examples", "libqibo_example_c.so"));
        string half = dir.Combine("half.so");
        File.WriteAllBytes(half, bytes[..(bytes.Length / 2)]);
        Refused(["run", "examples/circuits/bell.qasm", "--backend", half], "is truncated");
    }

    [Fact]
    public void D6_ACrashingBackendUnderIsolateIsOneLine()
    {
        using var dir = new TempFolder();
        string crash = dir.Combine("libcrash.so");
        HostileBackends.Gcc("-DBROKEN_CRASH", "-o", crash, RepoPaths.Combine("tests", "QiboAccel.Tests", "Loader", "broken_backend.c"));
        var r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--backend", crash, "--isolate");
        Assert.Equal(1, r.Exit);
        Assert.Contains($"the run in its isolated process was killed by SIGSEGV (signal 11): backend '{crash}' crashed", r.ErrorLine);
        // In-process, the same crash takes the program down: that is what --isolate is for.
        r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--backend", crash);
        Assert.Equal(128 + 11, r.Exit);
        // Isolated runs of healthy backends print exactly what a plain run prints.
        r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--shots", "50", "--seed", "2", "--json", "--isolate");
        var plain = CliRunner.Run("run", "examples/circuits/bell.qasm", "--shots", "50", "--seed", "2", "--json");
        using var a = JsonDocument.Parse(r.Out);
        using var b = JsonDocument.Parse(plain.Out);
        Assert.Equal(b.RootElement.GetProperty("frequencies").ToString(), a.RootElement.GetProperty("frequencies").ToString());
        // And their errors pass through unchanged, with the child's exit code.
        r = CliRunner.Run("run", "no/such.qasm", "--isolate");
        Assert.Equal(1, r.Exit);
        Assert.Contains("file not found", r.ErrorLine);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(64)]
    [InlineData(150)]
    public void H1_ExponentialGateDefinitionsAreRefusedBeforeExpanding(int levels)
    {
        using var dir = new TempFolder();
        var r = Refused(["run", Qasm(dir, "expo.qasm", Exponential(levels))], "QIBOACCEL_MAX_OPERATIONS", seconds: 10);
        Assert.Contains($"'g{levels}' expands to", r.ErrorLine);
    }

    [Fact]
    public void H1_ExpansionIsCountedAndStillCorrectBelowTheLimit()
    {
        // 2^12 CNOTs on |10>: an even number, so |10> again — and over a lowered limit, refused.
        using var dir = new TempFolder();
        string file = Qasm(dir, "g12.qasm", Exponential(12));
        var r = CliRunner.Run(["run", file, "--state", "--json"]);
        Assert.True(r.Exit == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(4097, doc.RootElement.GetProperty("noperations").GetInt32());
        Assert.Equal(1.0, doc.RootElement.GetProperty("state")[2][0].GetDouble(), 12);
        Refused(["run", file], "the limit is 4000 operations", new() { ["QIBOACCEL_MAX_OPERATIONS"] = "4000" });
    }

    [Fact]
    public void H2_FifosAndDevicesAreRefusedWithoutReading()
    {
        using var dir = new TempFolder();
        string circuit = Fifo.Make(dir.Combine("fifo.qasm")), noise = Fifo.Make(dir.Combine("fifo.json")), library = Fifo.Make(dir.Combine("fifo.so"));
        Refused(["run", circuit], "is a named pipe (FIFO), not a regular file", seconds: 10);
        Refused(["run", "examples/circuits/bell.qasm", "--noise", noise], "is a named pipe (FIFO), not a regular file", seconds: 10);
        Refused(["run", "examples/circuits/bell.qasm", "--backend", library], "is a named pipe (FIFO), not a regular file", seconds: 10);
        foreach (string device in new[] { "/dev/zero", "/dev/urandom" })
        {
            Refused(["run", device], "is a character device, not a regular file", seconds: 10);
            Refused(["run", "examples/circuits/bell.qasm", "--noise", device], "is a character device, not a regular file", seconds: 10);
        }
        // A FIFO among the manifests is skipped, not waited on (see also DiscoveryTrustTests).
        Directory.CreateDirectory(dir.Combine("m"));
        Fifo.Make(dir.Combine("m", "a.json"));
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", "nosuch"], new() { ["QIBOACCEL_BACKEND_PATH"] = dir.Combine("m") }, timeoutSeconds: 20);
        Assert.Contains("unknown backend 'nosuch'", r.ErrorLine);
    }

    [Fact]
    public void H3_HugeClassicalRegistersInOneProgramAreRefused()
    {
        using var dir = new TempFolder();
        Refused(["run", Qasm(dir, "a.qasm", "qreg q[1];\ncreg c[100000000];\nx q[0];\nmeasure q[0] -> c[0];\n"), "--shots", "16"], "QIBOACCEL_MAX_CLBITS");
        Refused(["run", Qasm(dir, "b.qasm", "qreg q[1];\ncreg a[1500000000];\ncreg b[600000000];\n")], "register 'a' of 1500000000 bits");
        Refused(["run", Qasm(dir, "c.qasm", "qreg q[1];\ncreg a[4000];\ncreg b[4000];\n")], "register 'b' of 4000 bits brings the program to 8000 classical bits");
    }

    [Fact]
    public void H4_NoiseRulesAreBoundedAndTheirChannelsCounted()
    {
        using var dir = new TempFolder();
        string rule = """{ "channel": { "type": "depolarizing", "lambda": 0.01 } }""";
        string many = dir.File("many.json", "{ \"noise\": [" + string.Join(",", Enumerable.Repeat(rule, 100_000)) + "] }");
        Refused(["run", "examples/circuits/bell.qasm", "--noise", many], "$.noise has 100000 rules; the limit is 10000 noise rules (set QIBOACCEL_MAX_NOISE_RULES to raise it)");
        // 5000 rules after each of 2 gates = 10000 channels: past a lowered operation limit, refused while inserting.
        string some = dir.File("some.json", "{ \"noise\": [" + string.Join(",", Enumerable.Repeat(rule, 5000)) + "] }");
        Refused(["run", "examples/circuits/bell.qasm", "--noise", some], "inserting noise brings the circuit past 5000 operations",
            new() { ["QIBOACCEL_MAX_OPERATIONS"] = "5000" });
    }

    [Fact]
    public void H5_OversizedFilesAreRefusedBeforeReading()
    {
        using var dir = new TempFolder();
        // 200 MB, sparse: the size alone decides.
        string circuit = dir.Combine("huge.qasm"), noise = dir.Combine("huge.json");
        using (var f = File.Create(circuit)) f.SetLength(200_000_000);
        using (var f = File.Create(noise)) f.SetLength(200_000_000);
        Refused(["run", circuit], "has 200000000 bytes; the limit is 67108864 bytes in a circuit file (set QIBOACCEL_MAX_CIRCUIT_BYTES to raise it)", seconds: 5);
        Refused(["run", "examples/circuits/bell.qasm", "--noise", noise], "the limit is 16777216 bytes in a JSON file", seconds: 5);
    }

    [Fact]
    public void H6_BenchChecksSizesBeforeAllocatingItsYardstick()
    {
        var r = CliRunner.Run(["bench", "--qubits", "31..31", "--circuits", "ghz", "--repeat", "1"], timeoutSeconds: 60);
        Assert.Equal(1, r.Exit); // every row is an error
        Assert.Contains("ghz", r.Out);
        Assert.Contains("31 qubits", r.Out);
        Assert.True(r.PeakRssBytes < MemoryBound, $"peak {r.PeakRssBytes >> 20} MiB");
    }

    [Fact]
    public void H7_LongPerShotCircuitsFinish()
    {
        // A QASMBench circuit with reset and if (ipea_n2) and 100,000 extra H gates after the measurements, 16 shots.
        using var dir = new TempFolder();
        string source = File.ReadAllText(RepoPaths.Combine("examples", "qasmbench", "ipea_n2.qasm"));
        string file = dir.File("long.qasm", source + "\n" + string.Concat(Enumerable.Repeat("h q[0];", 100_000)) + "\n");
        var r = CliRunner.Run(["run", file, "--shots", "16", "--json"], timeoutSeconds: 60);
        Assert.True(r.Exit == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(16, doc.RootElement.GetProperty("frequencies").EnumerateObject().Sum(kv => kv.Value.GetInt32()));
    }

    [Fact]
    public void W1_IfComparesWholeRegistersWiderThan64Bits()
    {
        using var dir = new TempFolder();
        string file = Qasm(dir, "if65.qasm", "qreg q[2];\ncreg c[65];\nx q[0];\nmeasure q[0] -> c[64];\nif(c==1) x q[1];\nmeasure q[1] -> c[0];\n");
        var r = CliRunner.Run("run", file, "--shots", "8", "--json");
        Assert.True(r.Exit == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(8, doc.RootElement.GetProperty("frequencies").GetProperty("10").GetInt32());
        // c == 2^64 cannot be written in a 64-bit signed value: refused in one line, not wrapped.
        Refused(["run", Qasm(dir, "big.qasm", "qreg q[1];\ncreg c[65];\nif(c==18446744073709551616) x q[0];\n")], "too large");
    }

    [Fact]
    public void W3_NonFiniteExpectationValuesAreErrors()
    {
        var r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--expectation", "1e308*Z0*Z1 + 1e308*Z0*Z1", "--json");
        Assert.Equal(1, r.Exit);
        Assert.Equal("", r.Out); // no half-written JSON object
        Assert.Contains("the expectation value is not a finite number", r.ErrorLine);
        r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--expectation", "1e200*1e200*X0");
        Assert.Equal(1, r.Exit);
        Assert.Contains("the coefficient of this term overflows", r.ErrorLine);
    }

    [Fact]
    public void W4_SwitchesTakeExplicitValues()
    {
        var r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--shots", "4", "--json=false", "--state=no");
        Assert.True(r.Exit == 0, r.Err);
        Assert.StartsWith("circuit ", r.Out);
        Assert.DoesNotContain("state      (nonzero", r.Out);
        r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--json=true", "--state=yes");
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(4, doc.RootElement.GetProperty("state").GetArrayLength());
        r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--json=maybe");
        Assert.Equal(2, r.Exit);
        Assert.Contains("--json is a switch", r.ErrorLine);
    }

    [Fact]
    public void W5_ABackendsImpossibleOutcomesAreAnError()
        => Refused(["run", "examples/circuits/bell.qasm", "--backend", hostile.PathOf("HOSTILE_BAD_SAMPLE"), "--shots", "4"], "is faulty: state_sample returned outcome");

    [Theory]
    [InlineData("2.7")]
    [InlineData("2.9")]
    [InlineData("2e0")]
    [InlineData("3")]
    [InlineData("3.0")]
    public void W6_OnlyVersionTwoPointZeroIsAccepted(string version)
    {
        using var dir = new TempFolder();
        string file = dir.File("v.qasm", $"OPENQASM {version};\ninclude \"qelib1.inc\";\nqreg q[1];\nx q[0];\n");
        Refused(["run", file], $"v.qasm:1:10: unsupported OpenQASM version {version}: only OpenQASM 2.0 is supported");
    }

    [Fact]
    public void W7_PythonSpecifiersMayCarryAbsolutePaths()
    {
        using var dir = new TempFolder();
        dir.File("qibo_backend_pathtest.py", "from qibo_backend_numpy import *\n");
        var r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--backend", $"python@pathtest;pythonpath={dir.Path}", "--shots", "10", "--seed", "1", "--json");
        Assert.True(r.Exit == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(10, doc.RootElement.GetProperty("frequencies").EnumerateObject().Sum(kv => kv.Value.GetInt32()));
        r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--backend", "python@../../etc");
        Assert.Equal(1, r.Exit);
        Assert.Contains("python bridge options '../../etc'", r.ErrorLine);
    }

    [Fact]
    public void W9_ErrorsArePreciseBoundedAndInert()
    {
        using var dir = new TempFolder();
        // CR-only line endings count lines.
        string cr = dir.File("cr.qasm", "OPENQASM 2.0;\rinclude \"qelib1.inc\";\rqreg q[1];\rhx q[0];\r");
        Refused(["run", cr], "cr.qasm:4:1: unknown gate 'hx'");
        // A directory is not "access denied".
        Refused(["run", dir.Path], "is a directory, not a regular file");
        // An unknown option is unknown, not "needs a value".
        var r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--nosuch");
        Assert.Equal(2, r.Exit);
        Assert.Equal("qiboaccel: unknown option --nosuch", r.ErrorLine);
        r = CliRunner.Run("run", "--nosuch", "examples/circuits/bell.qasm");
        Assert.Equal("qiboaccel: unknown option --nosuch", r.ErrorLine);
        // Only ASCII digits are qubit indices.
        r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--expectation", "Z\u0663");
        Assert.Equal(1, r.Exit);
        Assert.Contains("'Z' needs a qubit index", r.ErrorLine);
        // bench checks its output files before running.
        r = CliRunner.Run(["bench", "--json", "/nonexistent/x.json", "--qubits", "20..20"], timeoutSeconds: 20);
        Assert.Equal(2, r.Exit);
        Assert.Contains("the folder '/nonexistent' does not exist", r.ErrorLine);
        Assert.True(r.Seconds < 10);
        // A 5 MB identifier gives a short line; escape sequences in an include name reach the terminal escaped.
        string longName = dir.File("long.qasm", "qreg q[1];\n" + new string('a', 5_000_000) + " q[0];\n");
        r = Refused(["run", longName], "unknown gate 'aaaa");
        Assert.True(r.Err.Length < 2000, $"{r.Err.Length} characters of stderr");
        string escape = Qasm(dir, "esc.qasm", "include \"\u001b]0;PWNED\u0007\u001b[31mred\";\nqreg q[1];\n");
        r = Refused(["run", escape], "cannot include \"\\x1b]0;PWNED\\x07\\x1b[31mred\"");
        Assert.DoesNotContain('\u001b', r.Err);
        // Noise on a qubit the circuit lacks is an error, not silently nothing.
        string noise = dir.File("q7.json", """{ "noise": [ { "qubits": [7], "channel": { "type": "depolarizing", "lambda": 0.1 } } ] }""");
        Refused(["run", "examples/circuits/bell.qasm", "--noise", noise], "$.noise[0]: qubit 7 does not exist in a circuit of 2 qubit(s)");
    }

    [Fact]
    public void Errors_PrintTheirStackTraceOnlyWhenAsked()
    {
        var r = CliRunner.Run("run", "no/such.qasm", "--debug");
        Assert.Equal(1, r.Exit);
        Assert.Contains("QiboAccel.Qasm.QasmException", r.Err);
        Assert.Contains("   at ", r.Err);
        r = CliRunner.Run(["run", "no/such.qasm"], new() { ["QIBOACCEL_DEBUG"] = "1" });
        Assert.Contains("   at ", r.Err);
        r = CliRunner.Run("run", "no/such.qasm");
        Assert.DoesNotContain("   at ", r.Err);
    }
}
