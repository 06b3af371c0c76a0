// Ported from abi/include/qibo/backend.h (qibo_circuit).
using System.Runtime.InteropServices;

namespace QiboAccel.Abi;

/// <summary>qibo_circuit: a batch of operation records applied in order by state_apply.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboCircuit
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 64;

    /// <summary>size_t struct_size.</summary>
    public nuint StructSize;
    /// <summary>Must equal the state's qubit count.</summary>
    public uint NQubits;
    /// <summary>Stride of <see cref="Ops"/> in bytes, at least 64.</summary>
    public uint OpSize;
    /// <summary>Number of records.</summary>
    public ulong NOps;
    /// <summary>const void* ops.</summary>
    public void* Ops;
    /// <summary>const uint32_t* qubits.</summary>
    public uint* Qubits;
    /// <summary>Number of entries in <see cref="Qubits"/>.</summary>
    public ulong NQubitRefs;
    /// <summary>Interleaved complex128 values.</summary>
    public double* Matrices;
    /// <summary>Number of complex values in <see cref="Matrices"/>.</summary>
    public ulong NMatrixValues;
}
