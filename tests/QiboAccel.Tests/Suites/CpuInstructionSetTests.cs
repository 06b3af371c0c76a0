using System.Numerics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// The cpu backend's two builds (backends/cpu/README.md, "Instruction set"): libqibo_cpu.so (x86-64-v3) hands over to
/// libqibo_cpu_avx512.so (x86-64-v4) where the CPU and the OS support AVX-512, unless QIBO_CPU_ISA=avx2; the device
/// line of backend_get_info says which build runs and the vector width the options give. Every width of every build
/// (AVX-512, AVX2, 128-bit, scalar) must equal the reference simulator on circuits with every gate kind, with and without
/// extra controls, with every qubit as a target and as a control. Whether this machine has AVX-512 comes from the test
/// host's JIT (which checks the CPU and the OS), not from the backend.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CpuInstructionSetTests : IDisposable
{
    internal static bool MachineHasAvx512 =>
        Avx512F.IsSupported && Avx512BW.IsSupported && Avx512CD.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported;

    private static readonly string BuildsDir = RepoPaths.Combine("build", "backends");

    private readonly Dictionary<string, IBackend> _backends = [];
    private string? _v3Only;

    public void Dispose()
    {
        foreach (IBackend backend in _backends.Values) backend.Dispose();
        // The copy stays loaded (NativeAOT libraries are never unloaded); deleting its folder is harmless.
        if (_v3Only is not null) Directory.Delete(_v3Only, recursive: true);
    }

    /// <summary>
    /// The installed backend ("default": whichever build libqibo_cpu.so chooses here), or "v3": a copy of
    /// libqibo_cpu.so alone in a folder, which can only run its own x86-64-v3 code.
    /// </summary>
    private IBackend Backend(string build, string options)
    {
        string key = build + "|" + options;
        if (_backends.TryGetValue(key, out IBackend? backend)) return backend;
        if (build == "default")
        {
            backend = TestBackends.Load("backends", "cpu.json", options);
        }
        else
        {
            if (_v3Only is null)
            {
                _v3Only = Directory.CreateTempSubdirectory("qiboaccel-cpu-v3-").FullName;
                File.Copy(Path.Combine(BuildsDir, "libqibo_cpu.so"), Path.Combine(_v3Only, "libqibo_cpu.so"));
            }
            string library = Path.Combine(_v3Only, "libqibo_cpu.so");
            backend = Backends.Load(options.Length == 0 ? library : library + "?" + options);
        }
        _backends[key] = backend;
        return backend;
    }

    /// <summary>The device line the backend should show for <paramref name="simd"/> on this machine.</summary>
    private static string ExpectedDevice(string build, string simd)
    {
        bool v4 = build == "default" && MachineHasAvx512;
        string level = v4 ? "x86-64-v4 build" : "x86-64-v3 build";
        string isa = simd switch
        {
            "auto" or "512" => v4 ? "AVX-512" : "AVX2+FMA",
            "256" => "AVX2+FMA",
            "128" => "SSE4.2",
            _ => "scalar",
        };
        return $"{isa} ({level}";
    }

    [Fact]
    public void TheDefaultLibraryRunsTheBuildThisCpuSupports()
    {
        string device = Backend("default", "").Info.Device;
        if (MachineHasAvx512)
        {
            Assert.Contains("AVX-512 (x86-64-v4 build)", device);
        }
        else
        {
            Assert.Contains("AVX2+FMA (x86-64-v3 build; no AVX-512: ", device);
            Console.WriteLine($"[CpuInstructionSetTests] this machine has no AVX-512 (per the .NET JIT): only the x86-64-v3 build ran ({device})");
        }
    }

    [Fact]
    public void WithoutItsSiblingTheLibraryRunsItsOwnCodeAndSaysWhy()
    {
        string device = Backend("v3", "").Info.Device;
        Assert.Contains(MachineHasAvx512 ? "AVX2+FMA (x86-64-v3 build; libqibo_cpu_avx512.so not found beside it)" : "AVX2+FMA (x86-64-v3 build; no AVX-512: ", device);
    }

    [Fact]
    public void ABrokenOrUnsafeSiblingIsNotLoaded()
    {
        string folder = Directory.CreateTempSubdirectory("qiboaccel-cpu-sibling-").FullName;
        try
        {
            string library = Path.Combine(folder, "libqibo_cpu.so"), sibling = Path.Combine(folder, "libqibo_cpu_avx512.so");
            File.Copy(Path.Combine(BuildsDir, "libqibo_cpu.so"), library);
            File.WriteAllText(sibling, "not an ELF file");
            string none = "AVX2+FMA (x86-64-v3 build; no AVX-512: ";
            Assert.Contains(MachineHasAvx512 ? $"AVX2+FMA (x86-64-v3 build; libqibo_cpu_avx512.so could not be loaded: {sibling}: " : none, RunDevice(library));
            File.Copy(Path.Combine(BuildsDir, "libqibo_cpu_avx512.so"), sibling, overwrite: true);
            File.SetUnixFileMode(sibling, File.GetUnixFileMode(sibling) | UnixFileMode.OtherWrite);
            Assert.Contains(MachineHasAvx512 ? "AVX2+FMA (x86-64-v3 build; libqibo_cpu_avx512.so refused: writable by every user)" : none, RunDevice(library));
            File.SetUnixFileMode(sibling, File.GetUnixFileMode(sibling) & ~UnixFileMode.OtherWrite);
            Assert.Contains(MachineHasAvx512 ? "AVX-512 (x86-64-v4 build)" : none, RunDevice(library));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The device line of <c>qiboaccel run ghz.qasm --json --backend LIBRARY</c>, in a fresh process.</summary>
    private static string RunDevice(string library)
    {
        CliResult result = CliRunner.Run(["run", RepoPaths.Combine("examples", "circuits", "ghz.qasm"), "--json", "--backend", library]);
        Assert.True(result.Exit == 0, result.Err);
        using JsonDocument json = JsonDocument.Parse(result.Out);
        return json.RootElement.GetProperty("device").GetString()!;
    }

    [Fact]
    public void QiboCpuIsaAvx2KeepsTheX8664V3Build()
    {
        Assert.Contains("AVX2+FMA (x86-64-v3 build; QIBO_CPU_ISA=avx2)", CliDevice("avx2"));
        Assert.Contains(MachineHasAvx512 ? "AVX-512 (x86-64-v4 build)" : "AVX2+FMA (x86-64-v3 build; no AVX-512: ", CliDevice("auto"));
        Assert.Contains("AVX2+FMA (x86-64-v3 build; QIBO_CPU_ISA='sse9' is not auto, avx512 or avx2: the AVX2 code runs)", CliDevice("sse9"));
    }

    /// <summary>The cpu backend's device line as <c>qiboaccel backends --json cpu</c> shows it in a fresh process.</summary>
    private static string CliDevice(string isa)
    {
        CliResult result = CliRunner.Run(["backends", "--json", "cpu"], new() { ["QIBO_CPU_ISA"] = isa });
        Assert.True(result.Exit == 0, result.Err);
        using JsonDocument json = JsonDocument.Parse(result.Out);
        return json.RootElement.GetProperty("backends")[0].GetProperty("device").GetString()!;
    }

    /// <summary>
    /// On an AVX2-only CPU (Haswell, emulated by qemu-user, whatever this machine has) the library must stay on its own
    /// code and run circuits; the AVX-512 build started there aborts the process, which shows the emulated CPU really
    /// lacks AVX-512 (and why libqibo_cpu.so must never load it on such a CPU).
    /// </summary>
    [QemuFact]
    public void OnAnAvx2OnlyCpuTheX8664V3BuildRuns()
    {
        CliResult info = Emulated("Haswell", "backends", "--json", "cpu");
        Assert.True(info.Exit == 0, info.Err);
        using (JsonDocument json = JsonDocument.Parse(info.Out))
        {
            Assert.Contains("AVX2+FMA (x86-64-v3 build; no AVX-512: CPU without avx512f",
                json.RootElement.GetProperty("backends")[0].GetProperty("device").GetString());
        }

        CliResult run = Emulated("Haswell", "run", RepoPaths.Combine("examples", "circuits", "ghz.qasm"), "--state", "--json");
        Assert.True(run.Exit == 0, run.Err);
        using (JsonDocument json = JsonDocument.Parse(run.Out))
        {
            JsonElement state = json.RootElement.GetProperty("state");
            Assert.Equal(32, state.GetArrayLength());
            for (int i = 0; i < 32; i++)
            {
                double expected = i is 0 or 31 ? Math.Sqrt(0.5) : 0;
                Assert.Equal(expected, state[i][0].GetDouble(), 12);
                Assert.Equal(0, state[i][1].GetDouble(), 12);
            }
        }

        CliResult v4 = Emulated("Haswell", "run", RepoPaths.Combine("examples", "circuits", "ghz.qasm"), "--backend", Path.Combine(BuildsDir, "libqibo_cpu_avx512.so"));
        Assert.NotEqual(0, v4.Exit);
        Assert.Contains("required instruction sets are not supported", v4.Out + v4.Err);
    }

    /// <summary>The qiboaccel program run by qemu-x86_64 on the CPU model <paramref name="cpu"/>.</summary>
    private static CliResult Emulated(string cpu, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(QemuFactAttribute.Qemu!, ["-cpu", cpu, CliProgram.Path, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "qemu-x86_64 ran for more than 120 s");
        // qemu warns about CPU features its emulator lacks (pcid, x2apic, ...): not the program's output.
        string err = string.Join("\n", stderr.Result.Split('\n').Where(line => !line.StartsWith("qemu-x86_64: warning:", StringComparison.Ordinal)));
        return new CliResult(process.ExitCode, stdout, err, 0, 0);
    }

    public static TheoryData<string, string, string> Paths()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string build in new[] { "default", "v3" })
        {
            foreach (string simd in new[] { "auto", "512", "256", "128", "scalar" })
            {
                foreach (string plan in new[] { "fusion=off,blocking=off", "block_qubits=6,l1_qubits=4" })
                {
                    data.Add(build, simd, plan);
                }
            }
        }
        return data;
    }

    /// <summary>
    /// Every gate kind with every qubit as its first target, then as an extra control, after a random product state,
    /// then random gates: on 10 qubits a complex64 AVX-512 vector holds the lowest 3 qubits, so this reaches targets
    /// and controls inside a vector, across vectors and across (with block_qubits=6) the cache blocks.
    /// </summary>
    internal static Circuit EveryKindOnEveryQubit(int n, Random rng)
    {
        Circuit c = RandomCircuits.Layer(n, rng);
        foreach (ReferenceGate kind in ReferenceGates.All.Where(g => g.Controls + Math.Max(g.Targets, 3) <= n))
        {
            for (int q = 0; q < n; q++)
            {
                int width = kind.Kind == GateKind.Unitary ? 1 + q % 3 : kind.Targets;
                int arity = kind.Controls + width;
                int[] others = [.. RandomCircuits.Shuffled(n, rng).Where(x => x != q)];
                // q as the first target (after the gate's own controls), as an extra control, and as an own control.
                int[] asTarget = [.. others[..kind.Controls], q, .. others[kind.Controls..(arity - 1)]];
                c.Add(RandomCircuits.Gate(kind, asTarget, width, 0, rng));
                c.Add(RandomCircuits.Gate(kind, [.. others[..arity], q], width, 1, rng));
                if (kind.Controls > 0) c.Add(RandomCircuits.Gate(kind, [q, .. others[..(arity - 1)]], width, 0, rng));
            }
        }
        foreach (Operation op in RandomCircuits.Create(n, 120, rng).Operations) c.Add(op);
        return c;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EveryPathEqualsTheReference(string build, string simd, string plan)
    {
        string options = $"simd={simd},{plan}";
        IBackend backend = Backend(build, options);
        Assert.Contains(ExpectedDevice(build, simd), backend.Info.Device); // the width and build that actually ran
        Circuit circuit = EveryKindOnEveryQubit(10, new Random(17));
        Complex[] expected = ReferenceSimulator.Run(circuit);
        foreach (Precision precision in new[] { Precision.Double, Precision.Single })
        {
            Complex[] actual = backend.Execute(circuit, precision: precision, seed: 1).State!;
            double difference = 0;
            for (int i = 0; i < expected.Length; i++) difference = Math.Max(difference, (expected[i] - actual[i]).Magnitude);
            Assert.True(difference <= (precision == Precision.Double ? 1e-10 : 1e-4),
                $"{build} build, options '{options}', {precision}: max |difference| {difference:g3} ({backend.Info.Device})");
        }
    }
}

/// <summary>
/// A test that runs the program on an emulated CPU: skipped, with the reason, where qemu-user is not installed
/// (./run-tests installs it).
/// </summary>
public sealed class QemuFactAttribute : FactAttribute
{
    private static readonly string[] s_candidates = ["/usr/bin/qemu-x86_64", "/usr/bin/qemu-x86_64-static"];

    internal static string? Qemu { get; } = s_candidates.FirstOrDefault(File.Exists);

    /// <summary>Runs the test where qemu-user is installed; elsewhere skips it, naming the paths looked at.</summary>
    public QemuFactAttribute()
    {
        if (Qemu is null)
            Skip = $"qemu-x86_64 not found at {string.Join(" or ", s_candidates)} (apt-get install qemu-user): the AVX2-only CPU is not emulated";
    }
}
