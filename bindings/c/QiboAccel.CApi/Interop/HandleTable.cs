using System.Collections.Concurrent;

namespace QiboAccel.CApi.Interop;

/// <summary>
/// The opaque handles (qiboaccel_backend*, qiboaccel_circuit*, ...) handed to C: numbers that look like pointers,
/// mapped to their objects here and never dereferenced. A NULL, foreign, destroyed or wrongly typed handle is an
/// INVALID_ARGUMENT error instead of a crash, and values are never reused, so a stale handle cannot reach a newer object.
/// </summary>
internal static class HandleTable
{
    // Far from where malloc or mmap put memory on x86-64 Linux, and aligned, so a handle looks like what it is.
    private const long Base = 0x7A11_0000_0000;
    private static long s_next;
    private static readonly ConcurrentDictionary<nint, object> Objects = new();

    /// <summary>A new handle for <paramref name="target"/>.</summary>
    public static nint Add(object target)
    {
        nint handle = (nint)(Base + 16 * Interlocked.Increment(ref s_next));
        Objects[handle] = target;
        return handle;
    }

    /// <summary>The object behind <paramref name="handle"/>, which must be a live <typeparamref name="T"/>.</summary>
    /// <param name="handle">The handle passed in.</param>
    /// <param name="what">How the header names the parameter, for the message ("backend", "circuit").</param>
    public static T Get<T>(nint handle, string what) where T : class
    {
        if (handle == 0) throw CApiException.Invalid($"{what} is NULL");
        if (!Objects.TryGetValue(handle, out object? target)) throw CApiException.Invalid($"{what} is not a live handle (destroyed, or not made by libqiboaccel)");
        return target as T ?? throw CApiException.Invalid($"{what} is a handle of another kind ({KindOf(target)}), not a {what}");
    }

    /// <summary>
    /// The *_destroy functions: invalidates <paramref name="handle"/> when it is a live <typeparamref name="T"/> and
    /// disposes its object; anything else (NULL, stale, another kind) is ignored. Never throws: destroy returns
    /// nothing, so an object that fails to release leaks rather than crash the caller.
    /// </summary>
    public static void Destroy<T>(nint handle) where T : class, IDisposable
    {
        try
        {
            if (handle == 0 || !Objects.TryGetValue(handle, out object? target) || target is not T typed) return;
            if (Objects.TryRemove(new KeyValuePair<nint, object>(handle, target))) typed.Dispose();
        }
        catch
        {
            // See above: nothing to report to.
        }
    }

    private static string KindOf(object target) => target switch
    {
        Model.BackendObject => "backend",
        Model.CircuitObject => "circuit",
        Model.ResultObject => "result",
        Model.BackendListObject => "backend list",
        _ => "object",
    };
}
