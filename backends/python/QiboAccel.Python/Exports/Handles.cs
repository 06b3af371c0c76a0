using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Python.Bridge;
using QiboAccel.Python.Errors;

namespace QiboAccel.Python.Exports;

/// <summary>
/// The opaque qibo_backend* / qibo_state* handles: a small native block holding a type tag and a GC handle to the
/// managed object. The tag catches NULL, a state passed as a backend (and vice versa) and most uses after destroy.
/// </summary>
internal static unsafe class Handles
{
    private const ulong BackendTag = 0x4B4E_4542_5950_4351; // "QCPYBENK"
    private const ulong StateTag = 0x4554_4154_5950_4351;   // "QCPYSTAT"

    [StructLayout(LayoutKind.Sequential)]
    private struct Block
    {
        public ulong Tag;
        public nint Target;
    }

    /// <summary>A new handle for <paramref name="backend"/>.</summary>
    public static QiboBackend* New(PythonBackend backend) => (QiboBackend*)Create(backend, BackendTag);

    /// <summary>A new handle for <paramref name="state"/>.</summary>
    public static QiboState* New(PythonState state) => (QiboState*)Create(state, StateTag);

    /// <summary>The backend behind <paramref name="handle"/>; INVALID_ARGUMENT naming <paramref name="what"/> if none.</summary>
    public static PythonBackend Backend(QiboBackend* handle, string what) => (PythonBackend)Get(handle, BackendTag, what, "backend");

    /// <summary>The state behind <paramref name="handle"/>; INVALID_ARGUMENT naming <paramref name="what"/> if none.</summary>
    public static PythonState State(QiboState* handle, string what) => (PythonState)Get(handle, StateTag, what, "state");

    /// <summary>Invalidates a backend handle and returns its object (null for NULL or a foreign pointer).</summary>
    public static PythonBackend? Release(QiboBackend* handle) => (PythonBackend?)Release(handle, BackendTag);

    /// <summary>Invalidates a state handle and returns its object (null for NULL or a foreign pointer).</summary>
    public static PythonState? Release(QiboState* handle) => (PythonState?)Release(handle, StateTag);

    private static void* Create(object target, ulong tag)
    {
        var block = (Block*)NativeMemory.Alloc((nuint)sizeof(Block));
        block->Tag = tag;
        block->Target = GCHandle.ToIntPtr(GCHandle.Alloc(target));
        return block;
    }

    private static object Get(void* handle, ulong tag, string what, string type)
    {
        if (handle == null) throw BridgeException.Invalid($"{what} is NULL");
        var block = (Block*)handle;
        if (block->Tag != tag) throw BridgeException.Invalid($"{what} is not a live {type} of the python bridge");
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
