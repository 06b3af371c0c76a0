using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Safety;

namespace QiboAccel.NativeLoader;

/// <summary>
/// A backend shared library that passed the handshake: its path and its function table. Libraries are
/// loaded once per path and never unloaded (NativeAOT runtimes, among others, cannot survive dlclose).
/// </summary>
internal sealed unsafe class LoadedLibrary
{
    private static readonly Dictionary<string, LoadedLibrary> Cache = new(StringComparer.Ordinal);
    private static readonly Lock CacheLock = new();

    private LoadedLibrary(string path, QiboBackendApi* api)
    {
        Path = path;
        Api = api;
        AbiVersion = $"{api->AbiMajor}.{api->AbiMinor}";
    }

    /// <summary>Absolute path of the library.</summary>
    public string Path { get; }

    /// <summary>The backend's function table (lives for the process).</summary>
    public QiboBackendApi* Api { get; }

    /// <summary>The ABI version the table reports.</summary>
    public string AbiVersion { get; }

    /// <summary>Loads (once) and checks the library at <paramref name="path"/>; every failure is a clear <see cref="BackendException"/>.</summary>
    public static LoadedLibrary Get(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        lock (CacheLock)
        {
            if (Cache.TryGetValue(full, out var cached)) return cached;
            var loaded = Load(full);
            Cache[full] = loaded;
            return loaded;
        }
    }

    private static LoadedLibrary Load(string path)
    {
        string quoted = $"'{MessageText.Clip(path, 200)}'";
        if (!File.Exists(path))
        {
            throw new BackendException(QiboErrorCode.InvalidArgument, $"backend library {quoted} does not exist");
        }
        // Everything that can be decided from the file is decided before dlopen, which maps it and runs its constructors:
        // what it is (reading it runs nothing), then who could have put it there.
        if (ElfImage.Problem(path, Abi.AbiVersion.EntryPoint) is { } problem)
        {
            throw new BackendException(QiboErrorCode.InvalidArgument, problem.StartsWith("does not export", StringComparison.Ordinal)
                ? $"{quoted} is not a QiboAccel backend: it {problem}"
                : $"{quoted} {problem}");
        }
        if (UnixFile.Distrust(path) is { } distrust)
        {
            throw new BackendException(QiboErrorCode.InvalidArgument,
                $"refusing to load backend library {quoted}: {distrust} (another user could have placed or could replace it)");
        }
        nint handle = DlOpen(path, out string? dlError);
        if (handle == 0)
        {
            throw new BackendException(QiboErrorCode.InvalidArgument, $"cannot load backend library {quoted}: {MessageText.Clip(dlError ?? "dlopen failed", 300)}");
        }
        if (!NativeLibrary.TryGetExport(handle, Abi.AbiVersion.EntryPoint, out nint entry))
        {
            throw new BackendException(QiboErrorCode.InvalidArgument,
                $"'{path}' is not a QiboAccel backend: it does not export {Abi.AbiVersion.EntryPoint}");
        }
        var getApi = (delegate* unmanaged[Cdecl]<QiboApiRequest*, QiboErrorCode>)entry;
        var request = new QiboApiRequest
        {
            StructSize = (nuint)sizeof(QiboApiRequest),
            HostMajor = Abi.AbiVersion.Major,
            HostMinor = Abi.AbiVersion.Minor,
        };
        // A NativeAOT backend starts its runtime on this first call; under a tight `ulimit -v` that start can fail
        // and abort the process before we can report anything (set DOTNET_GCRegionRange, see the README).
        QiboErrorCode code = getApi(&request);
        if (code == QiboErrorCode.VersionMismatch || (code == QiboErrorCode.Ok && request.BackendMajor != Abi.AbiVersion.Major))
        {
            throw new BackendException(QiboErrorCode.VersionMismatch,
                $"'{path}' implements backend ABI {request.BackendMajor}.{request.BackendMinor}; this host speaks {Abi.AbiVersion.Major}.{Abi.AbiVersion.Minor} (major versions must match)");
        }
        if (code != QiboErrorCode.Ok)
        {
            throw new BackendException(code, $"'{path}': {Abi.AbiVersion.EntryPoint} failed with {code}");
        }
        QiboBackendApi* api = request.Api;
        if (api == null)
        {
            throw new BackendException(QiboErrorCode.InvalidArgument, $"'{path}': {Abi.AbiVersion.EntryPoint} returned success but no function table");
        }
        nuint minimum = QiboBackendApi.V1_0;
        if (api->StructSize < minimum)
        {
            throw new BackendException(QiboErrorCode.InvalidArgument,
                $"'{path}': function table is {api->StructSize} bytes; ABI {Abi.AbiVersion.Major}.0 needs at least {minimum}");
        }
        if (api->AbiMajor != Abi.AbiVersion.Major)
        {
            throw new BackendException(QiboErrorCode.VersionMismatch,
                $"'{path}': function table reports ABI {api->AbiMajor}.{api->AbiMinor}; this host speaks {Abi.AbiVersion.Major}.{Abi.AbiVersion.Minor}");
        }
        var missing = new List<string>();
        if (api->ErrorCode == null) missing.Add("error_code");
        if (api->ErrorMessage == null) missing.Add("error_message");
        if (api->ErrorOpIndex == null) missing.Add("error_op_index");
        if (api->ErrorDestroy == null) missing.Add("error_destroy");
        if (api->BackendCreate == null) missing.Add("backend_create");
        if (api->BackendDestroy == null) missing.Add("backend_destroy");
        if (api->BackendGetInfo == null) missing.Add("backend_get_info");
        if (api->StateCreate == null) missing.Add("state_create");
        if (api->StateDestroy == null) missing.Add("state_destroy");
        if (api->StateSetAmplitudes == null) missing.Add("state_set_amplitudes");
        if (api->StateGetAmplitudes == null) missing.Add("state_get_amplitudes");
        if (api->StateApply == null) missing.Add("state_apply");
        if (missing.Count > 0)
        {
            throw new BackendException(QiboErrorCode.InvalidArgument,
                $"'{path}': required function table slots are NULL: {string.Join(", ", missing)}");
        }
        return new LoadedLibrary(path, HostCopy(api));
    }

