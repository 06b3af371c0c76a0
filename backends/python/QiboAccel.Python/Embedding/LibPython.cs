using System.Runtime.InteropServices;

namespace QiboAccel.Python.Embedding;

/// <summary>
/// The CPython C API functions the bridge calls, resolved by name from a loaded libpython3.X.so (or from the main
/// program when the host process is Python itself). Only functions that exist, with the same signature, in every
/// CPython 3.8 and later are used; no variadic function and no struct layout is touched (PyObject* stays opaque).
/// </summary>
internal static unsafe class LibPython
{
    /// <summary>Py_file_input, the start symbol of Py_CompileString for a module.</summary>
    public const int FileInput = 257;

    /// <summary>PyBUF_READ.</summary>
    public const int BufferRead = 0x100;

    /// <summary>PyBUF_WRITE.</summary>
    public const int BufferWrite = 0x200;

#pragma warning disable CS0649 // assigned through Resolve
    public static delegate* unmanaged[Cdecl]<int> Py_IsInitialized;
    public static delegate* unmanaged[Cdecl]<int, void> Py_InitializeEx;
    public static delegate* unmanaged[Cdecl]<byte*, nuint*, nint> Py_DecodeLocale;
    public static delegate* unmanaged[Cdecl]<nint, void> Py_SetProgramName; // optional (deprecated, still present in 3.13)
    public static delegate* unmanaged[Cdecl]<byte*> Py_GetVersion;
    public static delegate* unmanaged[Cdecl]<nint> PyEval_SaveThread;
    public static delegate* unmanaged[Cdecl]<int> PyGILState_Ensure;
    public static delegate* unmanaged[Cdecl]<int, void> PyGILState_Release;

    public static delegate* unmanaged[Cdecl]<nint, void> Py_IncRef;
    public static delegate* unmanaged[Cdecl]<nint, void> Py_DecRef;

    public static delegate* unmanaged[Cdecl]<byte*, nint> PyImport_ImportModule;
    public static delegate* unmanaged[Cdecl]<byte*, nint, byte*, nint> PyImport_ExecCodeModuleEx;
    public static delegate* unmanaged[Cdecl]<byte*, byte*, int, nint> Py_CompileString;

    public static delegate* unmanaged[Cdecl]<nint, byte*, nint> PyObject_GetAttrString;
    public static delegate* unmanaged[Cdecl]<nint, nint, nint, nint> PyObject_Call;
    public static delegate* unmanaged[Cdecl]<nint, nint> PyObject_Str;

    public static delegate* unmanaged[Cdecl]<nint, nint> PyTuple_New;
    public static delegate* unmanaged[Cdecl]<nint, nint, nint, int> PyTuple_SetItem;
    public static delegate* unmanaged[Cdecl]<nint, nint, nint> PyTuple_GetItem;
    public static delegate* unmanaged[Cdecl]<nint, nint> PyTuple_Size;

    public static delegate* unmanaged[Cdecl]<long, nint> PyLong_FromLongLong;
    public static delegate* unmanaged[Cdecl]<ulong, nint> PyLong_FromUnsignedLongLong;
    public static delegate* unmanaged[Cdecl]<nint, long> PyLong_AsLongLong;
    public static delegate* unmanaged[Cdecl]<nint, ulong> PyLong_AsUnsignedLongLong;

    public static delegate* unmanaged[Cdecl]<byte*, nint, byte*, nint> PyUnicode_DecodeUTF8;
    public static delegate* unmanaged[Cdecl]<nint, nint*, byte*> PyUnicode_AsUTF8AndSize;

    public static delegate* unmanaged[Cdecl]<byte*, nint, int, nint> PyMemoryView_FromMemory;

    public static delegate* unmanaged[Cdecl]<nint> PyErr_Occurred;
    public static delegate* unmanaged[Cdecl]<nint*, nint*, nint*, void> PyErr_Fetch;
    public static delegate* unmanaged[Cdecl]<nint*, nint*, nint*, void> PyErr_NormalizeException;
    public static delegate* unmanaged[Cdecl]<void> PyErr_Clear;
#pragma warning restore CS0649

