using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using QiboAccel.Abi;
using QiboAccel.Cpu.Isa;
using QiboAccel.Cpu.Kernels.Simd;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu;

/// <summary>One backend instance: its options and its worker threads.</summary>
internal sealed class CpuBackend : BackendInstance
{
    /// <summary>The backend's version string.</summary>
    public const string Version = "0.1.0";

    /// <summary>Largest state accepted: 2^34 complex128 amplitudes are 256 GiB.</summary>
    public const int MaxQubits = 34;

    /// <summary>Largest MATRIX operation (a 1024 x 1024 matrix).</summary>
    public const int MaxMatrixTargets = 10;

    /// <summary>Creates a backend from parsed options.</summary>
    public CpuBackend(BackendOptions options)
    {
        Options = options;
        Pool = new WorkerPool(options.Threads, options.ParallelThreshold);
        Memory = new StateMemory(options.StateCache, options.HugePages ?? StateMemory.HugePagesByDefault);
        Capabilities = new BackendCapabilities
        {
            Name = "cpu",
            Version = Version,
            Description = "QiboAccel CPU state-vector simulator (NativeAOT, SIMD, multi-threaded)",
            Device = DeviceString(options),
            MaxQubits = MaxQubits,
            Precisions = QiboPrecision.Complex128 | QiboPrecision.Complex64,
            MaxMatrixTargets = MaxMatrixTargets,
            NativeOps = OpKindSet.AllOf1_0,
        };
    }

    /// <summary>The options the backend was created with.</summary>
    public BackendOptions Options { get; }

    /// <summary>The worker threads shared by the backend's states.</summary>
    public WorkerPool Pool { get; }

    /// <summary>Where the backend's state vectors are allocated, and kept for reuse.</summary>
    public StateMemory Memory { get; }

    /// <summary>The prepared form of the last few small circuits applied through this backend's states.</summary>
    public Circuits.PreparedBatches Prepared { get; } = new();

    /// <inheritdoc />
    public override BackendCapabilities Capabilities { get; }

    /// <inheritdoc />
    public override BackendState CreateState(int nQubits, QiboPrecision precision) => StateVector.Create(this, nQubits, precision);

    /// <summary>
    /// "2 threads, AVX-512 (x86-64-v4 build), x64": the thread count, the vector width the kernels run with these
    /// options, and which build of the library runs them (with why not the AVX-512 one, see <see cref="KernelBuild"/>).
    /// </summary>
    private static string DeviceString(BackendOptions options)
    {
        string isa = SimdSelect.EffectiveBits(options.SimdBits) switch
        {
            512 => "AVX-512",
            256 => Avx2.IsSupported ? (Fma.IsSupported ? "AVX2+FMA" : "AVX2") : "256-bit SIMD",
            128 => Sse42.IsSupported ? "SSE4.2" : Sse2.IsSupported ? "SSE2" : AdvSimd.IsSupported ? "NEON" : "128-bit SIMD",
            _ => "scalar",
        };
        return $"{options.Threads} thread{(options.Threads == 1 ? "" : "s")}, {isa} ({KernelBuild.Description}), {RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
    }

    /// <summary>Stops the workers and frees the cached state memory.</summary>
    public override void Dispose()
    {
        Pool.Dispose();
        Memory.Dispose();
        base.Dispose();
    }
}
