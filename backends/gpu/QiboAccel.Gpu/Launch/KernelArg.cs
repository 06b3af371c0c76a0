using QiboAccel.Gpu.Devices;

namespace QiboAccel.Gpu.Launch;

/// <summary>One kernel argument as the generated wrappers build it: a view (buffer handle + length) or a scalar.</summary>
internal readonly struct KernelArg
{
    private KernelArg(KernelParamKind kind, long value, long length, long offset = 0, int elementSize = 0)
    {
        Kind = kind;
        Value = value;
        Length = length;
        Offset = offset;
        ElementSize = elementSize;
    }

    /// <summary>The parameter kind; must match the kernel's (checked at launch).</summary>
    public KernelParamKind Kind { get; }

    /// <summary>Views: the buffer handle (cl_mem or CUdeviceptr). Scalars: the value's bits.</summary>
    public long Value { get; }

    /// <summary>Views: the number of elements.</summary>
    public long Length { get; }

    /// <summary>Views: the first element's index in the buffer.</summary>
    public long Offset { get; }

    /// <summary>Views: the size of one element in bytes.</summary>
    public int ElementSize { get; }

    /// <summary>A view of a device buffer.</summary>
    public static KernelArg View(DeviceView view) => new(KernelParamKind.View, view.Buffer.Handle, view.Length, view.Offset, view.ElementSize);

    /// <summary>An int.</summary>
    public static KernelArg Int32(int value) => new(KernelParamKind.Int32, value, 0);

    /// <summary>A long.</summary>
    public static KernelArg Int64(long value) => new(KernelParamKind.Int64, value, 0);

    /// <summary>A float.</summary>
    public static KernelArg Float32(float value) => new(KernelParamKind.Float32, BitConverter.SingleToInt32Bits(value), 0);

    /// <summary>A double.</summary>
    public static KernelArg Float64(double value) => new(KernelParamKind.Float64, BitConverter.DoubleToInt64Bits(value), 0);

    /// <summary>
    /// A real scalar of a generic kernel parameter in the type the chosen variant declares for it (float in complex64
    /// state kernels and compensated-float reductions, double otherwise).
    /// </summary>
    public static KernelArg Real(KernelParamKind kind, double value) => kind switch
    {
        KernelParamKind.Float32 => Float32((float)value),
        KernelParamKind.Float64 => Float64(value),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a real scalar is float or double"),
    };

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

/// <summary>
/// A kernel's view of device memory: <see cref="Length"/> elements of <see cref="ElementSize"/> bytes from element
/// <see cref="Offset"/> of a buffer. Several views of different element types can share one buffer (a batch's
/// matrices and target masks are uploaded as one copy).
/// </summary>
internal readonly record struct DeviceView(DeviceBuffer Buffer, long Offset, long Length, int ElementSize)
{
    /// <summary>The whole buffer, in its own element size.</summary>
    public static implicit operator DeviceView(DeviceBuffer buffer) => new(buffer, 0, buffer.Elements, buffer.ElementSize);
}
