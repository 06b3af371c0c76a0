using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// The opaque qibo_backend* / qibo_state* handles of a backend whose objects are <typeparamref name="TBackend"/> and
/// <typeparamref name="TState"/>: a small native block holding a type tag and a GC handle to the managed object.
/// The tag catches NULL, a state passed as a backend (and vice versa), handles of another backend library and most
/// uses after destroy.
/// </summary>
/// <typeparam name="TBackend">The backend instance type.</typeparam>
/// <typeparam name="TState">The state type.</typeparam>
public static unsafe class Handles<TBackend, TState>
    where TBackend : class
    where TState : class
{
    // Tags differ per library (they hash the type names), so a handle from another backend is refused.
    private static readonly ulong BackendTag = Tag(typeof(TBackend).FullName + "/backend");
    private static readonly ulong StateTag = Tag(typeof(TState).FullName + "/state");

    [StructLayout(LayoutKind.Sequential)]
    private struct Block
    {
        public ulong Tag;
        public nint Target;
    }

    /// <summary>A new handle for <paramref name="backend"/>.</summary>
    public static QiboBackend* New(TBackend backend) => (QiboBackend*)Create(backend, BackendTag);

    /// <summary>A new handle for <paramref name="state"/>.</summary>
    public static QiboState* New(TState state) => (QiboState*)Create(state, StateTag);

    /// <summary>The backend behind <paramref name="handle"/>; INVALID_ARGUMENT naming <paramref name="what"/> if none.</summary>
    public static TBackend Backend(QiboBackend* handle, string what) => (TBackend)Get(handle, BackendTag, what, "backend");

    /// <summary>The state behind <paramref name="handle"/>; INVALID_ARGUMENT naming <paramref name="what"/> if none.</summary>
    public static TState State(QiboState* handle, string what) => (TState)Get(handle, StateTag, what, "state");

    /// <summary>Invalidates a backend handle and returns its object (null for NULL or a foreign pointer).</summary>
    public static TBackend? Release(QiboBackend* handle) => (TBackend?)Release(handle, BackendTag);

    /// <summary>Invalidates a state handle and returns its object (null for NULL or a foreign pointer).</summary>
    public static TState? Release(QiboState* handle) => (TState?)Release(handle, StateTag);

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

    private static ulong Tag(string name)
    {
        ulong hash = 0xcbf29ce484222325; // FNV-1a
        foreach (char ch in name) hash = (hash ^ ch) * 0x100000001b3;
        return hash | 1; // never 0, the tag of a destroyed handle
    }
}
