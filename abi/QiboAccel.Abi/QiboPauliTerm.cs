// Ported from abi/include/qibo/backend.h (qibo_pauli_term, ABI 1.1).
using System.Runtime.InteropServices;

namespace QiboAccel.Abi;

/// <summary>
/// qibo_pauli_term: coefficient · (X on <see cref="XMask"/>'s qubits, Y on <see cref="YMask"/>'s, Z on
/// <see cref="ZMask"/>'s); bit q of a mask is qubit q. Read with the stride term_size.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct QiboPauliTerm
{
    /// <summary>sizeof in ABI 1.1, which added the struct: the least term_size a reader accepts.</summary>
    public const int V1_1 = 32;

    /// <summary>The real coefficient.</summary>
    public double Coefficient;

    /// <summary>Qubits with an X factor.</summary>
    public ulong XMask;

    /// <summary>Qubits with a Y factor.</summary>
    public ulong YMask;

    /// <summary>Qubits with a Z factor.</summary>
    public ulong ZMask;
}
