using System.Diagnostics;
using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Discovery;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Noise;
using QiboAccel.Observables;
using QiboAccel.Qasm;
using QiboAccel.Safety;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Reliability;

/// <summary>The limits and checks behind the reproducers, at the level of the library (the default limits are in force).</summary>
public class InputLimitTests
{
    private static QasmException ParseFails(string body)
        => Assert.Throws<QasmException>(() => QasmParser.Parse("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n" + body, "t.qasm"));

    [Fact]
    public void RegisterSizesAreCheckedAtTheirDeclaration()
    {
        Assert.Equal(4096, QasmParser.Parse("qreg q[1];\ncreg c[4096];\n").NClbits);
        Assert.Contains("t.qasm:5:8: register 'd' of 1 bits brings the program to 4097 classical bits; the limit is 4096",
            ParseFails("qreg q[1];\ncreg c[4096];\ncreg d[1];\n").Message);
        Assert.Contains("the limit is 1024 qubits in a circuit (set QIBOACCEL_MAX_QUBITS to raise it)", ParseFails("qreg q[1025];\n").Message);
        // QASMBench's implicit classical register (one bit per qubit) counts too.
        Assert.Contains("declaring classical register 'c' with 1000 bits brings the program to 4100 classical bits",
            ParseFails("qreg q[1000];\ncreg a[3100];\nmeasure q[0] -> c[0];\n").Message);
    }

