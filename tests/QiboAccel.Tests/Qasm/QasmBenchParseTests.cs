using System.Diagnostics;
using System.Text.RegularExpressions;
using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Qasm;
using QiboAccel.Tests.Support;
using Xunit.Abstractions;

namespace QiboAccel.Tests.Qasm;

/// <summary>
/// The QASMBench circuits in examples/qasmbench parse. Expected sizes come from a plain text scan of each file
/// (its qreg/creg declarations and the _nK suffix of its name), not from the parser.
/// </summary>
/// <remarks>
/// Four of the upstream files end with <c>measure q[i] -&gt; c[i];</c> lines although they declare neither a qreg
/// <c>q</c> nor a creg <c>c</c> (hhl_n10: qregs q0, q1, q2; vqe_uccsd_*: qreg reg). Strictly they are not valid
/// OpenQASM; the parser accepts them with a warning at the first such line (q = all qubits, c declared implicitly).
/// </remarks>
public partial class QasmBenchParseTests(ITestOutputHelper output)
{
    private static readonly string[] UndeclaredRegisterFiles =
        ["hhl_n10.qasm", "vqe_uccsd_n4.qasm", "vqe_uccsd_n6.qasm", "vqe_uccsd_n8.qasm"];

    private static string BenchPath(string file) => RepoPaths.Combine("examples", "qasmbench", file);

    public static TheoryData<string> ValidFiles()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(RepoPaths.Combine("examples", "qasmbench"), "*.qasm").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(f);
            if (!UndeclaredRegisterFiles.Contains(name)) data.Add(name);
        }
        return data;
    }

    public static TheoryData<string> InvalidFiles() => [.. UndeclaredRegisterFiles];

    [GeneratedRegex(@"\b(qreg|creg)\s+[A-Za-z_][A-Za-z0-9_]*\s*\[\s*(\d+)\s*\]")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"_n(\d+)\.qasm$")]
    private static partial Regex QubitSuffix();

    /// <summary>Sums of qreg and creg sizes, read from the text (comments removed).</summary>
    private static (int Qubits, int Bits) DeclaredSizes(string text)
    {
        string code = Regex.Replace(text, @"//[^\n]*|/\*.*?\*/", "", RegexOptions.Singleline);
        int qubits = 0, bits = 0;
        foreach (Match m in Declaration().Matches(code))
        {
            int size = int.Parse(m.Groups[2].Value);
            if (m.Groups[1].Value == "qreg") qubits += size; else bits += size;
        }
        return (qubits, bits);
    }

    [Fact]
    public void EveryBenchmarkFileIsCovered()
    {
        int files = Directory.GetFiles(RepoPaths.Combine("examples", "qasmbench"), "*.qasm").Length;
        Assert.True(files >= 40, $"only {files} .qasm files found");
        Assert.Equal(files, ValidFiles().Count + InvalidFiles().Count);
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void ParsesWithTheDeclaredQubitsAndBits(string file)
    {
        string path = BenchPath(file);
        var (qubits, bits) = DeclaredSizes(File.ReadAllText(path));
        Circuit circuit = QasmParser.ParseFile(path);
        Assert.Equal(qubits, circuit.NQubits);
        Assert.Equal(int.Parse(QubitSuffix().Match(file).Groups[1].Value), circuit.NQubits);
        Assert.Equal(bits, circuit.NClbits);
        Assert.NotEmpty(circuit.Operations);
    }

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void UndeclaredMeasureRegistersAreAcceptedWithAWarningAtTheFirstSuchLine(string file)
    {
        string path = BenchPath(file);
        string[] lines = File.ReadAllLines(path);
        int firstBad = Array.FindIndex(lines, l => l.StartsWith("measure q[", StringComparison.Ordinal)) + 1;
        Assert.True(firstBad > 0);
        int measures = lines.Count(l => l.StartsWith("measure q[", StringComparison.Ordinal));
        int qubits = int.Parse(QubitSuffix().Match(file).Groups[1].Value);

        var warnings = new List<string>();
        Circuit circuit = QasmParser.ParseFile(path, warnings);
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith($"{path}:{firstBad}:{"measure ".Length + 1}: warning: quantum register 'q' is not declared", warnings[0]);
        Assert.Contains("classical register 'c' is not declared", warnings[1]);
        Assert.Equal(qubits, circuit.NQubits);
        Assert.Equal(qubits, circuit.NClbits);
        // The trailing lines read measure q[i] -> c[i]: qubit i into bit i.
        var tail = circuit.Operations.TakeLast(measures).Select(op => Assert.IsType<Measurement>(op)).ToArray();
        for (int i = 0; i < measures; i++)
        {
            Assert.Equal(i, tail[i].Qubit);
            Assert.Equal(i, tail[i].Cbit);
        }
    }

    [Fact]
    public void ElsewhereUndeclaredRegistersStayErrors()
    {
        var e = Assert.Throws<QasmException>(() => QasmParser.Parse("include \"qelib1.inc\";\nqreg q0[2];\nh q[0];\n", "x.qasm"));
        Assert.Contains("unknown quantum register 'q'", e.Message);
        Assert.Equal(3, e.Line);
    }

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void TheValidPartOfThoseFilesParses(string file)
    {
        string[] lines = File.ReadAllLines(BenchPath(file));
        int firstBad = Array.FindIndex(lines, l => l.StartsWith("measure q[", StringComparison.Ordinal));
        string[] prefix = lines[..firstBad];
        // Apart from the header and the register declarations, each line is one gate on indexed qubits.
        int gateLines = prefix.Count(l => l.TrimEnd().EndsWith(';')
            && !l.StartsWith("OPENQASM", StringComparison.Ordinal) && !l.StartsWith("include", StringComparison.Ordinal)
            && !l.StartsWith("qreg", StringComparison.Ordinal) && !l.StartsWith("creg", StringComparison.Ordinal));
        string text = string.Join('\n', prefix);

        Circuit circuit = QasmParser.Parse(text, file);
        Assert.Equal(int.Parse(QubitSuffix().Match(file).Groups[1].Value), circuit.NQubits);
        Assert.Equal(DeclaredSizes(text).Qubits, circuit.NQubits);
        Assert.Equal(gateLines, circuit.Operations.Count);
        Assert.All(circuit.Operations, op => Assert.IsType<Gate>(op));
    }

    [Fact]
    public void Hhl10IsLargeAndParsesQuickly()
    {
        string[] lines = File.ReadAllLines(BenchPath("hhl_n10.qasm"));
        Assert.Equal(186806, lines.Length);
        // Lines 1-2: header; 3-5: qreg q0[3], q1[6], q2[1]; 6-186800: one gate each; 186801-186806: the invalid measures.
        string text = string.Join('\n', lines[..186800]);
        var sw = Stopwatch.StartNew();
        Circuit circuit = QasmParser.Parse(text, "hhl_n10.qasm");
        sw.Stop();
        output.WriteLine($"hhl_n10 (first 186800 lines, {text.Length / 1e6:F1} M characters): {circuit.Operations.Count} operations in {sw.Elapsed.TotalMilliseconds:F0} ms (first parse in this process, timing not asserted)");
        Assert.Equal(10, circuit.NQubits);
        Assert.Equal(186795, circuit.Operations.Count);
        var first = Assert.IsType<Gate>(circuit.Operations[0]); // rz(0.3822789) q0[0];
        Assert.Equal(GateKind.RZ, first.Kind);
        Assert.Equal([0], first.Targets);
        Assert.Equal(0.3822789, first.Parameters[0], 1e-15);
    }
}
