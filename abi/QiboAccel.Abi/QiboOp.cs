// Ported from abi/include/qibo/backend.h (qibo_op).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace QiboAccel.Abi;

/// <summary>qibo_op: one operation record, 64 bytes in ABI 1.0, read with the circuit's stride.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct QiboOp
{
    /// <summary>The size of a record in ABI 1.0 (64-bit targets): the least op_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 64;

    /// <summary>qibo_op_kind.</summary>
    public QiboOpKind Kind;
    /// <summary>Number of target qubits.</summary>
    public uint NTargets;
    /// <summary>Number of control qubits (all conditioned on 1).</summary>
    public uint NControls;
    /// <summary>Index into <see cref="QiboCircuit.Qubits"/>: targets, then controls.</summary>
    public uint QubitsOffset;
    /// <summary>Index into <see cref="QiboCircuit.Matrices"/> in complex values, or -1.</summary>
    public long MatrixOffset;
    /// <summary>Classical bit written by MEASURE, or -1.</summary>
    public int Cbit;
    /// <summary>Must be 0 in ABI 1.0.</summary>
    public uint Flags;
    /// <summary>Up to four real parameters; meaning depends on <see cref="Kind"/>.</summary>
    public Params4 Params;

    /// <summary>double params[4].</summary>
    [InlineArray(4)]
    public struct Params4
    {
        private double _element0;
    }
}