    [Fact]
    public void ExpansionIsSizedBeforeItHappens()
    {
        var sw = Stopwatch.StartNew();
        string body = "qreg q[2];\ngate g0 a,b { cx a,b; }\n";
        for (int k = 1; k <= 100; k++) body += $"gate g{k} a,b {{ g{k - 1} a,b; g{k - 1} a,b; g{k - 1} a,b; }}\n";
        var e = ParseFails(body + "g100 q[0],q[1];\n");
        Assert.Contains("'g100' expands to more than 2^63 operations", e.Message);
        Assert.Contains("QIBOACCEL_MAX_OPERATIONS", e.Message);
        Assert.True(sw.Elapsed.TotalSeconds < 5, $"{sw.Elapsed.TotalSeconds:0.0} s");
        // Broadcasting multiplies: 3^13 = 1594323 per qubit pair, over 3 pairs = 4782969 > 4000000.
        e = ParseFails(body.Replace("qreg q[2]", "qreg q[3];\nqreg r[3]") + "g13 q,r;\n");
        Assert.Contains("'g13' broadcast over 3 qubits expands to 4782969 operations", e.Message);
        // qelib1's rccx is nine native gates: the count is exact.
        Assert.Equal(9, QasmParser.Parse("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\nrccx q[0],q[1],q[2];\n").Operations.Count);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../../qelib1.inc")]
    [InlineData("t.qasm")]
    [InlineData("a\u0000b")]
    public void IncludesNeverOpenFiles(string name)
    {
        // Only the built-in qelib1.inc exists: nothing outside (or inside) the circuit's folder is read.
        var e = ParseFails($"include \"{name}\";\nqreg q[1];\n");
        Assert.Contains("only \"qelib1.inc\" is available (it is built in; no file is read)", e.Message);
        Assert.DoesNotContain('\0', e.Message);
    }

    [Fact]
    public void RegistersWiderThan64BitsCompareEveryBit()
    {
        var circuit = new Circuit(1);
        var c65 = circuit.AddClassicalRegister("c", 65);
        var bits = new byte[65];
        bits[64] = 1;
        Assert.False(Executor.RegisterEquals(bits, c65, 1)); // 2^64 is not 1 (it used to wrap onto bit 0)
        Assert.False(Executor.RegisterEquals(bits, c65, 0));
        bits[64] = 0;
        bits[0] = 1;
        bits[2] = 1;
        Assert.True(Executor.RegisterEquals(bits, c65, 5));
        bits[63] = 1;
        Assert.False(Executor.RegisterEquals(bits, c65, 5));
        var c3 = circuit.AddClassicalRegister("d", 3);
        Assert.False(Executor.RegisterEquals(new byte[65 + 3], c3, 8)); // 8 does not fit in 3 bits
        Assert.True(Executor.RegisterEquals([.. new byte[65], 1, 1, 1], c3, 7));
    }

    [Fact]
    public void NoiseModelsAreBounded()
    {
        string deep = new string('[', 65) + new string(']', 65);
        var e = Assert.Throws<LimitExceededException>(() => NoiseModel.Parse(deep, "deep.json"));
        Assert.Contains("deep.json: the JSON nests deeper than 64 levels", e.Message);
        Assert.Contains("QIBOACCEL_MAX_JSON_DEPTH", e.Message);
        var model = new NoiseModel();
        for (int i = 0; i < 10_000; i++) model.Add(q => Channel.Depolarizing(q, 0.01));
        var tooMany = Assert.Throws<LimitExceededException>(() => model.Add(q => Channel.Depolarizing(q, 0.01)));
        Assert.Contains("the limit is 10000 noise rules", tooMany.Message);
        // A rule on a qubit the circuit lacks is an error when applied.
        var onSeven = NoiseModel.Parse("""{ "noise": [ { "qubits": [7], "channel": { "type": "pauli", "px": 0.1 } } ] }""", "m.json");
        var missing = Assert.Throws<ArgumentException>(() => onSeven.Apply(new Circuit(2).Add(GateKind.H, [0])));
        Assert.Contains("m.json: $.noise[0]: qubit 7 does not exist in a circuit of 2 qubit(s)", missing.Message);
    }

    [Fact]
    public void NoiseIsInsertedAsBeforeWithRulesIndexedByQubit()
    {
        // Rule order is kept per gate; a rule without qubits applies to every gate; qubit filters select.
        var model = new NoiseModel()
            .Add(q => Channel.PauliNoise(q[0], 0.1, 0, 0), qubits: [1], perQubit: true)
            .Add(q => Channel.Depolarizing(q, 0.01))
            .Add(q => Channel.PhaseDamping(q[0], 0.2), after: ["h"], perQubit: true);
        var circuit = new Circuit(2).Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]);
        var noisy = model.Apply(circuit);
        string[] names = [.. noisy.Operations.Select(o => o is Channel c ? $"{c.Name}[{string.Join(",", c.Targets)}]" : ((Gate)o).Name)];
        Assert.Equal(["H", "DepolarizingChannel[0]", "PhaseDampingChannel[0]", "CNOT", "PauliNoiseChannel[1]", "DepolarizingChannel[0,1]"], names);
    }

    [Fact]
    public async Task InputFilesMustBeRegularAndSmallEnough()
    {
        using var dir = new TempFolder();
        string fifo = Fifo.Make(dir.Combine("f.qasm"));
        // Opening a FIFO for reading blocks until a writer comes: the check must not.
        var parse = Task.Run(() => Assert.Throws<QasmException>(() => QasmParser.ParseFile(fifo)));
        Assert.True(await Task.WhenAny(parse, Task.Delay(TimeSpan.FromSeconds(10))) == parse, "parsing a FIFO blocked");
        Assert.Contains("is a named pipe (FIFO), not a regular file", (await parse).Message);
        Assert.Contains("is a character device", Assert.Throws<QasmException>(() => QasmParser.ParseFile("/dev/zero")).Message);
        Assert.Contains("is a directory", Assert.Throws<QasmException>(() => QasmParser.ParseFile(dir.Path)).Message);
        string big = dir.Combine("big.json");
        using (var f = File.Create(big)) f.SetLength(20 << 20);
        var e = Assert.Throws<LimitExceededException>(() => InputFile.ReadText(big, InputLimits.JsonFileBytes, "noise model"));
        Assert.Contains($"noise model '{big}' has 20971520 bytes; the limit is 16777216 bytes in a JSON file", e.Message);
        // Files that lie about their size (procfs says 0) are still read within the limit.
        Assert.Contains("MemTotal", InputFile.ReadText("/proc/meminfo", InputLimits.JsonFileBytes, "test"));
    }

    [Fact]
    public void ManifestProblemsNameTheFileAndTheField()
    {
        using var dir = new TempFolder();
        FormatException Bad(string json)
        {
            string path = dir.File($"m{Guid.NewGuid():N}.json", json);
            var e = Assert.Throws<FormatException>(() => BackendManifest.Read(path));
            Assert.StartsWith(path, e.Message);
            return e;
        }
        Assert.Contains("\"manifest_version\" must be the number 1, found the string \"1\"",
            Bad("""{"manifest_version": "1", "name": "x", "library_path": "x.so", "abi_version": "1.0"}""").Message);
        Assert.Contains("\"manifest_version\" is missing", Bad("""{"name": "x", "library_path": "x.so", "abi_version": "1.0"}""").Message);
        Assert.Contains("found null", Bad("""{"manifest_version": null, "name": "x", "library_path": "x.so", "abi_version": "1.0"}""").Message);
        Assert.Contains("\"name\" 'python@x' must be", Bad("""{"manifest_version": 1, "name": "python@x", "library_path": "x.so", "abi_version": "1.0"}""").Message);
        Assert.Contains("leads out of the manifest's folder",
            Bad("""{"manifest_version": 1, "name": "x", "library_path": "../../lib/x.so", "abi_version": "1.0"}""").Message);
        var ok = BackendManifest.Read(dir.File("ok.json", """{"manifest_version": 1, "name": "x.y-z", "library_path": "sub/../libx.so", "abi_version": "1.0"}"""));
        Assert.Equal(dir.Combine("libx.so"), ok.LibraryPath);
    }

    [Fact]
    public void MessagesQuoteUserTextBoundedAndEscaped()
    {
        string clipped = MessageText.Clip(new string('x', 1_000_000), 120);
        Assert.True(clipped.Length < 200, clipped);
        Assert.Contains("more characters", clipped);
        Assert.Equal("a\\x1b[31mb\\x07\\u202ec", MessageText.Clip("a\u001b[31mb\u0007\u202ec"));
        Assert.Equal("plain text", MessageText.Clip("plain text"));
        var e = Assert.Throws<FormatException>(() => Observable.Parse(new string('Q', 100_000)));
        Assert.True(e.Message.Length < 400, $"{e.Message.Length} characters");
    }

    [Fact]
    public void ObservablesStayFiniteAndAscii()
    {
        Assert.Contains("overflows", Assert.Throws<FormatException>(() => Observable.Parse("1e200*1e200*X0")).Message);
        Assert.Throws<FormatException>(() => Observable.Parse("Z\u0663"));
        Assert.Throws<FormatException>(() => Observable.Parse("\u0663*Z0"));
        var huge = Observable.Parse("1e308*Z0 + 1e308*Z0");
        Complex[] zero = [1, 0];
        Assert.Contains("not a finite number", Assert.Throws<ArgumentException>(() => huge.Expectation(zero, 1)).Message);
    }

    [Fact]
    public void MemoryChecksCountTheHostsCopiesAgainstWhatIsAvailable()
    {
        var info = new BackendInfo("t", "0", "", "", 40, [Precision.Double, Precision.Single], 0, new HashSet<QiboOpKind> { QiboOpKind.Matrix, QiboOpKind.Measure }, "", "1.0");
        const long GiB = 1L << 30;
        // 30 qubits, double: 16 GiB of state; --state adds 2^30·(16 + 8) = 24 GiB; sampling 30 qubits 2^30·8 = 8 GiB.
        var needs = Executor.StateVectorHostNeeds(30, returnState: true, sampledQubits: 30);
        var e = Assert.Throws<BackendException>(() => Executor.CheckFits(info, 30, Precision.Double, needs, available: 47 * GiB));
        Assert.Equal(QiboErrorCode.OutOfMemory, e.Code);
        Assert.Equal("30 qubits need 48 GiB (16 GiB for a double-precision state + 24 GiB for the host's copy of the state and its probabilities + "
            + "8 GiB for the distribution of the 30 sampled qubits); this machine has 47 GiB available", e.Message);
        Executor.CheckFits(info, 30, Precision.Double, needs, available: 48 * GiB);
        // In single precision the host's copy is still complex128: 8 + 24 GiB.
        e = Assert.Throws<BackendException>(() => Executor.CheckFits(info, 30, Precision.Single, Executor.StateVectorHostNeeds(30, true, 0), available: 31 * GiB));
        Assert.StartsWith("30 qubits need 32 GiB (8 GiB for a single-precision state + 24 GiB", e.Message);
        // 31 qubits: even with the memory, the host's copy is longer than a .NET array can be.
        e = Assert.Throws<BackendException>(() => Executor.CheckFits(info, 31, Precision.Single, Executor.StateVectorHostNeeds(31, true, 0), available: 1L << 50));
        Assert.Contains("would need an array of 2147483648 elements", e.Message);
        // Density matrix of 15 qubits, single: 8·4^15 = 8 GiB on the backend, 16·4^15 = 16 GiB (+ the diagonal) on the host.
        e = Assert.Throws<BackendException>(() => Executor.CheckFitsDensityMatrix(info, 15, Precision.Single, Executor.DensityMatrixHostNeeds(15, 0), available: 24 * GiB));
        Assert.StartsWith("a density matrix of 15 qubits needs 24 GiB (8 GiB on the backend (8·4^15 bytes) + 16 GiB for the host's complex128 copy of it and its diagonal)", e.Message);
    }

    [Fact]
    public void AvailableMemoryIsNotTheMachinesTotal()
    {
        long total = 0;
        foreach (string line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) total = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        long available = HostMemory.AvailableBytes();
        Assert.InRange(available, 1, total);
        Assert.Throws<InsufficientMemoryException>(() => HostMemory.Require(total + 1.0, "more than the machine"));
    }
}
