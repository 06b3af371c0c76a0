using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// The opaque qibo_backend* / qibo_state* handles: a small native block holding a type tag and a GC handle to the
/// kit's object. The tag catches NULL, a state passed as a backend (and vice versa), handles of another backend
/// library and most uses after destroy.
/// </summary>
internal static unsafe class Handles
{
    // Each library has its own copy of these statics, so a random tag makes a handle from another backend
    // library (another runtime's GC handle, which must never be dereferenced here) fail the check.
    private static readonly ulong BackendTag = (ulong)Random.Shared.NextInt64() | 1;
    private static readonly ulong StateTag = (BackendTag ^ 0x5354_4154_4500_0000) | 1; // never 0, a destroyed handle's tag

    [StructLayout(LayoutKind.Sequential)]
    private struct Block
    {
        public ulong Tag;
        public nint Target;
    }

    /// <summary>A new handle for <paramref name="backend"/>.</summary>
    public static QiboBackend* New(KitBackend backend) => (QiboBackend*)Create(backend, BackendTag);

    /// <summary>A new handle for <paramref name="state"/>.</summary>
    public static QiboState* New(BackendState state) => (QiboState*)Create(state, StateTag);

    /// <summary>The backend behind <paramref name="handle"/>; INVALID_ARGUMENT naming <paramref name="what"/> if none.</summary>
    public static KitBackend Backend(QiboBackend* handle, string what) => (KitBackend)Get(handle, BackendTag, what, "backend");

    /// <summary>The state behind <paramref name="handle"/>; INVALID_ARGUMENT naming <paramref name="what"/> if none.</summary>
    public static BackendState State(QiboState* handle, string what) => (BackendState)Get(handle, StateTag, what, "state");

    /// <summary>Invalidates a backend handle and returns its object (null for NULL or a foreign pointer).</summary>
    public static KitBackend? Release(QiboBackend* handle) => (KitBackend?)Release(handle, BackendTag);

    /// <summary>Invalidates a state handle and returns its object (null for NULL or a foreign pointer).</summary>
    public static BackendState? Release(QiboState* handle) => (BackendState?)Release(handle, StateTag);

    private static void* Create(object target, ulong tag)
    {
        var block = (Block*)NativeMemory.Alloc((nuint)sizeof(Block));
        block->Tag = tag;
        block->Target = GCHandle.ToIntPtr(GCHandle.Alloc(target));
        return block;
    }

    private static object Get(void* handle, ulong tag, string what, string type)
    {
        if (handle == null) throw BackendFault.Invalid($"{what} is NULL");
        var block = (Block*)handle;
        if (block->Tag != tag) throw BackendFault.Invalid($"{what} is not a live {type} of this backend library");
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
