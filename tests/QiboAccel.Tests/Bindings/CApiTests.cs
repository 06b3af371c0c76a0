using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using QiboAccel.CApi.Model;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Qasm;
using QiboAccel.Tests.Support;
using Native = QiboAccel.CApi.Interop;

namespace QiboAccel.Tests.Bindings;

/// <summary>
/// libqiboaccel.so through its header: C programs (tests/…/capi_probe.c and the example examples/c-host) against the
/// C# API on the same circuits — the same states to 1e-12 and the same seeded shots — with the C# API itself checked
/// against the conformance kit's reference simulator; the struct layouts against the C compiler; and every kind of bad
/// input answered with an error object holding one line, never a crash.
/// </summary>
public sealed class CApiTests
{
    private const double Tolerance = 1e-12;

    /// <summary>The C# API's answer for a circuit measured on every qubit: final state and seeded shots.</summary>
    private static ExecutionResult CSharp(Circuit circuit, string spec, int shots, ulong seed)
    {
        using IBackend backend = BindingsHarness.LoadBackend(spec);
        return backend.Execute(circuit, shots, seed);
    }

    private static Circuit Measured(Circuit gates)
    {
        var c = new Circuit(gates.NQubits);
        foreach (Operation op in gates.Operations) c.Add(op);
        for (int q = 0; q < gates.NQubits; q++) c.Measure(q);
        return c;
    }

    public static TheoryData<int, string, string> RandomGateCircuits()
    {
        var data = new TheoryData<int, string, string>();
        for (int seed = 1; seed <= 6; seed++) data.Add(seed, "cpu", seed % 2 == 0 ? "batch" : "single");
        data.Add(7, "gpu", "batch");
        data.Add(8, "python@numpy", "single");
        return data;
    }

    [Theory]
    [MemberData(nameof(RandomGateCircuits))]
    public void EveryGateThroughTheCApiGivesTheStatesAndShotsOfTheCSharpApi(int seed, string spec, string mode)
    {
        var rng = new Random(seed);
        int n = 4 + seed % 3;
        Circuit gates = RandomCircuits.Create(n, 40, rng);
        string list = BindingsHarness.WriteGateList(gates, $"gates-{seed}-{mode}.txt");
        ulong shotSeed = (ulong)(1000 + seed);

        ExecutionResult expected = CSharp(Measured(gates), spec, 500, shotSeed);
        // The C# API itself against an independent reference: the deliberately simple simulator of the conformance kit.
        Assert.True(BindingsHarness.MaxDifference(ReferenceSimulator.Run(gates), expected.State!) < 1e-10);

        var (exit, output, err) = BindingsHarness.Run(BindingsHarness.Probe, ["run", list, spec, "500", shotSeed.ToString(CultureInfo.InvariantCulture), mode]);
        Assert.True(exit == 0, err);
        Assert.True(BindingsHarness.MaxDifference(expected.State!, BindingsHarness.Amplitudes(output)) < Tolerance, "states differ");
        Assert.Contains("view-equal 1", output); // qiboaccel_result_get_state_view shows the same values in place
        BindingsHarness.SameCounts(expected.Frequencies, BindingsHarness.Counts(output, "freq"), $"seed {seed}");
    }

    /// <summary>qelib1's gates (and the extensions the parser knows), with their qubit and parameter counts.</summary>
    private static readonly (string Name, int Qubits, int Params)[] QasmGates =
    [
        ("u3", 1, 3), ("u2", 1, 2), ("u1", 1, 1), ("u", 1, 3), ("p", 1, 1), ("id", 1, 0), ("x", 1, 0), ("y", 1, 0), ("z", 1, 0),
        ("h", 1, 0), ("s", 1, 0), ("sdg", 1, 0), ("t", 1, 0), ("tdg", 1, 0), ("rx", 1, 1), ("ry", 1, 1), ("rz", 1, 1), ("sx", 1, 0),
        ("sxdg", 1, 0), ("cx", 2, 0), ("cz", 2, 0), ("cy", 2, 0), ("swap", 2, 0), ("ch", 2, 0), ("ccx", 3, 0), ("cswap", 3, 0),
        ("crx", 2, 1), ("cry", 2, 1), ("crz", 2, 1), ("cu1", 2, 1), ("cp", 2, 1), ("cu3", 2, 3), ("csx", 2, 0), ("rxx", 2, 1),
        ("rzz", 2, 1), ("ryy", 2, 1), ("iswap", 2, 0), ("fswap", 2, 0), ("ccz", 3, 0), ("cu2", 2, 2), ("c3x", 4, 0),
        ("cu", 2, 4), ("rzx", 2, 1), ("ecr", 2, 0), ("dcx", 2, 0), ("r", 1, 2), ("rccx", 3, 0),
    ];

