using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Bindings;

/// <summary>
/// What the binding tests share: running programs, libqiboaccel.so's location, the C probe and example built once, and
/// the neutral gate-list format in which C# hands a random circuit to C and Python.
/// </summary>
internal static class BindingsHarness
{
    public static string Library => RepoPaths.Combine("build", "lib", "libqiboaccel.so");

    public static string Include => RepoPaths.Combine("abi", "include");

    private static readonly Lazy<string> LazyTemp = new(() => Directory.CreateTempSubdirectory("qiboaccel-bindings-").FullName);

    /// <summary>A folder for this test run's files.</summary>
    public static string Temp => LazyTemp.Value;

    /// <summary>The backend a specifier names, loaded in this process from build/backends as the bindings find it.</summary>
    public static IBackend LoadBackend(string spec)
    {
        int at = spec.IndexOf('@');
        return at >= 0 ? TestBackends.Load("backends", spec[..at] + ".json", spec[(at + 1)..]) : TestBackends.Load("backends", spec + ".json");
    }

    public static void RequireLibrary()
    {
        Assert.True(File.Exists(Library), $"{Library} is missing: build it with ./qiboaccel build (./run-tests does it)");
    }

    /// <summary>Runs a program to completion; output and error are captured.</summary>
    public static (int Exit, string Out, string Err) Run(string program, IEnumerable<string> args, IDictionary<string, string>? env = null,
        string? workingDirectory = null, int timeoutSeconds = 600)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (env is not null)
        {
            foreach (var (k, v) in env) psi.Environment[k] = v;
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static readonly Lazy<string> LazyProbe = new(() =>
    {
        RequireLibrary();
        string exe = Path.Combine(Temp, "capi_probe");
        string source = RepoPaths.Combine("tests", "QiboAccel.Tests", "Bindings", "capi_probe.c");
        string lib = Path.GetDirectoryName(Library)!;
        var (exit, _, err) = Run("gcc", ["-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", "-I", Include, "-o", exe, source,
            "-L" + lib, "-Wl,-rpath," + lib, "-lqiboaccel", "-lm"]);
        Assert.True(exit == 0, $"compiling capi_probe.c failed:\n{err}");
        return exe;
    });

    /// <summary>tests/QiboAccel.Tests/Bindings/capi_probe.c, compiled against the header and linked to libqiboaccel.so.</summary>
    public static string Probe => LazyProbe.Value;

    private static readonly Lazy<string> LazyHost = new(() =>
    {
        RequireLibrary();
        string outDir = Path.Combine(Temp, "c-host");
        var (exit, output, err) = Run("make", ["-C", RepoPaths.Combine("examples", "c-host"), "OUT=" + outDir]);
        Assert.True(exit == 0, $"make -C examples/c-host failed:\n{output}\n{err}");
        return Path.Combine(outDir, "run_qasm");
    });

    /// <summary>examples/c-host/run_qasm, built by its Makefile (one make) into a temporary folder.</summary>
    public static string CHost => LazyHost.Value;

    /// <summary>
    /// Writes <paramref name="circuit"/>'s gates as a gate list: the qubit count, then one line per gate,
    /// NAME|qubits (built-in controls, then targets)|extra controls|params|matrix (re,im pairs). Doubles round-trip.
    /// </summary>
    public static string WriteGateList(Circuit circuit, string name)
    {
        var sb = new StringBuilder();
        sb.Append(circuit.NQubits.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (Operation op in circuit.Operations)
        {
            var g = (Gate)op;
            int builtIn = g.Definition.BuiltInControls;
            IEnumerable<int> qubits = g.Controls.Take(builtIn).Concat(g.Targets);
            IEnumerable<int> extra = g.Controls.Skip(builtIn);
            ReadOnlySpan<Complex> m = g.UserMatrix;
            var matrix = new List<string>();
            foreach (Complex z in m)
            {
                matrix.Add(R(z.Real));
                matrix.Add(R(z.Imaginary));
            }
            sb.Append(g.Name).Append('|')
              .Append(string.Join(',', qubits)).Append('|')
              .Append(string.Join(',', extra)).Append('|')
              .Append(string.Join(',', g.Parameters.Select(R))).Append('|')
              .Append(string.Join(',', matrix)).Append('\n');
        }
        string path = Path.Combine(Temp, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>"amp I RE IM" lines → the amplitudes in index order.</summary>
    public static Complex[] Amplitudes(string output)
    {
        var amps = new SortedDictionary<long, Complex>();
        foreach (string line in output.Split('\n'))
        {
            if (!line.StartsWith("amp ", StringComparison.Ordinal)) continue;
            string[] f = line.Split(' ');
            amps[long.Parse(f[1], CultureInfo.InvariantCulture)] = new Complex(double.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture));
        }
        Assert.Equal(Enumerable.Range(0, amps.Count).Select(i => (long)i), amps.Keys);
        return [.. amps.Values];
    }

    /// <summary>"PREFIX BITS COUNT" lines → counts.</summary>
    public static Dictionary<string, int> Counts(string output, string prefix)
    {
        var counts = new Dictionary<string, int>();
        foreach (string line in output.Split('\n'))
        {
            if (!line.StartsWith(prefix + " ", StringComparison.Ordinal)) continue;
            string[] f = line[(prefix.Length + 1)..].Split(' ');
            counts[f[0]] = int.Parse(f[1], CultureInfo.InvariantCulture);
        }
        return counts;
    }

    public static double MaxDifference(IReadOnlyList<Complex> a, IReadOnlyList<Complex> b)
    {
        Assert.Equal(a.Count, b.Count);
        double max = 0;
        for (int i = 0; i < a.Count; i++) max = Math.Max(max, (a[i] - b[i]).Magnitude);
        return max;
    }

    public static void SameCounts(IReadOnlyDictionary<string, int> expected, IReadOnlyDictionary<string, int> actual, string what)
    {
        string Show(IReadOnlyDictionary<string, int> d) => string.Join(", ", d.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}:{kv.Value}"));
        Assert.True(expected.Count == actual.Count && expected.All(kv => actual.TryGetValue(kv.Key, out int v) && v == kv.Value),
            $"{what}: shots differ\n expected {Show(expected)}\n actual   {Show(actual)}");
    }
}
