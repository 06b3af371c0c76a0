// Ported from abi/include/qibo/backend.h (qibo_backend_info).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace QiboAccel.Abi;

/// <summary>qibo_backend_info: capabilities, filled by backend_get_info.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboBackendInfo
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 72;

    /// <summary>size_t struct_size, set by the caller.</summary>
    public nuint StructSize;
    /// <summary>const char* name (UTF-8).</summary>
    public byte* Name;
    /// <summary>const char* version.</summary>
    public byte* Version;
    /// <summary>const char* description.</summary>
    public byte* Description;
    /// <summary>const char* device.</summary>
    public byte* Device;
    /// <summary>Largest state vector accepted.</summary>
    public uint MaxQubits;
    /// <summary>OR of <see cref="QiboPrecision"/>.</summary>
    public QiboPrecision Precisions;
    /// <summary>OR of (1 &lt;&lt; <see cref="QiboStateKind"/>).</summary>
    public uint StateKinds;
    /// <summary>Largest MATRIX op; 0 = no limit.</summary>
    public uint MaxMatrixTargets;
    /// <summary>uint64_t native_ops[2]: bit k set when kind k is native.</summary>
    public NativeOps2 NativeOps;

    /// <summary>uint64_t native_ops[2].</summary>
    [InlineArray(2)]
    public struct NativeOps2
    {
        private ulong _element0;
    }
}
