// Shared, as source, by libqibo_gpu.so (which marshals kernel arguments with it) and by QiboAccel.Gpu.Generator
// (which checks, for every kernel, that the PTX and OpenCL C that ILGPU emitted declare exactly these parameters).
// Keep it free of any other dependency.
namespace QiboAccel.Gpu.Launch;

/// <summary>The .NET type of one kernel parameter (after the ILGPU index).</summary>
internal enum KernelParamKind : byte
{
    /// <summary>ArrayView&lt;T&gt;: a device buffer.</summary>
    View,
    /// <summary>int.</summary>
    Int32,
    /// <summary>long.</summary>
    Int64,
    /// <summary>float.</summary>
    Float32,
    /// <summary>double.</summary>
    Float64,
}

/// <summary>What one argument slot of a compiled kernel holds.</summary>
internal enum SlotKind : byte
{
    /// <summary>int: number of threads of the launch; threads at or above it return at once.</summary>
    ThreadCount,
    /// <summary>OpenCL only: the cl_mem of a view.</summary>
    Buffer,
    /// <summary>A view's 16-byte descriptor. PTX: { u64 device pointer; i64 length }. OpenCL: { int index; long length }.</summary>
    ViewDescriptor,
    /// <summary>4-byte int.</summary>
    Int32,
    /// <summary>8-byte long.</summary>
    Int64,
    /// <summary>4-byte float.</summary>
    Float32,
    /// <summary>8-byte double.</summary>
    Float64,
}

/// <summary>One argument slot: its kind, the kernel parameter it comes from (-1 for the thread count) and its size.</summary>
internal readonly record struct KernelSlot(SlotKind Kind, int Param, int Size);

/// <summary>
/// The argument layout of ILGPU 1.5's implicitly grouped kernels, as seen in its PTX and OpenCL C output:
/// <list type="bullet">
/// <item>PTX: (.b32 thread count, then every parameter in order; a view is a 16-byte, 8-aligned
/// { u64 pointer; i64 length }, scalars are .b32/.b64/.f32/.f64).</item>
/// <item>OpenCL C: (every view's global buffer in order, int thread count, then every parameter in order with
/// each view replaced by a 16-byte struct { int index; long length }, the element offset into its buffer).</item>
/// </list>
/// The generator fails the build when ILGPU's output differs from this.
/// </summary>
internal static class KernelAbi
{
    /// <summary>Size of a view descriptor in both layouts.</summary>
    public const int ViewDescriptorSize = 16;

    /// <summary>Offset of the i64 length in a view descriptor (PTX and OpenCL).</summary>
    public const int ViewLengthOffset = 8;

    /// <summary>The PTX argument slots of a kernel with parameters <paramref name="kinds"/>.</summary>
    public static KernelSlot[] Ptx(ReadOnlySpan<KernelParamKind> kinds)
    {
        var slots = new KernelSlot[kinds.Length + 1];
        slots[0] = new KernelSlot(SlotKind.ThreadCount, -1, 4);
        for (int i = 0; i < kinds.Length; i++) slots[i + 1] = Scalar(kinds[i], i);
        return slots;
    }

    /// <summary>The OpenCL argument slots (clSetKernelArg indices) of a kernel with parameters <paramref name="kinds"/>.</summary>
    public static KernelSlot[] OpenCl(ReadOnlySpan<KernelParamKind> kinds)
    {
        var slots = new List<KernelSlot>(2 * kinds.Length + 1);
        for (int i = 0; i < kinds.Length; i++)
        {
            if (kinds[i] == KernelParamKind.View) slots.Add(new KernelSlot(SlotKind.Buffer, i, 0));
        }
        slots.Add(new KernelSlot(SlotKind.ThreadCount, -1, 4));
        for (int i = 0; i < kinds.Length; i++) slots.Add(Scalar(kinds[i], i));
        return [.. slots];
    }

    /// <summary>The PTX declaration of a slot without its name, e.g. ".param .b64".</summary>
    public static string PtxDeclaration(SlotKind kind) => kind switch
    {
        SlotKind.ThreadCount or SlotKind.Int32 => ".param .b32",
        SlotKind.Int64 => ".param .b64",
        SlotKind.Float32 => ".param .f32",
        SlotKind.Float64 => ".param .f64",
        SlotKind.ViewDescriptor => ".param .align 8 .b8 [16]",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such PTX slot"),
    };

    /// <summary>
    /// The OpenCL C type of a slot, e.g. "long"; a view descriptor is "struct {int;long}" (the generator resolves the
    /// struct's name to its fields) and a buffer is "global ELEMENT*".
    /// </summary>
    public static string OpenClDeclaration(SlotKind kind, string element) => kind switch
    {
        SlotKind.ThreadCount or SlotKind.Int32 => "int",
        SlotKind.Int64 => "long",
        SlotKind.Float32 => "float",
        SlotKind.Float64 => "double",
        SlotKind.ViewDescriptor => "struct {int;long}",
        SlotKind.Buffer => $"global {element}*",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such OpenCL slot"),
    };

    private static KernelSlot Scalar(KernelParamKind kind, int param) => kind switch
    {
        KernelParamKind.View => new KernelSlot(SlotKind.ViewDescriptor, param, ViewDescriptorSize),
        KernelParamKind.Int32 => new KernelSlot(SlotKind.Int32, param, 4),
        KernelParamKind.Int64 => new KernelSlot(SlotKind.Int64, param, 8),
        KernelParamKind.Float32 => new KernelSlot(SlotKind.Float32, param, 4),
        KernelParamKind.Float64 => new KernelSlot(SlotKind.Float64, param, 8),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown parameter kind"),
    };
}
