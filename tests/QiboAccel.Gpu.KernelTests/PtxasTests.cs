using System.Diagnostics;
using QiboAccel.Gpu.Generator;
using Xunit.Abstractions;

namespace QiboAccel.Gpu.KernelTests;

/// <summary>
/// Every PTX module the build embeds in libqibo_gpu.so, assembled by NVIDIA's ptxas (CUDA 11.8, fetched by
/// scripts/fetch-ptxas from Debian's non-free archive) for sm_80 and sm_90: what the driver's JIT would do on an
/// A100 or H100/H200. No GPU is needed. Prints the registers/spills table (backends/gpu/README.md shows it).
/// </summary>
public sealed class PtxasTests(ITestOutputHelper output)
{
    [Fact]
    public void PtxasAcceptsEveryModuleForSm80AndSm90()
    {
        string ptxas = FetchPtxas();
        (_, List<CompiledKernelSet> kernels) = Program.CompileAll();
        List<PtxAssembler.Row> rows = PtxAssembler.AssembleAll(ptxas, kernels, Program.PtxCapabilities);
        Assert.Equal(kernels.Count * Program.PtxCapabilities.Length * 2, rows.Count);
        var (major, minor) = Program.PtxCapabilities[^1];
        output.WriteLine(PtxAssembler.Table(rows, $"sm_{major}{minor}"));
        var refused = rows.Where(r => !r.Accepted).Select(r => $"{r.Kernel} (PTX {r.PtxTarget}) -arch={r.Architecture}: {r.Log}").ToList();
        Assert.True(refused.Count == 0, "ptxas refused: " + string.Join("\n", refused));
        foreach (PtxAssembler.Row r in rows)
        {
            Assert.True(r.Registers > 0, $"{r.Kernel} {r.Architecture}: no register count in ptxas -v output: {r.Log}");
            Assert.True(r.SpillStores == 0 && r.SpillLoads == 0, $"{r.Kernel} {r.Architecture}: spills ({r.SpillStores}/{r.SpillLoads} bytes)");
        }
        // The shipped modules carry no predicated .uni instruction at all.
        foreach (CompiledKernelSet k in kernels)
        {
            foreach (string ptx in k.Ptx)
            {
                Assert.DoesNotMatch(@"@!?%p\d+\s+\w+\.uni", ptx);
            }
        }
    }

    [Fact]
    public void PtxasRefusesABrokenModule()
    {
        // Guards the guard: the check must be able to fail (an instruction sm_80 does not have).
        string ptxas = FetchPtxas();
        string ptx = ".version 7.0\n.target sm_80\n.address_size 64\n.visible .entry K(.param .b32 n)\n{\n\t.reg .b32 %r<2>;\n\tfrobnicate.b32 %r1, 1;\n\tret;\n}\n";
        var broken = new CompiledKernelSet("K", "K_F64", "F64", true, [], [], [], "K", "", "K", [ptx, ptx]);
        List<PtxAssembler.Row> rows = PtxAssembler.AssembleAll(ptxas, [broken], Program.PtxCapabilities);
        Assert.All(rows, r => Assert.False(r.Accepted));
        Assert.Contains("frobnicate", rows[0].Log);
    }

    /// <summary>scripts/fetch-ptxas: the cached ptxas, or Debian's, downloaded once into build/tools.</summary>
    private static string FetchPtxas()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "QiboAccel.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        var start = new ProcessStartInfo(Path.Combine(root, "scripts", "fetch-ptxas")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process p = Process.Start(start)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string path = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0 && File.Exists(path), $"scripts/fetch-ptxas failed (exit {p.ExitCode}): {stderr.Result}");
        return path;
    }
}