    internal static string RandomQasm(int n, int depth, Random rng)
    {
        var sb = new StringBuilder("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n");
        sb.Append(CultureInfo.InvariantCulture, $"qreg q[{n}];\ncreg a[2];\ncreg b[{n - 2}];\n");
        for (int i = 0; i < depth; i++)
        {
            var (name, width, nparams) = QasmGates[i < QasmGates.Length ? i : rng.Next(QasmGates.Length)];
            if (width > n) continue;
            string args = nparams == 0 ? "" : "(" + string.Join(", ", Enumerable.Range(0, nparams).Select(_ => ((rng.NextDouble() * 2 - 1) * 4).ToString("R", CultureInfo.InvariantCulture))) + ")";
            sb.Append(name).Append(args).Append(' ').Append(string.Join(", ", RandomCircuits.Shuffled(n, rng).Take(width).Select(q => $"q[{q}]"))).Append(";\n");
        }
        sb.Append("measure q[0] -> a[0];\nmeasure q[1] -> a[1];\n");
        for (int q = 2; q < n; q++) sb.Append(CultureInfo.InvariantCulture, $"measure q[{q}] -> b[{q - 2}];\n");
        return sb.ToString();
    }

    [Theory]
    [InlineData(11, "cpu")]
    [InlineData(12, "cpu")]
    [InlineData(13, "gpu")]
    public void TheCExampleRunsQasmLikeTheCSharpApi(int seed, string spec)
    {
        var rng = new Random(seed);
        string file = Path.Combine(BindingsHarness.Temp, $"random-{seed}.qasm");
        File.WriteAllText(file, RandomQasm(5, 70, rng));
        ExecutionResult expected = CSharp(QasmParser.ParseFile(file), spec, 400, 99);

        var (exit, output, err) = BindingsHarness.Run(BindingsHarness.CHost, [file, "--backend", spec, "--shots", "400", "--seed", "99", "--state",
            "--expectation", "0.5*Z0*Z1 - 1.25*X2*Y4 + 0.75"]);
        Assert.True(exit == 0, err);
        Assert.True(BindingsHarness.MaxDifference(expected.State!, BindingsHarness.Amplitudes(output)) < Tolerance, "states differ");
        BindingsHarness.SameCounts(expected.Frequencies, BindingsHarness.Counts(output, "freq"), "sampled qubits");
        BindingsHarness.SameCounts(expected.RegisterFrequencies["a"], BindingsHarness.Counts(output, "reg a"), "register a");
        BindingsHarness.SameCounts(expected.RegisterFrequencies["b"], BindingsHarness.Counts(output, "reg b"), "register b");
        double expectation = double.Parse(output.Split('\n').Single(l => l.StartsWith("expectation ", StringComparison.Ordinal))[12..], CultureInfo.InvariantCulture);
        Assert.Equal(expected.Expectation(QiboAccel.Observables.Observable.Parse("0.5*Z0*Z1 - 1.25*X2*Y4 + 0.75")), expectation, 12);
    }

    [Fact]
    public void TheCExampleRunsADensityMatrixWithNoise()
    {
        string qasm = RepoPaths.Combine("examples", "noise", "ghz3.qasm");
        string noise = RepoPaths.Combine("examples", "noise", "depolarizing.json");
        using IBackend backend = BindingsHarness.LoadBackend("cpu");
        ExecutionResult expected = backend.Execute(QasmParser.ParseFile(qasm), 300, 5, densityMatrix: true, noise: QiboAccel.Noise.NoiseModel.Load(noise));
        var (exit, output, err) = BindingsHarness.Run(BindingsHarness.CHost, [qasm, "--density-matrix", "--noise", noise, "--shots", "300", "--seed", "5", "--state"]);
        Assert.True(exit == 0, err);
        Assert.True(BindingsHarness.MaxDifference(expected.DensityMatrix!, BindingsHarness.Amplitudes(output)) < Tolerance, "density matrices differ");
        Assert.Contains($"purity {expected.Purity!.Value.ToString("R", CultureInfo.InvariantCulture)[..8]}", output);
        BindingsHarness.SameCounts(expected.Frequencies, BindingsHarness.Counts(output, "freq"), "shots");
    }

