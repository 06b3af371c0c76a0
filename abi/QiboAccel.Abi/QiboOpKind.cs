// Ported from abi/include/qibo/backend.h (qibo_op_kind).
namespace QiboAccel.Abi;

/// <summary>
/// qibo_op_kind. Every backend implements <see cref="Matrix"/> and <see cref="Measure"/>;
/// the host lowers any other kind to <see cref="Matrix"/> when a backend does not declare it native.
/// The header documents each kind's targets, parameters and matrix.
/// </summary>
public enum QiboOpKind : uint
{
#pragma warning disable CS1591 // names mirror the header one to one
    Invalid = 0,
    Matrix = 1,
    Diagonal = 2,
    Measure = 3,
    I = 8,
    H = 9,
    X = 10,
    Y = 11,
    Z = 12,
    S = 13,
    Sdg = 14,
    T = 15,
    Tdg = 16,
    SX = 17,
    SXdg = 18,
    RX = 19,
    RY = 20,
    RZ = 21,
    U1 = 22,
    U2 = 23,
    U3 = 24,
    Swap = 25,
    ISwap = 26,
    FSwap = 27,
    FSim = 28,
    GeneralizedFSim = 29,
    RXX = 30,
    RYY = 31,
    RZZ = 32,
#pragma warning restore CS1591
    /// <summary>QIBO_OP_KIND_COUNT: capability masks cover kinds 0..127.</summary>
    KindCount = 128,
}
