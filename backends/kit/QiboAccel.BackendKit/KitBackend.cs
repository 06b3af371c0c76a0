using System.Runtime.InteropServices;
using System.Text;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// What a qibo_backend* handle points at: the backend's instance, its capabilities as read at creation, and the
/// native UTF-8 copies of the info strings, which live until backend_destroy as the header requires.
/// </summary>
internal sealed unsafe class KitBackend : IDisposable
{
    private byte* _name, _version, _description, _device;

    public KitBackend(BackendInstance instance)
    {
        Instance = instance;
        Capabilities = instance.Capabilities;
        _name = Utf8(Capabilities.Name);
        _version = Utf8(Capabilities.Version);
        _description = Utf8(Capabilities.Description);
        _device = Utf8(Capabilities.Device);
    }

    /// <summary>The backend's own object.</summary>
    public BackendInstance Instance { get; }

    /// <summary>What the instance declared.</summary>
    public BackendCapabilities Capabilities { get; }

    /// <summary>Fills the ABI 1.0 fields of <paramref name="info"/> (whose struct_size the caller checked).</summary>
    public void Fill(QiboBackendInfo* info)
    {
        info->Name = _name;
        info->Version = _version;
        info->Description = _description;
        info->Device = _device;
        info->MaxQubits = Capabilities.MaxQubits;
        info->Precisions = Capabilities.Precisions;
        info->StateKinds = Capabilities.StateKinds;
        info->MaxMatrixTargets = Capabilities.MaxMatrixTargets;
        info->NativeOps[0] = Capabilities.NativeOps.Word0;
        info->NativeOps[1] = Capabilities.NativeOps.Word1;
    }

    /// <summary>Disposes the instance and frees the strings.</summary>
    public void Dispose()
    {
        try
        {
            Instance.Dispose();
        }
        finally
        {
            NativeMemory.Free(_name); // NULL is ignored
            NativeMemory.Free(_version);
            NativeMemory.Free(_description);
            NativeMemory.Free(_device);
            _name = _version = _description = _device = null;
        }
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
