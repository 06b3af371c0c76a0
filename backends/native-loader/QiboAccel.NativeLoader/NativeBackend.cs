using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.NativeLoader;

/// <summary>A backend instance created through a library's function table.</summary>
internal sealed unsafe class NativeBackend : IBackend
{
    private readonly Lock _lock = new();
    private QiboBackend* _handle;
    private int _liveStates;
    private bool _disposeRequested;

    public NativeBackend(LoadedLibrary library, string specifier, string options)
    {
        Library = library;
        Specifier = specifier;
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(options + "\0");
        var args = new QiboBackendCreateArgs { StructSize = (nuint)sizeof(QiboBackendCreateArgs) };
        fixed (byte* p = utf8)
        {
            args.Options = p;
            ErrorChannel.Check(library, library.Api->BackendCreate(&args), specifier);
        }
        if (args.Backend == null)
        {
            throw new BackendException(QiboErrorCode.Internal, $"backend '{specifier}': backend_create succeeded but returned no backend");
        }
        _handle = args.Backend;
        Info = ReadInfo() with { CreateOptions = options };
    }

    public LoadedLibrary Library { get; }

    public string Specifier { get; }

    public BackendInfo Info { get; }

    internal QiboBackend* Handle => _handle != null ? _handle : throw new ObjectDisposedException($"backend '{Specifier}'");

    public IQuantumState CreateState(int nQubits, Precision precision = Precision.Double)
    {
        if (nQubits < 1) throw new ArgumentOutOfRangeException(nameof(nQubits), nQubits, "a state needs at least one qubit");
        lock (_lock)
        {
            var state = new NativeState(this, nQubits, precision);
            _liveStates++;
            return state;
        }
    }

    internal void StateDisposed()
    {
        lock (_lock)
        {
            _liveStates--;
            if (_disposeRequested && _liveStates == 0) Destroy();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            // States keep their backend alive: the ABI requires states to be destroyed before their backend.
            _disposeRequested = true;
            if (_liveStates == 0) Destroy();
        }
    }

    private void Destroy()
    {
        if (_handle == null) return;
        Library.Api->BackendDestroy(_handle);
        _handle = null;
    }

    private BackendInfo ReadInfo()
    {
        var info = new QiboBackendInfo { StructSize = (nuint)sizeof(QiboBackendInfo) };
        var args = new QiboBackendGetInfoArgs { StructSize = (nuint)sizeof(QiboBackendGetInfoArgs), Backend = _handle, Info = &info };
        ErrorChannel.Check(Library, Library.Api->BackendGetInfo(&args), Specifier);
        var precisions = new List<Precision>();
        if ((info.Precisions & QiboPrecision.Complex128) != 0) precisions.Add(Precision.Double);
        if ((info.Precisions & QiboPrecision.Complex64) != 0) precisions.Add(Precision.Single);
        var native = new HashSet<QiboOpKind>();
        for (int k = 0; k < (int)QiboOpKind.KindCount; k++)
        {
            if ((info.NativeOps[k / 64] & (1UL << (k % 64))) != 0) native.Add((QiboOpKind)k);
        }
        string name = Utf8(info.Name);
        if (name.Length == 0) throw new BackendException(QiboErrorCode.InvalidArgument, $"backend '{Specifier}' reports no name");
        if (!native.Contains(QiboOpKind.Matrix) || !native.Contains(QiboOpKind.Measure))
        {
            throw new BackendException(QiboErrorCode.InvalidArgument,
                $"backend '{name}' ({Library.Path}) does not declare MATRIX and MEASURE, which every backend must implement");
        }
        if (precisions.Count == 0) throw new BackendException(QiboErrorCode.InvalidArgument, $"backend '{name}' declares no precision");
        // Capabilities are clamped to what can mean anything: 2^32-1 qubits or matrix targets is a lie, not a promise.
        return new BackendInfo(name, Utf8(info.Version), Utf8(info.Description), Utf8(info.Device), (int)Math.Min(info.MaxQubits, 63),
            precisions, (int)Math.Min(info.MaxMatrixTargets, 63), native, Library.Path, Library.AbiVersion);
    }

    /// <summary>A backend's string, at most 256 characters of one line (it ends up in messages and tables).</summary>
    private static string Utf8(byte* text)
    {
        if (text == null) return "";
        int length = 0;
        while (length < 4096 && text[length] != 0) length++;
        string value = System.Text.Encoding.UTF8.GetString(text, length);
        return Safety.MessageText.Clip(value, 256);
    }
}
