using System.Text;
using QiboAccel.Abi;
using static QiboAccel.Python.Embedding.LibPython;

namespace QiboAccel.Python.Embedding;

/// <summary>
/// Small helpers over the C API. Every one of them must be called with the GIL held (see <see cref="Gil"/>).
/// Conventions: a method returning <c>nint</c> returns a new reference the caller owns; arguments passed to
/// <see cref="Call"/> are new references that the call consumes (also on failure).
/// </summary>
internal static unsafe class Py
{
    // A valid address for empty memoryviews (PyMemoryView_FromMemory wants a non-NULL pointer even for 0 bytes).
    private static readonly byte* s_empty = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(16);

    /// <summary>Drops a reference (NULL is ignored).</summary>
    public static void DecRef(nint obj)
    {
        if (obj != 0) Py_DecRef(obj);
    }

    /// <summary>A new str from a .NET string.</summary>
    public static nint Str(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = utf8)
        {
            return PyUnicode_DecodeUTF8(p == null ? s_empty : p, utf8.Length, null);
        }
    }

    /// <summary>A new int.</summary>
    public static nint Int(long value) => PyLong_FromLongLong(value);

    /// <summary>A new int.</summary>
    public static nint UInt(ulong value) => PyLong_FromUnsignedLongLong(value);

    /// <summary>A memoryview over <paramref name="bytes"/> bytes of host memory at <paramref name="data"/>, valid during the call only.</summary>
    public static nint View(void* data, ulong bytes, bool writable)
    {
        if (bytes > long.MaxValue) throw BridgeException.Invalid($"a buffer of {bytes} bytes is too large");
        byte* start = bytes == 0 || data == null ? s_empty : (byte*)data;
        return PyMemoryView_FromMemory(start, bytes == 0 ? 0 : (nint)bytes, writable ? BufferWrite : BufferRead);
    }

    /// <summary>The UTF-8 text of a str object.</summary>
    public static string? ToText(nint obj)
    {
        nint size;
        byte* text = PyUnicode_AsUTF8AndSize(obj, &size);
        if (text == null)
        {
            PyErr_Clear();
            return null;
        }
        return Encoding.UTF8.GetString(text, (int)size);
    }

    /// <summary>
    /// Calls <paramref name="callable"/> with <paramref name="args"/> (consumed). Throws the pending Python exception,
    /// formatted with <paramref name="context"/>, if an argument could not be built or the call raised.
    /// </summary>
    public static nint Call(nint callable, string context, params ReadOnlySpan<nint> args)
    {
        nint tuple = PyTuple_New(args.Length);
        bool broken = tuple == 0;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == 0) broken = true;
            if (broken)
            {
                DecRef(args[i]);
                continue;
            }
            PyTuple_SetItem(tuple, i, args[i]); // steals the reference
        }
        if (broken)
        {
            DecRef(tuple);
            throw Error(context);
        }
        nint result = PyObject_Call(callable, tuple, 0);
        DecRef(tuple);
        if (result == 0) throw Error(context);
        return result;
    }

    /// <summary>Calls the function <paramref name="name"/> of the bridge module (qiboaccel_bridge) with <paramref name="args"/> (consumed).</summary>
    public static nint CallBridge(string name, string context, params ReadOnlySpan<nint> args)
    {
        nint function = Attr(Interpreter.BridgeModule, name);
        if (function == 0)
        {
            foreach (nint a in args) DecRef(a);
            throw Error(context);
        }
        try
        {
            return Call(function, context, args);
        }
        finally
        {
            DecRef(function);
        }
    }

    /// <summary>Like <see cref="CallBridge"/>, dropping the result.</summary>
    public static void CallBridgeVoid(string name, string context, params ReadOnlySpan<nint> args)
        => DecRef(CallBridge(name, context, args));

    /// <summary>getattr(obj, name), or 0 with a Python error pending.</summary>
    public static nint Attr(nint obj, string name)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = utf8)
        {
            return PyObject_GetAttrString(obj, p);
        }
    }

    /// <summary>Item <paramref name="index"/> of a tuple as a borrowed reference; throws if it is not a tuple that long.</summary>
    public static nint Item(nint tuple, int index, string context)
    {
        nint item = PyTuple_GetItem(tuple, index);
        if (item == 0) throw Error(context);
        return item;
    }

    /// <summary>An int item of a tuple.</summary>
    public static ulong ItemUInt(nint tuple, int index, string context)
    {
        ulong value = PyLong_AsUnsignedLongLong(Item(tuple, index, context));
        if (value == ulong.MaxValue && PyErr_Occurred() != 0) throw Error(context);
        return value;
    }

    /// <summary>An int item of a tuple.</summary>
    public static long ItemInt(nint tuple, int index, string context)
    {
        long value = PyLong_AsLongLong(Item(tuple, index, context));
        if (value == -1 && PyErr_Occurred() != 0) throw Error(context);
        return value;
    }

    /// <summary>A str item of a tuple.</summary>
    public static string ItemText(nint tuple, int index, string context)
        => ToText(Item(tuple, index, context)) ?? throw BridgeException.Internal($"{context}: item {index} is not a str");

    /// <summary>
    /// Takes the pending Python exception and turns it into a <see cref="BridgeException"/>: code and op index from the
    /// exception (see qiboaccel_bridge._host_format_error), message = context, type, text and the last traceback lines.
    /// </summary>
    public static BridgeException Error(string context)
    {
        nint type = 0, value = 0, traceback = 0;
        PyErr_Fetch(&type, &value, &traceback);
        if (type == 0) return BridgeException.Internal($"{context}: failed without a Python exception");
        PyErr_NormalizeException(&type, &value, &traceback);
        try
        {
            if (Interpreter.BridgeModule != 0)
            {
                nint format = Attr(Interpreter.BridgeModule, "_host_format_error");
                if (format != 0)
                {
                    nint args = PyTuple_New(4);
                    nint ctx = Str(context);
                    if (args != 0 && ctx != 0)
                    {
                        // PyErr_Fetch may leave value/traceback NULL: the formatter takes None instead.
                        nint v = value != 0 ? value : Interpreter.None, tb = traceback != 0 ? traceback : Interpreter.None;
                        Py_IncRef(type);
                        Py_IncRef(v);
                        Py_IncRef(tb);
                        PyTuple_SetItem(args, 0, type); // each SetItem steals the reference taken above
                        PyTuple_SetItem(args, 1, v);
                        PyTuple_SetItem(args, 2, tb);
                        PyTuple_SetItem(args, 3, ctx);
                        nint result = PyObject_Call(format, args, 0);
                        DecRef(args);
                        DecRef(format);
                        if (result != 0)
                        {
                            try
                            {
                                long code = PyLong_AsLongLong(PyTuple_GetItem(result, 0));
                                long op = PyLong_AsLongLong(PyTuple_GetItem(result, 1));
                                string? message = ToText(PyTuple_GetItem(result, 2));
                                if (PyErr_Occurred() == 0 && message is not null && code is >= 1 and <= 6)
                                {
                                    return new BridgeException((QiboErrorCode)code, message, op);
                                }
                            }
                            finally
                            {
                                DecRef(result);
                            }
                        }
                    }
                    else
                    {
                        DecRef(args);
                        DecRef(ctx);
                        DecRef(format);
                    }
                    PyErr_Clear();
                }
                else
                {
                    PyErr_Clear();
                }
            }
            // Fallback (the bridge module is not loaded yet or formatting failed): type name and str(value).
            string typeName = AttrText(type, "__name__") ?? "exception";
            string text = value == 0 ? "" : StrOf(value) ?? "";
            return BridgeException.Internal(text.Length > 0 ? $"{context}: {typeName}: {text}" : $"{context}: {typeName}");
        }
        finally
        {
            DecRef(type);
            DecRef(value);
            DecRef(traceback);
        }
    }

    private static string? AttrText(nint obj, string name)
    {
        nint attr = Attr(obj, name);
        if (attr == 0)
        {
            PyErr_Clear();
            return null;
        }
        string? text = ToText(attr);
        DecRef(attr);
        return text;
    }

    private static string? StrOf(nint obj)
    {
        nint str = PyObject_Str(obj);
        if (str == 0)
        {
            PyErr_Clear();
            return null;
        }
        string? text = ToText(str);
        DecRef(str);
        return text;
    }
}