    [Theory]
    [InlineData("qreg q[2];\nhx q[0];\n", ":4:1: unknown gate 'hx'")]
    [InlineData("qreg q[2];\nh q[5];\n", ":4:5: index 5 is out of range")]
    [InlineData("qreg q[2];\nh q[0]\n", ":5:")]
    public void TheCExampleReportsBadQasmInOneLine(string body, string message)
    {
        string file = Path.Combine(BindingsHarness.Temp, $"bad-{Math.Abs(body.GetHashCode())}.qasm");
        File.WriteAllText(file, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n" + body);
        var (exit, _, err) = BindingsHarness.Run(BindingsHarness.CHost, [file]);
        Assert.Equal(1, exit);
        string line = Assert.Single(err.Trim().Split('\n'));
        Assert.Contains(file + message, line);
    }

    private static readonly Lazy<Dictionary<string, (int Code, string Message)>> ErrorCases = new(() =>
    {
        var (exit, output, err) = BindingsHarness.Run(BindingsHarness.Probe, ["errors"]);
        Assert.True(exit == 0, $"capi_probe errors exited with {exit} (a crash is a failure):\n{output}\n{err}");
        var cases = new Dictionary<string, (int, string)>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split('\t');
            cases[f[0]] = (int.Parse(f[1], CultureInfo.InvariantCulture), f.Length > 2 ? f[2] : "");
        }
        Assert.True(cases.ContainsKey("done"), $"capi_probe errors stopped early:\n{output}\n{err}");
        return cases;
    });

    [Theory]
    [InlineData("null-error-message", 0, "")]
    [InlineData("backend-unknown", 9, "unknown backend 'nosuch'; installed: cpu")]
    [InlineData("backend-null-out", 1, "backend (the [out] handle) is NULL")]
    [InlineData("backend-bad-option", 1, "threads")]
    [InlineData("backend-missing-library", 1, "libx.so")]
    [InlineData("struct-size-too-small", 1, "info->struct_size is 8")]
    [InlineData("info-null", 1, "info is NULL")]
    [InlineData("qasm-unknown-gate", 7, "bad.qasm:4:1: unknown gate 'hx'")]
    [InlineData("qasm-out-of-range", 7, "bad.qasm:4:5: index 5 is out of range")]
    [InlineData("qasm-missing-file", 8, "no/such/file.qasm: file not found")]
    [InlineData("qasm-null-text", 1, "text is NULL")]
    [InlineData("circuit-zero-qubits", 1, "a circuit needs 1 to 64 qubits, got 0")]
    [InlineData("gate-unknown", 1, "unknown gate 'hx' (known: ")]
    [InlineData("gate-qubit-out-of-range", 1, "H: qubit 5 is out of range for a circuit of 2 qubit(s)")]
    [InlineData("gate-too-few-qubits", 1, "CNOT acts on 2 qubit(s), got 1")]
    [InlineData("gate-qubit-twice", 1, "CNOT: qubit 0 is used twice")]
    [InlineData("gate-missing-parameter", 1, "RX takes 1 parameter(s), got 0")]
    [InlineData("gate-nan-parameter", 1, "RX: parameter NaN is not a finite number")]
    [InlineData("gate-null-qubits", 1, "args->qubits is NULL")]
    [InlineData("gate-ok", 0, "")]
    [InlineData("unitary-wrong-size", 1, "Unitary on 1 qubit(s) needs a 2x2 matrix")]
    [InlineData("matrix-on-plain-gate", 1, "H takes no matrix")]
    [InlineData("batch-bad-record", 1, "gate #2 (X): X: qubit 7 is out of range")]
    [InlineData("batch-atomic", 1, "1")]
    [InlineData("batch-bad-stride", 1, "record_size is 20")]
    [InlineData("batch-unknown-flag", 1, "gate #2 (X): flags 0x80")]
    [InlineData("batch-unknown-gate", 1, "gate #2: unknown gate value 999")]
    [InlineData("batch-qubits-past-end", 1, "gate #2 (X): qubits [9, 10) run past")]
    [InlineData("batch-ok", 0, "")]
    [InlineData("measure-out-of-range", 1, "measure: qubit 9 is out of range")]
    [InlineData("register-twice", 1, "classical register 'm' is declared twice")]
    [InlineData("execute-null-backend", 1, "backend is NULL")]
    [InlineData("execute-handle-kinds-swapped", 1, "backend is a handle of another kind (circuit)")]
    [InlineData("execute-bad-precision", 1, "args->precision 3")]
    [InlineData("execute-bad-flags", 1, "args->flags 0x100")]
    [InlineData("execute-bad-noise", 7, "$.noise[0].channel: DepolarizingChannel: lambda = -1")]
    [InlineData("execute-noise-not-json", 7, "noise model: not valid JSON")]
    [InlineData("execute-initial-not-normalised", 1, "initial state: the squared norm is 2")]
    [InlineData("execute-initial-wrong-size", 1, "initial state: 3 amplitudes given")]
    [InlineData("execute-ok", 0, "")]
    [InlineData("expectation-syntax", 7, "observable '0.5*Z0*', position 8")]
    [InlineData("expectation-qubit-out-of-range", 1, "uses qubit 7")]
    [InlineData("state-out-of-range", 1, "values [2, 5) run past the 4 complex values")]
    [InlineData("state-view-null", 1, "data or count is NULL")]
    [InlineData("frequencies-bad-register", 1, "register_index 5 is out of range")]
    [InlineData("probabilities-qubit-out-of-range", 1, "qubit 5 is out of range")]
    [InlineData("probabilities-qubit-twice", 1, "qubit 0 is listed twice")]
    [InlineData("sample-negative", 1, "probabilities[1] = -0.5")]
    [InlineData("sample-zero-sum", 1, "sum to 0")]
    [InlineData("result-destroyed", 1, "result is not a live handle")]
    [InlineData("circuit-destroyed", 1, "circuit is not a live handle")]
    [InlineData("foreign-pointer", 1, "circuit is not a live handle")]
    [InlineData("backend-destroyed", 1, "backend is not a live handle")]
    public void BadInputIsAnErrorObjectWithOneLine(string name, int code, string message)
    {
        Assert.True(ErrorCases.Value.TryGetValue(name, out var got), $"capi_probe printed no case '{name}'");
        Assert.Equal(code, got.Code);
        Assert.Contains(message, got.Message);
        Assert.DoesNotContain("MULTI-LINE", got.Message);
        Assert.DoesNotContain("(Parameter '", got.Message);
    }

