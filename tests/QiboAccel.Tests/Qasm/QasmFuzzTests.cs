using System.Diagnostics;
using System.Text;
using QiboAccel.Qasm;
using QiboAccel.Tests.Support;
using Xunit.Abstractions;

namespace QiboAccel.Tests.Qasm;

/// <summary>
/// A seeded, time-bounded fuzz of the OpenQASM front end: mutations of the shipped circuits (examples/qasmbench and
/// examples/circuits) — numbers swapped for extreme ones, ranges deleted, duplicated or truncated, hostile snippets
/// inserted (huge registers, exponential gate definitions, unterminated comments, control characters...). Every
/// mutant must parse or fail with <see cref="QasmException"/> (the parser's own error), each within 5 s and a bounded
/// allocation. The seed is fixed, so a failure reproduces: the message gives the mutant's number and operators.
/// </summary>
public class QasmFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261130;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(5);

    private static readonly string[] Numbers =
    [
        "0", "1", "2", "63", "64", "65", "1024", "1025", "4096", "4097", "2147483647", "2147483648", "4294967296",
        "9223372036854775807", "9223372036854775808", "99999999999999999999999999999", "1e308", "1e309", "1e-400", "0.5", ".5",
        "1.", "00000000000000000007", "-1", "pi", "pi/0", "0/0",
    ];

    private static readonly string[] Snippets =
    [
        ";", "{", "}", "(", ")", "[", "]", "->", "==", ",", "\"", "/*", "*/", "//", "\0", "\u001b[31m", "\u202e", "\r", "\t",
        "gate g a { g a; }", "gate h a { x a; }", "if(c==1) ", "if(c==99999999999999999999) x q[0];", "measure q -> c;",
        "creg huge[2147483647];", "qreg wide[1025];", "creg c[4097];", "qreg q[3];", "OPENQASM 2.7;", "OPENQASM 3;",
        "include \"other.inc\";", "include \"qelib1.inc\";", "opaque o a;", "o q[0];", "barrier q;", "reset q;",
        "u3(1e308*1e308,0,0) q[0];", "rx(ln(0)) q[0];", "rz(sqrt(-1)) q[0];", "u1(((((((((((((((((1)))))))))))))))) q[0];",
        "cx q[0],q[0];", "x q[99999999999];", "h q;", "ccx q[0],q[1],q[2];", "U(0,0,0) q[0];", "CX q[0],q[1];",
    ];

    [Fact]
    public async Task MutatedCircuitsParseOrFailWithTheParsersOwnError()
    {
        // Large files are skipped: a budget of seconds is better spent on many small mutants.
        var sources = Directory.GetFiles(RepoPaths.Combine("examples", "qasmbench"), "*.qasm")
            .Concat(Directory.GetFiles(RepoPaths.Combine("examples", "circuits"), "*.qasm"))
            .Where(f => new FileInfo(f).Length < 200_000)
            .Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Text: File.ReadAllText(f)))
            .ToArray();
        Assert.True(sources.Length >= 40, $"only {sources.Length} circuits to mutate");
        var rng = new Random(Seed);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        int mutants = 0, parsed = 0, rejected = 0;
        while (clock.Elapsed < Budget && failures.Count < 10)
        {
            var (name, text) = sources[rng.Next(sources.Length)];
            var applied = new List<string>();
            string mutant = text;
            for (int k = 1 + rng.Next(3); k > 0; k--) mutant = Mutate(mutant, rng, applied);
            string label = $"mutant #{mutants} of {name} ({string.Join(", ", applied)})";
            mutants++;
            var run = Task.Run(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                var sw = Stopwatch.StartNew();
                Exception? error = null;
                int operations = 0;
                try
                {
                    operations = QasmParser.Parse(mutant, name).Operations.Count;
                }
                catch (Exception e)
                {
                    error = e;
                }
                return (Error: error, Operations: operations, Bytes: GC.GetAllocatedBytesForCurrentThread() - before);
            });
            if (await Task.WhenAny(run, Task.Delay(PerInput)) != run)
            {
                failures.Add($"{label}: still parsing after {PerInput.TotalSeconds} s");
                break;
            }
            var (error, operations, bytes) = await run;
            // Memory grows with the input and with the operations it expands to — which the operation limit caps,
            // also for a program refused part-way (it may have built up to the limit first).
            long expanded = error is null ? operations : QiboAccel.Safety.InputLimits.Operations.Value;
            long allowed = (256L << 20) + 200L * mutant.Length + 300L * expanded;
            if (bytes > allowed) failures.Add($"{label}: allocated {bytes >> 20} MiB (bound {allowed >> 20} MiB)");
            if (error is null)
            {
                parsed++;
            }
            else if (error is QasmException q)
            {
                rejected++;
                if (q.Message.Contains('\n') || q.Message.Contains('\u001b') || q.Message.Length > 1000)
                {
                    failures.Add($"{label}: the error is not one bounded, inert line ({q.Message.Length} characters)");
                }
            }
            else
            {
                failures.Add($"{label}: {error.GetType().Name}: {error.Message}");
            }
        }
        output.WriteLine($"{mutants} mutants in {clock.Elapsed.TotalSeconds:0.0} s: {parsed} parsed, {rejected} rejected with QasmException, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(mutants >= 300, $"only {mutants} mutants ran within the budget");
        Assert.True(parsed > 0 && rejected > 0, "the mutations should produce both valid and invalid programs");
    }

    private static string Mutate(string text, Random rng, List<string> applied)
    {
        if (text.Length == 0) text = " ";
        int at = rng.Next(text.Length);
        switch (rng.Next(9))
        {
            case 0:
            {
                // Swap a number for an extreme one.
                int start = IndexOfDigit(text, at);
                if (start < 0) goto default;
                int end = start;
                while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.')) end++;
                string number = Numbers[rng.Next(Numbers.Length)];
                applied.Add($"number {number}");
                return text[..start] + number + text[end..];
            }
            case 1:
            {
                int length = Math.Min(text.Length - at, 1 + rng.Next(60));
                applied.Add($"delete {length}@{at}");
                return text.Remove(at, length);
            }
            case 2:
            {
                int length = Math.Min(text.Length - at, 1 + rng.Next(200));
                int times = 1 + rng.Next(rng.Next(2) == 0 ? 3 : 2000);
                applied.Add($"repeat {length}@{at} x{times}");
                var sb = new StringBuilder(text, 0, at + length, text.Length + length * times);
                for (int i = 0; i < times; i++) sb.Append(text, at, length);
                return sb.Append(text, at + length, text.Length - at - length).ToString();
            }
            case 3:
            {
                string snippet = Snippets[rng.Next(Snippets.Length)];
                applied.Add($"insert {snippet.Length}@{at}");
                return text.Insert(at, snippet);
            }
            case 4:
            {
                char c = rng.Next(4) == 0 ? (char)rng.Next(0x80, 0x3000) : (char)rng.Next(0, 0x80);
                applied.Add($"char U+{(int)c:X4}@{at}");
                return text[..at] + c + text[(at + 1)..];
            }
            case 5:
                applied.Add($"truncate@{at}");
                return text[..at];
            case 6:
            {
                string[] lines = text.Split('\n');
                int a = rng.Next(lines.Length), b = rng.Next(lines.Length);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                applied.Add($"swap lines {a},{b}");
                return string.Join('\n', lines);
            }
            case 7:
            {
                // An exponentially expanding definition applied to the first qubit.
                int levels = 10 + rng.Next(60);
                var sb = new StringBuilder("\ngate e0 a { x a; }\n");
                for (int k = 1; k <= levels; k++) sb.Append($"gate e{k} a {{ e{k - 1} a; e{k - 1} a; }}\n");
                sb.Append($"e{levels} q[0];\n");
                applied.Add($"expo {levels}");
                return text + sb;
            }
            default:
            {
                // Duplicate a whole line many times (long gate lists, repeated declarations).
                string[] lines = text.Split('\n');
                string line = lines[rng.Next(lines.Length)];
                int times = 1 + rng.Next(5000);
                applied.Add($"line x{times}");
                return text + "\n" + string.Concat(Enumerable.Repeat(line + "\n", times));
            }
        }
    }

    private static int IndexOfDigit(string text, int from)
    {
        for (int i = 0; i < text.Length; i++)
        {
            int j = (from + i) % text.Length;
            if (char.IsAsciiDigit(text[j]) && (j == 0 || !char.IsAsciiDigit(text[j - 1]))) return j;
        }
        return -1;
    }
}
