using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// The conformance suite on libqibo_gpu.so driving OpenCL device 0. Here and in CI that is PoCL, a real OpenCL 3.0
/// CPU device (apt-get install pocl-opencl-icd ocl-icd-libopencl1). Without an OpenCL platform every test fails
/// with a message saying what to install: these tests are never skipped silently.
/// </summary>
public class GpuOpenClBackendTests : BackendSuite
{
    protected override IBackend LoadBackend(string options = "") => GpuTestBackend.Load(options.Length == 0 ? "opencl:0" : options);
}

/// <summary>Loads the gpu backend, turning a missing OpenCL platform into an instruction.</summary>
internal static class GpuTestBackend
{
    public static IBackend Load(string options)
    {
        try
        {
            return TestBackends.Load("backends", "gpu.json", options);
        }
        catch (BackendException e) when (e.Message.Contains("OpenCL", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"the gpu backend's tests need an OpenCL device: apt-get install pocl-opencl-icd ocl-icd-libopencl1 (CI installs them). {e.Message}", e);
        }
    }
}

/// <summary>
/// PoCL's LLVM installs its own SIGSEGV/SIGBUS/SIGILL/SIGFPE/... handlers when OpenCL initialises. They replace the
/// handlers of every .NET runtime in the process, and a later null dereference then kills the process instead of
/// raising NullReferenceException. libqibo_gpu.so saves and restores the handlers around OpenCL; this checks it with
/// three runtimes in one process: the test host's CoreCLR, libqibo_gpu.so's NativeAOT runtime, and libqibo_cpu.so's,
/// whose runtime starts after OpenCL did. If the handlers were left broken, the last line would abort the test run.
/// </summary>
public unsafe class GpuSignalHandlerTests
{
    [Fact]
    public void NoSignalHandlerBelongsToTheOpenClDriver()
    {
        using (IBackend gpu = GpuTestBackend.Load("opencl:0"))
        {
            var circuit = new Circuit(2).Add(GateKind.H, [0]);
            circuit.Measure(0, 1);
            gpu.Execute(circuit, 10, seed: 1, returnState: false);
        }
        var foreign = new List<string>();
        byte* action = stackalloc byte[256];
        for (int sig = 1; sig <= 64; sig++)
        {
            new Span<byte>(action, 256).Clear();
            if (Sigaction(sig, null, action) != 0) continue;
            nint handler = *(nint*)action;
            if (handler is 0 or 1) continue; // SIG_DFL, SIG_IGN
            DlInfo info;
            string library = Dladdr(handler, &info) != 0 && info.FileName != 0 ? Marshal.PtrToStringUTF8(info.FileName) ?? "?" : "?";
            if (library.Contains("pocl", StringComparison.OrdinalIgnoreCase) || library.Contains("LLVM", StringComparison.OrdinalIgnoreCase)
                || library.Contains("OpenCL", StringComparison.OrdinalIgnoreCase))
            {
                foreign.Add($"signal {sig} -> {library}");
            }
        }
        Assert.True(foreign.Count == 0, "the OpenCL driver's signal handlers replaced the runtime's: " + string.Join("; ", foreign));
    }

    [Fact]
    public void OpenClLeavesTheRuntimesFaultHandlersWorking()
    {
        using (IBackend gpu = GpuTestBackend.Load("opencl:0"))
        {
            var circuit = new Circuit(3).Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]).Add(GateKind.RY, [2], 0.7);
            circuit.Measure(0, 1, 2);
            var result = gpu.Execute(circuit, 200, seed: 3, returnState: false);
            Assert.Equal(200, result.Frequencies.Values.Sum());
        }
        using (IBackend cpu = TestBackends.Load("backends", "cpu.json"))
        {
            var state = cpu.Execute(new Circuit(2).Add(GateKind.X, [1]), seed: 1).State!;
            Assert.Equal(1.0, state[1].Real, 12);
        }
        // A hardware fault: the runtime's SIGSEGV handler must turn it into a NullReferenceException.
        Assert.Throws<NullReferenceException>(() => ReadThrough(null));
        Assert.Throws<NullReferenceException>(() => ReadThrough(null));
        // SIGFPE: integer division by zero must still be a DivideByZeroException (PoCL installs its own SIGFPE handler).
        Assert.Throws<DivideByZeroException>(() => Divide(1, 0));
    }

    [DllImport("libc.so.6", EntryPoint = "sigaction")]
    private static extern int Sigaction(int signal, void* action, void* old);

    [DllImport("libc.so.6", EntryPoint = "dladdr")]
    private static extern int Dladdr(nint address, DlInfo* info);

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public nint FileName;
        public nint FileBase;
        public nint SymbolName;
        public nint SymbolAddress;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Divide(int a, int b) => a / b;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadThrough(Holder? holder) => holder!.Value;

    private sealed class Holder
    {
        public int Value { get; set; }
    }
}