    private static readonly Lazy<Dictionary<string, long>> Layout = new(() =>
    {
        var (exit, output, err) = BindingsHarness.Run(BindingsHarness.Probe, ["layout"]);
        Assert.True(exit == 0, err);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' '))
            .ToDictionary(f => f[0] + " " + f[1], f => long.Parse(f[2], CultureInfo.InvariantCulture));
    });

    public static TheoryData<string, Type> Mirrors() => new()
    {
        { "qiboaccel_backend_info", typeof(Native.BackendInfo) },
        { "qiboaccel_backend_list_info", typeof(Native.BackendListInfo) },
        { "qiboaccel_backend_entry", typeof(Native.BackendEntry) },
        { "qiboaccel_circuit_info", typeof(Native.CircuitInfo) },
        { "qiboaccel_register_info", typeof(Native.RegisterInfo) },
        { "qiboaccel_gate_info", typeof(Native.GateInfo) },
        { "qiboaccel_gate_args", typeof(Native.GateArgs) },
        { "qiboaccel_gate_record", typeof(Native.GateRecord) },
        { "qiboaccel_gate_batch", typeof(Native.GateBatch) },
        { "qiboaccel_execute_args", typeof(Native.ExecuteArgs) },
        { "qiboaccel_result_info", typeof(Native.ResultInfo) },
        { "qiboaccel_frequencies_args", typeof(Native.FrequenciesArgs) },
        { "qiboaccel_sample_args", typeof(Native.SampleArgs) },
        { "qiboaccel_sweep_args", typeof(Native.SweepArgs) },
        { "qiboaccel_gradient_args", typeof(Native.GradientArgs) },
    };

    [Theory]
    [MemberData(nameof(Mirrors))]
    public void TheCSharpMirrorHasTheHeadersLayout(string cName, Type mirror)
    {
        var layout = Layout.Value;
        Assert.Equal(layout[$"sizeof {cName}"], Marshal.SizeOf(mirror));
        var fields = layout.Where(kv => kv.Key.StartsWith($"offsetof {cName}.", StringComparison.Ordinal)).ToList();
        // Every C# field but struct_size has a C field of the same name (snake_case), at the same offset.
        var csFields = mirror.GetFields().Where(f => f.Name != "StructSize" && !f.IsLiteral).ToList();
        Assert.Equal(fields.Count, csFields.Count);
        foreach (var f in csFields)
        {
            string snake = string.Concat(f.Name.Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
            Assert.True(layout.TryGetValue($"offsetof {cName}.{snake}", out long offset), $"{cName} has no field {snake} (C# {mirror.Name}.{f.Name})");
            Assert.Equal(offset, (long)Marshal.OffsetOf(mirror, f.Name));
        }
    }

    [Fact]
    public void TheGateValuesOfTheHeaderNameTheSameGates()
    {
        var values = Layout.Value.Where(kv => kv.Key.StartsWith("value QIBOACCEL_GATE_", StringComparison.Ordinal)
            && !kv.Key.EndsWith("_COUNT", StringComparison.Ordinal) && !kv.Key.Contains("RECORD", StringComparison.Ordinal)).ToList();
        Assert.Equal(GateNames.ById.Length, values.Count);
        Assert.Equal(GateNames.ById.Length, Layout.Value["value QIBOACCEL_GATE_COUNT"]);
        foreach (var (key, value) in values)
        {
            string cName = key["value QIBOACCEL_GATE_".Length..].Replace("_", "", StringComparison.Ordinal);
            Assert.Equal(cName, GateDefinition.Of(GateNames.ById[value]).Name.ToUpperInvariant());
        }
        // Every gate of the core has a value, once.
        Assert.Equal(Enum.GetValues<GateKind>().Order(), GateNames.ById.Order());
    }

    [Fact]
    public void TheHeadersCodesAndFlagsAreTheLibrarys()
    {
        var v = Layout.Value;
        foreach (Native.ErrorCode code in Enum.GetValues<Native.ErrorCode>())
        {
            string name = code == Native.ErrorCode.Ok ? "QIBOACCEL_OK" : "QIBOACCEL_ERROR_" + string.Concat(code.ToString().Select((ch, i) => char.IsUpper(ch) && i > 0 && !char.IsUpper(code.ToString()[i - 1]) ? "_" + ch : ch.ToString())).ToUpperInvariant();
            Assert.True(v.TryGetValue("value " + name, out long value), $"the header has no {name}");
            Assert.Equal((long)code, value);
        }
        Assert.Equal(Native.Flags.ExecuteSeed, (uint)v["value QIBOACCEL_EXECUTE_SEED"]);
        Assert.Equal(Native.Flags.ExecuteDensityMatrix, (uint)v["value QIBOACCEL_EXECUTE_DENSITY_MATRIX"]);
        Assert.Equal(Native.Flags.ExecuteNoState, (uint)v["value QIBOACCEL_EXECUTE_NO_STATE"]);
        Assert.Equal(Native.Flags.ListProbe, (uint)v["value QIBOACCEL_LIST_PROBE"]);
        Assert.Equal(Native.Flags.PrecisionDouble, (uint)v["value QIBOACCEL_PRECISION_DOUBLE"]);
        Assert.Equal(Native.Flags.PrecisionSingle, (uint)v["value QIBOACCEL_PRECISION_SINGLE"]);
        Assert.Equal(Native.Flags.GateRecordFlagsV10, (uint)v["value QIBOACCEL_GATE_RECORD_FLAGS_V1_0"]);
        Assert.Equal((long)QiboAccel.CApi.Exports.ApiInfo.Major, v["value QIBOACCEL_API_VERSION_MAJOR"]);
        Assert.Equal((long)QiboAccel.CApi.Exports.ApiInfo.Minor, v["value QIBOACCEL_API_VERSION_MINOR"]);
    }

    [Fact]
    public void TheLibraryExportsExactlyTheHeadersFunctions()
    {
        BindingsHarness.RequireLibrary();
        string header = File.ReadAllText(Path.Combine(BindingsHarness.Include, "qibo", "qiboaccel.h"));
        var declared = System.Text.RegularExpressions.Regex.Matches(header, @"QIBOACCEL_API\s+[^;(]*?\b(qiboaccel_\w+)\s*\(")
            .Select(m => m.Groups[1].Value).ToHashSet();
        var (exit, output, err) = BindingsHarness.Run("nm", ["-D", "--defined-only", BindingsHarness.Library]);
        Assert.True(exit == 0, err);
        var exported = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[^1].Split('@')[0])
            .Where(s => s.StartsWith("qiboaccel_", StringComparison.Ordinal)).ToHashSet();
        Assert.Empty(declared.Except(exported));
        Assert.Empty(exported.Except(declared));
        Assert.True(declared.Count >= 35, $"only {declared.Count} functions found in the header");
    }
}
