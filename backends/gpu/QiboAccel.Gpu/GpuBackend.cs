using System.Runtime.InteropServices;
using System.Text;
using QiboAccel.Abi;
using QiboAccel.Gpu.Devices;

namespace QiboAccel.Gpu;

/// <summary>A backend instance: one device (shared process-wide) and the info strings handed to the host.</summary>
internal sealed unsafe class GpuBackend : IDisposable
{
    /// <summary>Backend version.</summary>
    public const string Version = "0.1.0";

    /// <summary>Largest MATRIX op (QiboAccel.Gpu.Kernels.StateKernels.MaxDenseTargets).</summary>
    public const int MaxMatrixTargets = 5;

    /// <summary>Largest state whatever the device: masks are 64-bit and the host caps qubit counts at 63.</summary>
    private const int HardMaxQubits = 60;

    private readonly List<nint> _strings = [];

    public GpuBackend(string options)
    {
        Options = GpuOptions.Parse(options);
        Device = DeviceRegistry.Get(Options.Device);
        // The smallest state (complex64, 8 bytes per amplitude) must fit in one allocation and in the memory free now.
        ulong limit = Math.Min(Device.MaxAllocation, Device.FreeMemory);
        int max = 0;
        while (max < HardMaxQubits && (1UL << (max + 1)) * 8 <= limit) max++;
        MaxQubits = max;
        Name = Utf8("gpu");
        VersionText = Utf8(Version);
        Description = Utf8("GPU state vector: CUDA (driver API, PTX) or any OpenCL device; kernels written in C# and compiled by ILGPU at build time");
        DeviceText = Utf8(Device.Description);
    }

    /// <summary>The device.</summary>
    public Device Device { get; }

    /// <summary>The backend_create options.</summary>
    public GpuOptions Options { get; }

    /// <summary>Largest state: the largest n whose complex64 state fits in one device allocation and in the device memory free when the backend was created.</summary>
    public int MaxQubits { get; }

    /// <summary>"gpu".</summary>
    public byte* Name { get; }

    /// <summary>Version string.</summary>
    public byte* VersionText { get; }

    /// <summary>One-line description.</summary>
    public byte* Description { get; }

    /// <summary>Device description.</summary>
    public byte* DeviceText { get; }

    /// <summary>OR of the precisions the device supports.</summary>
    public QiboPrecision Precisions => Device.SupportsDouble ? QiboPrecision.Complex128 | QiboPrecision.Complex64 : QiboPrecision.Complex64;

    /// <summary>Creates a state, checking the size against the device first.</summary>
    public GpuState CreateState(uint nQubits, QiboPrecision precision)
    {
        if (nQubits < 1) throw GpuException.Invalid("state_create: a state needs at least one qubit");
        if ((Precisions & precision) == 0 || precision is not (QiboPrecision.Complex128 or QiboPrecision.Complex64))
        {
            throw (precision is QiboPrecision.Complex128 or QiboPrecision.Complex64)
                ? GpuException.Unsupported($"state_create: {Device.Id} has no double precision; use complex64")
                : GpuException.Invalid($"state_create: unknown precision {(uint)precision}");
        }
        if (nQubits > MaxQubits)
        {
            throw GpuException.Unsupported($"state_create: {nQubits} qubits is too many for the gpu backend on {Device.Id} " +
                $"(at most {MaxQubits}: the largest single allocation is {Device.Format(Device.MaxAllocation)}, " +
                $"{Device.Format(Device.FreeMemory)} of {Device.Format(Device.GlobalMemory)} free)");
        }
        return new GpuState(this, (int)nQubits, precision);
    }

    private byte* Utf8(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        _strings.Add((nint)p);
        return p;
    }

    /// <summary>Frees the info strings (the device stays open for the process).</summary>
    public void Dispose()
    {
        foreach (nint p in _strings) NativeMemory.Free((void*)p);
        _strings.Clear();
    }
}
