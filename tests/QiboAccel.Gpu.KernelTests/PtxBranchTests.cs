using System.Diagnostics;
using QiboAccel.Gpu.Generator;

namespace QiboAccel.Gpu.KernelTests;

/// <summary>
/// The generator's guard against ILGPU's <c>bra.uni</c>: a predicated .uni branch on a thread-dependent predicate
/// fails the build; one on a uniform predicate (a loop over a parameter's bits) is rewritten to a plain branch.
/// </summary>
public sealed class PtxBranchTests
{
    private const string Header = ".version 7.0\n.target sm_80\n.address_size 64\n";

    /// <summary>ILGPU 1.5.3's old Deposit loop: the branch on (value &amp; 1) depends on the thread index.</summary>
    private const string Divergent = Header + """
.visible .entry Kernel_K(
	.param .b32 _index_1,
	.param .b64 _mask_2
)
{
	.reg .pred	%p<4>;
	.reg .b32	%r<5>;
	.reg .b64	%rd<10>;

	ld.param.b32	%r2, [_index_1];
	ld.param.b64	%rd3, [_mask_2];
	mov.b32	%r3, %ctaid.x;
	mov.b32	%r4, %ntid.x;
	mov.b32	%r1, %tid.x;
	mad.lo.s32	%r1, %r3, %r4, %r1;
	setp.ge.s32	%p1, %r1, %r2;
	@%p1 ret;

	cvt.s64.s32	%rd1, %r1;
	mov.b64	%rd2, 0;
	L_1:
	setp.eq.s64	%p1, %rd3, 0;
	@%p1 bra.uni	L_3;

	and.b64	%rd4, %rd1, 1;
	setp.ne.s64	%p2, %rd4, 0;
	@%p2 bra.uni	L_2;
	shr.s64	%rd1, %rd1, 1;
	sub.s64	%rd5, %rd3, 1;
	and.b64	%rd3, %rd3, %rd5;
	bra.uni	L_1;
	L_2:
	neg.s64	%rd6, %rd3;
	and.b64	%rd7, %rd3, %rd6;
	or.b64	%rd2, %rd2, %rd7;
	shr.s64	%rd1, %rd1, 1;
	sub.s64	%rd5, %rd3, 1;
	and.b64	%rd3, %rd3, %rd5;
	bra.uni	L_1;
	L_3:
	ret;
}
""";

    /// <summary>Only uniform loops (over a parameter), with %p1 reused after the thread-dependent bounds check.</summary>
    private const string Uniform = Header + """
.visible .entry Kernel_K(
	.param .b32 _index_1,
	.param .b64 _mask_2
)
{
	.reg .pred	%p<4>;
	.reg .b32	%r<5>;
	.reg .b64	%rd<10>;

	ld.param.b32	%r2, [_index_1];
	ld.param.b64	%rd3, [_mask_2];
	mov.b32	%r1, %tid.x;
	setp.ge.s32	%p1, %r1, %r2;
	@%p1 ret;

	cvt.s64.s32	%rd1, %r1;
	L_1:
	setp.eq.s64	%p1, %rd3, 0;
	@%p1 bra.uni	L_3;
	shl.b64	%rd1, %rd1, 1;
	sub.s64	%rd5, %rd3, 1;
	and.b64	%rd3, %rd3, %rd5;
	bra.uni	L_1;
	L_3:
	ret;
}
""";

    [Fact]
    public void AThreadDependentUniBranchIsRefused()
    {
        var e = Assert.Throws<GeneratorException>(() => PtxBranches.Fix("K", Divergent));
        Assert.Contains("@%p2 bra.uni", e.Message);
        Assert.Contains("thread-dependent predicate %p2", e.Message);
        // The uniform loop branch in the same function is not what it complains about.
        Assert.DoesNotContain("%p1", e.Message);
    }

    [Fact]
    public void ALoadedValueIsThreadDependent()
    {
        string ptx = Uniform.Replace("ld.param.b64\t%rd3, [_mask_2];", "ld.param.b64\t%rd4, [_mask_2];\n\tld.global.u64\t%rd3, [%rd4];");
        Assert.Throws<GeneratorException>(() => PtxBranches.Fix("K", ptx));
    }

    [Fact]
    public void AUniformUniBranchIsRewrittenToAPlainBranch()
    {
        PtxBranches.Result result = PtxBranches.Fix("K", Uniform);
        Assert.Equal(1, result.Rewritten);
        Assert.Contains("@%p1 bra\tL_3;", result.Ptx);
        Assert.DoesNotContain("@%p1 bra.uni", result.Ptx);
        // Unpredicated bra.uni (every active thread jumps) stays as it is.
        Assert.Contains("\tbra.uni\tL_1;", result.Ptx);
    }

    [Fact]
    public void TheBuildStepFailsOnADivergentUniBranch()
    {
        string folder = Directory.CreateTempSubdirectory("qibo-ptx-").FullName;
        try
        {
            string bad = Path.Combine(folder, "bad.ptx"), good = Path.Combine(folder, "good.ptx");
            File.WriteAllText(bad, Divergent);
            File.WriteAllText(good, Uniform);
            (int code, string stdout, string stderr) = RunGenerator("--check-ptx", bad);
            Assert.Equal(1, code);
            Assert.Contains("error QGPU002", stderr);
            Assert.Contains("bra.uni", stderr);
            (code, stdout, _) = RunGenerator("--check-ptx", good);
            Assert.Equal(0, code);
            Assert.Contains("@%p1 bra\tL_3;", stdout);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Runs the generator as MSBuild does (a separate process; its exit code fails the build).</summary>
    internal static (int Code, string Stdout, string Stderr) RunGenerator(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "QiboAccel.Gpu.Generator.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        using Process p = Process.Start(start)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }
}
