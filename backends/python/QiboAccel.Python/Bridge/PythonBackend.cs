using QiboAccel.Abi;
using QiboAccel.Python.Embedding;

namespace QiboAccel.Python.Bridge;

/// <summary>
/// A backend instance: the Python backend object returned by <c>qibo_backend_NAME.create_backend()</c> and its
/// capabilities, read once from <c>info()</c> (validated by qiboaccel_bridge).
/// </summary>
internal sealed unsafe class PythonBackend : BackendInstance
{
    private nint _object;

    private PythonBackend(string name, nint obj, BackendCapabilities capabilities)
    {
        Name = name;
        _object = obj;
        Capabilities = capabilities;
    }

    /// <summary>The Python backend's name (<c>numpy</c> for <c>python@numpy</c>).</summary>
    public string Name { get; }

    /// <summary>The module the backend comes from, for messages.</summary>
    public string Module => $"qibo_backend_{Name}";

    /// <summary>The Python backend object (a strong reference; use with the GIL held).</summary>
    public nint Object => _object != 0 ? _object : throw BridgeException.Invalid($"{Module}: the backend was destroyed");

    /// <summary>What info() declared (validated by qiboaccel_bridge), read once at creation.</summary>
    public override BackendCapabilities Capabilities { get; }

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
            BackendCapabilities capabilities = new()
            {
                Name = Py.ItemText(info, 0, context),
                Version = Py.ItemText(info, 1, context),
                Description = Py.ItemText(info, 2, context),
                Device = Py.ItemText(info, 3, context),
                MaxQubits = (uint)Py.ItemUInt(info, 4, context),
                Precisions = (QiboPrecision)Py.ItemUInt(info, 5, context),
                StateKinds = (uint)Py.ItemUInt(info, 6, context),
                MaxMatrixTargets = (uint)Py.ItemUInt(info, 7, context),
                NativeOps = new OpKindSet(Py.ItemUInt(info, 8, context), Py.ItemUInt(info, 9, context)),
            };
            LibPython.Py_IncRef(obj);
            return new PythonBackend(options.Name, obj, capabilities);
        }
        finally
        {
            Py.DecRef(result);
        }
    }

    /// <inheritdoc />
    public override BackendState CreateState(int nQubits, QiboPrecision precision) => PythonState.Create(this, nQubits, precision);

    /// <summary>Calls the backend's close() if it has one and drops the Python object.</summary>
    public override void Dispose()
    {
        nint obj = _object;
        _object = 0;
        if (obj != 0)
        {
            using Gil gil = Gil.Acquire();
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
        base.Dispose();
    }
}
