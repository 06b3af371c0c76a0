using System.Runtime.InteropServices;
using System.Text;
using QiboAccel.Abi;
using QiboAccel.Python.Embedding;

namespace QiboAccel.Python.Bridge;

/// <summary>
/// A backend instance: the Python backend object returned by <c>qibo_backend_NAME.create_backend()</c> and its
/// capabilities, read once from <c>info()</c> (validated by qiboaccel_bridge) and kept as native UTF-8 strings that
/// live as long as the instance, as backend_get_info requires.
/// </summary>
internal sealed unsafe class PythonBackend : IDisposable
{
    private nint _object;
    private byte* _name, _version, _description, _device;

    private PythonBackend(string name, nint obj)
    {
        Name = name;
        _object = obj;
    }

    /// <summary>The Python backend's name (<c>numpy</c> for <c>python@numpy</c>).</summary>
    public string Name { get; }

    /// <summary>The module the backend comes from, for messages.</summary>
    public string Module => $"qibo_backend_{Name}";

    /// <summary>The Python backend object (a strong reference; use with the GIL held).</summary>
    public nint Object => _object != 0 ? _object : throw BridgeException.Invalid($"{Module}: the backend was destroyed");

    /// <summary>info()["max_qubits"].</summary>
    public uint MaxQubits { get; private set; }

    /// <summary>OR of the precisions info() declared.</summary>
    public QiboPrecision Precisions { get; private set; }

    /// <summary>info()["max_matrix_targets"], 0 = no limit.</summary>
    public uint MaxMatrixTargets { get; private set; }

    private ulong _native0, _native1;
    private uint _stateKinds;

    /// <summary>True when info() declared <paramref name="kind"/> native.</summary>
    public bool IsNative(QiboOpKind kind)
    {
        uint k = (uint)kind;
        if (k >= (uint)QiboOpKind.KindCount) return false;
        ulong word = k < 64 ? _native0 : _native1;
        return (word & (1UL << (int)(k % 64))) != 0;
    }

    /// <summary>Imports <c>qibo_backend_NAME</c>, calls its create_backend() and reads info().</summary>
    public static PythonBackend Create(BridgeOptions options)
    {
        using Gil gil = Gil.Acquire();
        string context = $"backend_create (python backend '{options.Name}')";
        string path = string.Join(":", options.SearchPath(LibraryLocation.PythonPaths));
        Py.CallBridgeVoid("_host_add_paths", context, Py.Str(path));
        nint result = Py.CallBridge("_host_create_backend", context, Py.Str(options.Name), Py.Str(options.BackendOptions));
        try
        {
            nint obj = Py.Item(result, 0, context);
            nint info = Py.Item(result, 1, context);
            LibPython.Py_IncRef(obj);
            var backend = new PythonBackend(options.Name, obj);
            try
            {
                backend._name = Utf8(Py.ItemText(info, 0, context));
                backend._version = Utf8(Py.ItemText(info, 1, context));
                backend._description = Utf8(Py.ItemText(info, 2, context));
                backend._device = Utf8(Py.ItemText(info, 3, context));
                backend.MaxQubits = (uint)Py.ItemUInt(info, 4, context);
                backend.Precisions = (QiboPrecision)Py.ItemUInt(info, 5, context);
                backend._stateKinds = (uint)Py.ItemUInt(info, 6, context);
                backend.MaxMatrixTargets = (uint)Py.ItemUInt(info, 7, context);
                backend._native0 = Py.ItemUInt(info, 8, context);
                backend._native1 = Py.ItemUInt(info, 9, context);
                return backend;
            }
            catch
            {
                backend.ReleaseLocked();
                throw;
            }
        }
        finally
        {
            Py.DecRef(result);
        }
    }

    /// <summary>Fills the ABI 1.0 fields of <paramref name="info"/> (no Python call: the values were read at creation).</summary>
    public void FillInfo(QiboBackendInfo* info)
    {
        info->Name = _name;
        info->Version = _version;
        info->Description = _description;
        info->Device = _device;
        info->MaxQubits = MaxQubits;
        info->Precisions = Precisions;
        info->StateKinds = _stateKinds;
        info->MaxMatrixTargets = MaxMatrixTargets;
        info->NativeOps[0] = _native0;
        info->NativeOps[1] = _native1;
    }

    /// <summary>Calls the backend's close() if it has one and drops the Python object.</summary>
    public void Dispose()
    {
        if (_object == 0) return;
        using Gil gil = Gil.Acquire();
        ReleaseLocked();
    }

    private void ReleaseLocked()
    {
        nint obj = _object;
        _object = 0;
        if (obj != 0)
        {
            LibPython.Py_IncRef(obj); // _host_close consumes one reference
            try
            {
                Py.CallBridgeVoid("_host_close", $"backend_destroy ({Module})", obj);
            }
            catch (BridgeException)
            {
                // backend_destroy cannot report anything: a failing close() is ignored.
            }
            Py.DecRef(obj);
        }
        NativeMemory.Free(_name); // NULL is ignored
        NativeMemory.Free(_version);
        NativeMemory.Free(_description);
        NativeMemory.Free(_device);
        _name = _version = _description = _device = null;
    }

    private static byte* Utf8(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        var bytes = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(bytes, length));
        bytes[length] = 0;
        return bytes;
    }
}
