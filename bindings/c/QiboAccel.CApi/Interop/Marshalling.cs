using System.Runtime.InteropServices;
using System.Text;

namespace QiboAccel.CApi.Interop;

/// <summary>Reading arguments from C and writing answers back, with the header's struct_size and NULL rules.</summary>
internal static unsafe class Marshalling
{
    /// <summary>
    /// A copy of the caller's struct. Its struct_size must cover at least <paramref name="minimum"/> bytes (the struct as
    /// API 1.0 defined it; all of <typeparamref name="T"/> when omitted): fields a 1.0 caller's smaller struct lacks
    /// read as zero, and bytes a newer caller has beyond what this library knows are ignored.
    /// </summary>
    public static T Read<T>(T* source, string what, int minimum = -1) where T : unmanaged
    {
        if (source == null) throw CApiException.Invalid($"{what} is NULL");
        nuint size = *(nuint*)source;
        if (minimum < 0) minimum = sizeof(T);
        if (size < (nuint)minimum)
        {
            throw CApiException.Invalid($"{what}->struct_size is {size}, smaller than the {minimum} bytes of its first version (set it to sizeof the struct)");
        }
        T copy = default;
        Buffer.MemoryCopy(source, &copy, sizeof(T), (long)Math.Min(size, (nuint)sizeof(T)));
        return copy;
    }

    /// <summary>
    /// Writes <paramref name="value"/> into the caller's struct, never past the struct_size it holds, which must cover at
    /// least <paramref name="minimum"/> bytes (all of <typeparamref name="T"/> when omitted).
    /// </summary>
    public static void Write<T>(T* destination, T value, string what, int minimum = -1) where T : unmanaged
    {
        if (destination == null) throw CApiException.Invalid($"{what} is NULL");
        nuint size = *(nuint*)destination;
        if (minimum < 0) minimum = sizeof(T);
        if (size < (nuint)minimum)
        {
            throw CApiException.Invalid($"{what}->struct_size is {size}, smaller than the {minimum} bytes of its first version (set it to sizeof the struct)");
        }
        *(nuint*)&value = size;
        Buffer.MemoryCopy(&value, destination, (long)size, (long)Math.Min(size, (nuint)sizeof(T)));
    }

    /// <summary>A UTF-8 string argument; null when the pointer is NULL and <paramref name="allowNull"/>.</summary>
    public static string? String(byte* text, string what, bool allowNull = false)
    {
        if (text == null) return allowNull ? null : throw CApiException.Invalid($"{what} is NULL");
        var span = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text);
        try
        {
            return new UTF8Encoding(false, true).GetString(span);
        }
        catch (DecoderFallbackException)
        {
            throw CApiException.Invalid($"{what} is not valid UTF-8");
        }
    }

    /// <summary>A span over a caller array, checking NULL against a nonzero count.</summary>
    public static ReadOnlySpan<T> Span<T>(T* items, ulong count, string what) where T : unmanaged
    {
        if (count == 0) return default;
        if (items == null) throw CApiException.Invalid($"{what} is NULL but its count is {count}");
        if (count > int.MaxValue) throw CApiException.Invalid($"{what}: {count} items is more than this library handles at once ({int.MaxValue})");
        return new ReadOnlySpan<T>(items, (int)count);
    }

    /// <summary>Writes a handle into an [out] parameter.</summary>
    public static void Out(nint* destination, nint handle) => *destination = handle;
}

/// <summary>
/// UTF-8 copies of strings handed to C inside info structs, kept for as long as the object that owns this set
/// lives (the header's rule), and freed with it.
/// </summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private readonly Dictionary<string, nint> _strings = new(StringComparer.Ordinal);
    private readonly List<nint> _blocks = [];
    private bool _disposed;

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/>, the same pointer for the same text.</summary>
    public byte* Get(string? text)
    {
        text ??= "";
        lock (_strings)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_strings.TryGetValue(text, out nint existing)) return (byte*)existing;
            int length = Encoding.UTF8.GetByteCount(text);
            var block = (byte*)NativeMemory.Alloc((nuint)length + 1);
            Encoding.UTF8.GetBytes(text, new Span<byte>(block, length));
            block[length] = 0;
            _strings[text] = (nint)block;
            return block;
        }
    }

    /// <summary>A native copy of <paramref name="values"/>, freed with this set.</summary>
    public uint* Array(ReadOnlySpan<int> values)
    {
        lock (_strings)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var block = (uint*)NativeMemory.Alloc((nuint)Math.Max(1, values.Length), sizeof(uint));
            for (int i = 0; i < values.Length; i++) block[i] = (uint)values[i];
            _blocks.Add((nint)block);
            return block;
        }
    }

    public void Dispose()
    {
        lock (_strings)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (nint p in _strings.Values) NativeMemory.Free((void*)p);
            foreach (nint p in _blocks) NativeMemory.Free((void*)p);
            _strings.Clear();
            _blocks.Clear();
        }
    }
}
