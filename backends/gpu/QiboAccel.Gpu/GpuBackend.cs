using QiboAccel.Abi;
using QiboAccel.Gpu.Devices;

namespace QiboAccel.Gpu;

/// <summary>A backend instance: one device (shared process-wide).</summary>
internal sealed class GpuBackend : BackendInstance
{
    /// <summary>Backend version.</summary>
    public const string Version = "0.1.0";

    /// <summary>Largest MATRIX op (QiboAccel.Gpu.Kernels.StateKernels.MaxDenseTargets).</summary>
    public const int MaxMatrixTargets = 5;

    /// <summary>Largest state whatever the device: masks are 64-bit and the host caps qubit counts at 63.</summary>
    private const int HardMaxQubits = 60;

    public GpuBackend(string options)
    {
        Options = GpuOptions.Parse(options);
        Device = DeviceRegistry.Get(Options.Device);
        // The smallest state (complex64, 8 bytes per amplitude) must fit in one allocation and in the memory free now.
        ulong limit = Math.Min(Device.MaxAllocation, Device.FreeMemory);
        int max = 0;
        while (max < HardMaxQubits && (1UL << (max + 1)) * 8 <= limit) max++;
        MaxQubits = max;
        Capabilities = new BackendCapabilities
        {
            Name = "gpu",
            Version = Version,
            Description = "GPU state vector: CUDA (driver API, PTX) or any OpenCL device; kernels written in C# and compiled by ILGPU at build time",
            Device = Device.SupportsDouble && !Options.Fp64 ? $"{Device.Description} [fp64=off: {Device.NoFp64Note}]" : Device.Description,
            MaxQubits = (uint)MaxQubits,
            Precisions = Precisions,
            MaxMatrixTargets = MaxMatrixTargets,
            NativeOps = OpKindSet.AllOf1_0,
        };
    }

    /// <summary>The device.</summary>
    public Device Device { get; }

    /// <summary>The backend_create options.</summary>
    public GpuOptions Options { get; }

    /// <summary>Largest state: the largest n whose complex64 state fits in one device allocation and in the device memory free when the backend was created.</summary>
    public int MaxQubits { get; }

    /// <inheritdoc />
    public override BackendCapabilities Capabilities { get; }

    /// <summary>True when states may use fp64: the device has it and the fp64=off option does not hide it.</summary>
    public bool Fp64 => Device.SupportsDouble && Options.Fp64;

    /// <summary>OR of the precisions the device supports.</summary>
    public QiboPrecision Precisions => Fp64 ? QiboPrecision.Complex128 | QiboPrecision.Complex64 : QiboPrecision.Complex64;

    /// <summary>A state on the device (the kit has checked the qubit count and the precision against the capabilities).</summary>
    public override BackendState CreateState(int nQubits, QiboPrecision precision) => new GpuEdgeState(new GpuState(this, nQubits, precision));
}
