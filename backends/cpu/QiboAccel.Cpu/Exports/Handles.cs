using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Cpu.Errors;

namespace QiboAccel.Cpu.Exports;

/// <summary>
/// The opaque qibo_backend* / qibo_state* handles: a small native block holding a type tag and a GC handle to the
/// managed object. The tag catches NULL, a state passed as a backend (and vice versa) and most uses after destroy.
/// </summary>
internal static unsafe class Handles
{
    private const ulong BackendTag = 0x4B4E_4542_5550_4351; // "QCPUBENK"
    private const ulong StateTag = 0x4554_4154_5550_4351;   // "QCPUSTAT"

    [StructLayout(LayoutKind.Sequential)]
    private struct Block
    {
        public ulong Tag;
        public nint Target;
    }

    /// <summary>A new handle for <paramref name="backend"/>.</summary>
    public static QiboBackend* New(CpuBackend backend) => (QiboBackend*)Create(backend, BackendTag);

    /// <summary>A new handle for <paramref name="state"/>.</summary>
    public static QiboState* New(StateVector state) => (QiboState*)Create(state, StateTag);

    /// <summary>The backend behind <paramref name="handle"/>; INVALID_ARGUMENT naming <paramref name="what"/> if none.</summary>
    public static CpuBackend Backend(QiboBackend* handle, string what) => (CpuBackend)Get(handle, BackendTag, what, "backend");

    /// <summary>The state behind <paramref name="handle"/>; INVALID_ARGUMENT naming <paramref name="what"/> if none.</summary>
    public static StateVector State(QiboState* handle, string what) => (StateVector)Get(handle, StateTag, what, "state");

    /// <summary>Invalidates a backend handle and returns its object (null for NULL or a foreign pointer).</summary>
    public static CpuBackend? Release(QiboBackend* handle) => (CpuBackend?)Release(handle, BackendTag);

    /// <summary>Invalidates a state handle and returns its object (null for NULL or a foreign pointer).</summary>
    public static StateVector? Release(QiboState* handle) => (StateVector?)Release(handle, StateTag);

    private static void* Create(object target, ulong tag)
    {
        var block = (Block*)NativeMemory.Alloc((nuint)sizeof(Block));
        block->Tag = tag;
        block->Target = GCHandle.ToIntPtr(GCHandle.Alloc(target));
        return block;
    }

    private static object Get(void* handle, ulong tag, string what, string type)
    {
        if (handle == null) throw CpuException.Invalid($"{what} is NULL");
        var block = (Block*)handle;
        if (block->Tag != tag) throw CpuException.Invalid($"{what} is not a live {type} of this backend library");
        return GCHandle.FromIntPtr(block->Target).Target!;
    }

    private static object? Release(void* handle, ulong tag)
    {
        var block = (Block*)handle;
        if (block == null || block->Tag != tag) return null;
        block->Tag = 0;
        GCHandle gc = GCHandle.FromIntPtr(block->Target);
        object? target = gc.Target;
        gc.Free();
        NativeMemory.Free(block);
        return target;
    }
}