    /// <summary>
    /// Resolves every function from <paramref name="library"/> (a dlopen handle). Returns the names that are missing
    /// (empty on success); <c>Py_SetProgramName</c> is optional.
    /// </summary>
    public static List<string> Resolve(nint library)
    {
        var missing = new List<string>();
        nint Get(string name, bool optional = false)
        {
            if (NativeLibrary.TryGetExport(library, name, out nint address)) return address;
            if (!optional) missing.Add(name);
            return 0;
        }

        Py_IsInitialized = (delegate* unmanaged[Cdecl]<int>)Get("Py_IsInitialized");
        Py_InitializeEx = (delegate* unmanaged[Cdecl]<int, void>)Get("Py_InitializeEx");
        Py_DecodeLocale = (delegate* unmanaged[Cdecl]<byte*, nuint*, nint>)Get("Py_DecodeLocale");
        Py_SetProgramName = (delegate* unmanaged[Cdecl]<nint, void>)Get("Py_SetProgramName", optional: true);
        Py_GetVersion = (delegate* unmanaged[Cdecl]<byte*>)Get("Py_GetVersion");
        PyEval_SaveThread = (delegate* unmanaged[Cdecl]<nint>)Get("PyEval_SaveThread");
        PyGILState_Ensure = (delegate* unmanaged[Cdecl]<int>)Get("PyGILState_Ensure");
        PyGILState_Release = (delegate* unmanaged[Cdecl]<int, void>)Get("PyGILState_Release");
        Py_IncRef = (delegate* unmanaged[Cdecl]<nint, void>)Get("Py_IncRef");
        Py_DecRef = (delegate* unmanaged[Cdecl]<nint, void>)Get("Py_DecRef");
        PyImport_ImportModule = (delegate* unmanaged[Cdecl]<byte*, nint>)Get("PyImport_ImportModule");
        PyImport_ExecCodeModuleEx = (delegate* unmanaged[Cdecl]<byte*, nint, byte*, nint>)Get("PyImport_ExecCodeModuleEx");
        Py_CompileString = (delegate* unmanaged[Cdecl]<byte*, byte*, int, nint>)Get("Py_CompileString");
        PyObject_GetAttrString = (delegate* unmanaged[Cdecl]<nint, byte*, nint>)Get("PyObject_GetAttrString");
        PyObject_Call = (delegate* unmanaged[Cdecl]<nint, nint, nint, nint>)Get("PyObject_Call");
        PyObject_Str = (delegate* unmanaged[Cdecl]<nint, nint>)Get("PyObject_Str");
        PyTuple_New = (delegate* unmanaged[Cdecl]<nint, nint>)Get("PyTuple_New");
        PyTuple_SetItem = (delegate* unmanaged[Cdecl]<nint, nint, nint, int>)Get("PyTuple_SetItem");
        PyTuple_GetItem = (delegate* unmanaged[Cdecl]<nint, nint, nint>)Get("PyTuple_GetItem");
        PyTuple_Size = (delegate* unmanaged[Cdecl]<nint, nint>)Get("PyTuple_Size");
        PyLong_FromLongLong = (delegate* unmanaged[Cdecl]<long, nint>)Get("PyLong_FromLongLong");
        PyLong_FromUnsignedLongLong = (delegate* unmanaged[Cdecl]<ulong, nint>)Get("PyLong_FromUnsignedLongLong");
        PyLong_AsLongLong = (delegate* unmanaged[Cdecl]<nint, long>)Get("PyLong_AsLongLong");
        PyLong_AsUnsignedLongLong = (delegate* unmanaged[Cdecl]<nint, ulong>)Get("PyLong_AsUnsignedLongLong");
        PyUnicode_DecodeUTF8 = (delegate* unmanaged[Cdecl]<byte*, nint, byte*, nint>)Get("PyUnicode_DecodeUTF8");
        PyUnicode_AsUTF8AndSize = (delegate* unmanaged[Cdecl]<nint, nint*, byte*>)Get("PyUnicode_AsUTF8AndSize");
        PyMemoryView_FromMemory = (delegate* unmanaged[Cdecl]<byte*, nint, int, nint>)Get("PyMemoryView_FromMemory");
        PyErr_Occurred = (delegate* unmanaged[Cdecl]<nint>)Get("PyErr_Occurred");
        PyErr_Fetch = (delegate* unmanaged[Cdecl]<nint*, nint*, nint*, void>)Get("PyErr_Fetch");
        PyErr_NormalizeException = (delegate* unmanaged[Cdecl]<nint*, nint*, nint*, void>)Get("PyErr_NormalizeException");
        PyErr_Clear = (delegate* unmanaged[Cdecl]<void>)Get("PyErr_Clear");
        return missing;
    }
}