    /// <summary>
    /// The table as this host knows it: a copy of the backend's table padded with NULL slots, so a slot appended by a
    /// later minor version than the backend's reads as "not supported" instead of bytes past the end of its table.
    /// </summary>
    private static QiboBackendApi* HostCopy(QiboBackendApi* api)
    {
        var copy = (QiboBackendApi*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(QiboBackendApi));
        nuint bytes = Math.Min(api->StructSize, (nuint)sizeof(QiboBackendApi));
        Buffer.MemoryCopy(api, copy, sizeof(QiboBackendApi), (long)bytes);
        return copy; // lives as long as the process, like the library
    }

    private const int RtldNow = 0x2;

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    private static extern nint DlOpenNative(byte* file, int mode);

    [DllImport("libc.so.6", EntryPoint = "dlerror")]
    private static extern byte* DlError();

    /// <summary>
    /// dlopen with RTLD_NOW (an unresolved symbol fails here, not at the first call) and RTLD_LOCAL; on failure the
    /// dynamic linker's own one-line reason instead of .NET's multi-line advice.
    /// </summary>
    private static nint DlOpen(string path, out string? error)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        DlError(); // clears an earlier error (and binds the import)
        nint handle;
        fixed (byte* p = utf8) handle = DlOpenNative(p, RtldNow);
        if (handle != 0)
        {
            error = null;
            return handle;
        }
        byte* text = DlError();
        error = text == null ? null : Marshal.PtrToStringUTF8((nint)text)?.ReplaceLineEndings(" ");
        return 0;
    }
}
