using QiboAccel.Gpu.Devices;

namespace QiboAccel.Gpu.Launch;

/// <summary>One kernel argument as the generated wrappers build it: a view (buffer handle + length) or a scalar.</summary>
internal readonly struct KernelArg
{
    private KernelArg(KernelParamKind kind, long value, long length)
    {
        Kind = kind;
        Value = value;
        Length = length;
    }

    /// <summary>The parameter kind; must match the kernel's (checked at launch).</summary>
    public KernelParamKind Kind { get; }

    /// <summary>Views: the buffer handle (cl_mem or CUdeviceptr). Scalars: the value's bits.</summary>
    public long Value { get; }

    /// <summary>Views: the number of elements.</summary>
    public long Length { get; }

    /// <summary>A whole device buffer.</summary>
    public static KernelArg View(DeviceBuffer buffer) => new(KernelParamKind.View, buffer.Handle, buffer.Elements);

    /// <summary>An int.</summary>
    public static KernelArg Int32(int value) => new(KernelParamKind.Int32, value, 0);

    /// <summary>A long.</summary>
    public static KernelArg Int64(long value) => new(KernelParamKind.Int64, value, 0);

    /// <summary>A float.</summary>
    public static KernelArg Float32(float value) => new(KernelParamKind.Float32, BitConverter.SingleToInt32Bits(value), 0);

    /// <summary>A double.</summary>
    public static KernelArg Float64(double value) => new(KernelParamKind.Float64, BitConverter.DoubleToInt64Bits(value), 0);

    /// <summary>Writes the scalar's bytes (4 or 8) at <paramref name="destination"/>.</summary>
    public unsafe void WriteScalar(byte* destination)
    {
        switch (Kind)
        {
            case KernelParamKind.Int32 or KernelParamKind.Float32:
                *(int*)destination = (int)Value;
                break;
            default:
                *(long*)destination = Value;
                break;
        }
    }
}
