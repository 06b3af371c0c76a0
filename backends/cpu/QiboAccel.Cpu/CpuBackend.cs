using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using System.Text;
using QiboAccel.Abi;
using QiboAccel.Cpu.Kernels.Simd;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu;

/// <summary>
/// One backend instance: its options, its worker threads and the strings backend_get_info hands out
/// (native UTF-8, alive until the backend is destroyed).
/// </summary>
internal sealed unsafe class CpuBackend : IDisposable
{
    /// <summary>The backend's version string.</summary>
    public const string Version = "0.1.0";

    /// <summary>Largest state accepted: 2^34 complex128 amplitudes are 256 GiB.</summary>
    public const int MaxQubits = 34;

    /// <summary>Largest MATRIX operation (a 1024 x 1024 matrix).</summary>
    public const int MaxMatrixTargets = 10;

    private byte* _name, _version, _description, _device;

    /// <summary>Creates a backend from parsed options.</summary>
    public CpuBackend(BackendOptions options)
    {
        Options = options;
        Pool = new WorkerPool(options.Threads, options.ParallelThreshold);
        _name = Utf8("cpu");
        _version = Utf8(Version);
        _description = Utf8("QiboAccel CPU state-vector simulator (NativeAOT, SIMD, multi-threaded)");
        _device = Utf8(DeviceString(options));
    }

    /// <summary>The options the backend was created with.</summary>
    public BackendOptions Options { get; }

    /// <summary>The worker threads shared by the backend's states.</summary>
    public WorkerPool Pool { get; }

    /// <summary>Bit mask of the kinds implemented natively: MATRIX, DIAGONAL, MEASURE and every fixed kind.</summary>
    public static ulong NativeOps0
    {
        get
        {
            ulong mask = (1UL << (int)QiboOpKind.Matrix) | (1UL << (int)QiboOpKind.Diagonal) | (1UL << (int)QiboOpKind.Measure);
            for (var kind = QiboOpKind.I; kind <= QiboOpKind.RZZ; kind++) mask |= 1UL << (int)kind;
            return mask;
        }
    }

    /// <summary>Fills the ABI 1.0 fields of <paramref name="info"/>.</summary>
    public void FillInfo(QiboBackendInfo* info)
    {
        info->Name = _name;
        info->Version = _version;
        info->Description = _description;
        info->Device = _device;
        info->MaxQubits = MaxQubits;
        info->Precisions = QiboPrecision.Complex128 | QiboPrecision.Complex64;
        info->StateKinds = 1u << (int)QiboStateKind.Vector;
        info->MaxMatrixTargets = MaxMatrixTargets;
        info->NativeOps[0] = NativeOps0;
        info->NativeOps[1] = 0;
    }

    /// <summary>"2 threads, AVX2": the thread count and the instruction set the kernels run on.</summary>
    private static string DeviceString(BackendOptions options)
    {
        string isa = SimdSelect.EffectiveBits(options.SimdBits) switch
        {
            512 => "AVX-512",
            256 => Avx2.IsSupported ? (Fma.IsSupported ? "AVX2+FMA" : "AVX2") : "256-bit SIMD",
            128 => Sse42.IsSupported ? "SSE4.2" : Sse2.IsSupported ? "SSE2" : AdvSimd.IsSupported ? "NEON" : "128-bit SIMD",
            _ => "scalar",
        };
        return $"{options.Threads} thread{(options.Threads == 1 ? "" : "s")}, {isa}, {RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
    }

    private static byte* Utf8(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        var p = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(p, length));
        p[length] = 0;
        return p;
    }

    /// <summary>Stops the workers and frees the info strings.</summary>
    public void Dispose()
    {
        Pool.Dispose();
        NativeMemory.Free(_name);
        NativeMemory.Free(_version);
        NativeMemory.Free(_description);
        NativeMemory.Free(_device);
        _name = _version = _description = _device = null;
    }
}
