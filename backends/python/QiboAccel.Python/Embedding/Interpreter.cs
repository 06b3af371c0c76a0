using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using static QiboAccel.Python.Embedding.LibPython;

namespace QiboAccel.Python.Embedding;

/// <summary>
/// The embedded CPython interpreter: started once per process on the first backend_create (never finalized: the
/// library is never unloaded), with the GIL released between calls so that any host thread can enter through
/// <see cref="Gil"/>. A failure to start is remembered and reported again by every later call.
/// </summary>
internal static unsafe class Interpreter
{
    private static readonly Lock s_lock = new();
    private static volatile bool s_started;
    private static BridgeException? s_failure;

    /// <summary>The qiboaccel_bridge module (a reference held for the process lifetime).</summary>
    public static nint BridgeModule { get; private set; }

    /// <summary>Python's None (a reference held for the process lifetime).</summary>
    public static nint None { get; private set; }

    /// <summary>"CPython 3.11.2 (/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0)", for error messages.</summary>
    public static string Description { get; private set; } = "CPython (not started)";

    /// <summary>Starts the interpreter if needed; throws the (remembered) reason when Python is not available.</summary>
    public static void EnsureStarted()
    {
        if (s_started) return;
        lock (s_lock)
        {
            if (s_started) return;
            if (s_failure is not null) throw new BridgeException(s_failure.Code, s_failure.Message);
            try
            {
                Start();
                s_started = true;
            }
            catch (BridgeException e)
            {
                s_failure = e;
                throw;
            }
            catch (Exception e)
            {
                s_failure = BridgeException.Internal($"starting the embedded Python failed: {e.GetType().Name}: {e.Message}");
                throw s_failure;
            }
        }
    }

    private static void Start()
    {
        PythonRuntime runtime = PythonLocator.Load();
        List<string> missing = LibPython.Resolve(runtime.Handle);
        if (missing.Count > 0)
        {
            throw BridgeException.Device($"{runtime.Library} is not a usable CPython 3 library: it lacks {string.Join(", ", missing)}; "
                + PythonLocator.InstallHint);
        }
        string version = Marshal.PtrToStringUTF8((nint)Py_GetVersion()) ?? "?";
        Description = $"CPython {version.Split(' ')[0]} ({runtime.Library})";

        bool owned = Py_IsInitialized() == 0;
        if (owned)
        {
            if (runtime.Executable is not null && Py_SetProgramName != null)
            {
                // The program name decides sys.prefix (hence the stdlib and dist-packages) and sys.executable. The wide
                // string must outlive the interpreter: it is never freed.
                byte[] utf8 = Encoding.UTF8.GetBytes(runtime.Executable + "\0");
                fixed (byte* p = utf8)
                {
                    nint wide = Py_DecodeLocale(p, null);
                    if (wide != 0) Py_SetProgramName(wide);
                }
            }
            DisableUserSite(runtime);
            Py_InitializeEx(0); // 0: leave the host's signal handlers alone
            if (Py_IsInitialized() == 0) throw BridgeException.Device($"{Description}: Py_InitializeEx failed; {PythonLocator.InstallHint}");
            try
            {
                LoadBridge(runtime.Executable ?? "");
            }
            finally
            {
                PyEval_SaveThread(); // release the GIL taken by initialisation; every call re-enters with PyGILState_Ensure
            }
        }
        else
        {
            int gil = PyGILState_Ensure();
            try
            {
                LoadBridge(null);
            }
            finally
            {
                PyGILState_Release(gil);
            }
        }
    }

    /// <summary>Environment variable that lets the embedded interpreter read the user's site-packages (and run their .pth files).</summary>
    public const string UserSiteVariable = "QIBOACCEL_PYTHON_USER_SITE";

    /// <summary>
    /// The user's site-packages (~/.local/lib/pythonX.Y/site-packages) are left out unless QIBOACCEL_PYTHON_USER_SITE=1:
    /// their .pth files run code at interpreter start, and a backend should not depend on what happens to be there.
    /// Set through the global Py_NoUserSiteDirectory (read by Py_InitializeEx in CPython 3.8 to 3.13).
    /// </summary>
    private static void DisableUserSite(PythonRuntime runtime)
    {
        if (Environment.GetEnvironmentVariable(UserSiteVariable) is "1" or "true" or "yes") return;
        if (NativeLibrary.TryGetExport(runtime.Handle, "Py_NoUserSiteDirectory", out nint flag)) *(int*)flag = 1;
    }

    /// <summary>Compiles qiboaccel_bridge.py into sys.modules["qiboaccel_bridge"] (GIL held).</summary>
    private static void LoadBridge(string? executable)
    {
        nint builtins = ImportModule("builtins");
        None = Py.Attr(builtins, "None");
        Py.DecRef(builtins);
        if (None == 0) throw Py.Error("starting the embedded Python");

        // The repository's copy (found through the manifest's python_path) wins, so that edits take effect without a
        // rebuild and tracebacks show the lines that ran; the copy embedded at build time is the fallback.
        string? onDisk = LibraryLocation.PythonPaths.Select(d => Path.Combine(d, "qiboaccel_bridge.py")).FirstOrDefault(File.Exists);
        byte[] source;
        using (Stream stream = onDisk is not null ? File.OpenRead(onDisk)
            : Assembly.GetExecutingAssembly().GetManifestResourceStream("qiboaccel_bridge.py")
              ?? throw BridgeException.Internal("the embedded qiboaccel_bridge.py is missing from libqibo_python.so"))
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            buffer.WriteByte(0);
            source = buffer.ToArray();
        }
        string label = onDisk ?? "<libqibo_python.so>/qiboaccel_bridge.py";
        byte[] fileName = Encoding.UTF8.GetBytes(label + "\0");
        byte[] moduleName = "qiboaccel_bridge\0"u8.ToArray();
        nint module;
        fixed (byte* src = source)
        fixed (byte* file = fileName)
        fixed (byte* name = moduleName)
        {
            nint code = Py_CompileString(src, file, FileInput);
            if (code == 0) throw Py.Error($"compiling {label}");
            module = PyImport_ExecCodeModuleEx(name, code, file);
            Py.DecRef(code);
        }
        if (module == 0) throw Py.Error($"loading {label}");
        BridgeModule = module;
        if (executable is not null) Py.CallBridgeVoid("_host_init", "starting the embedded Python", Py.Str(executable));
    }

    private static nint ImportModule(string name)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = utf8)
        {
            nint module = PyImport_ImportModule(p);
            return module != 0 ? module : throw Py.Error($"importing {name}");
        }
    }
}

/// <summary>
/// Holds the GIL for the current thread: <c>using var gil = Gil.Acquire();</c> on every entry that touches Python.
/// Starts the interpreter on first use.
/// </summary>
internal readonly unsafe struct Gil : IDisposable
{
    private readonly int _state;

    private Gil(int state) => _state = state;

    /// <summary>Starts Python if needed and takes the GIL (creating a thread state for a new thread).</summary>
    public static Gil Acquire()
    {
        Interpreter.EnsureStarted();
        return new Gil(PyGILState_Ensure());
    }

    /// <summary>Releases the GIL (and the thread state PyGILState_Ensure created, if any).</summary>
    public void Dispose() => PyGILState_Release(_state);
}
