using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>The header's names of the operation kinds, for error messages.</summary>
public static class OpNames
{
    /// <summary>"MATRIX", "H", "GENERALIZED_FSIM", ... or "kind 57" for an unknown value.</summary>
    public static string Of(QiboOpKind kind) => kind switch
    {
        QiboOpKind.Matrix => "MATRIX",
        QiboOpKind.Diagonal => "DIAGONAL",
        QiboOpKind.Measure => "MEASURE",
        QiboOpKind.I => "I",
        QiboOpKind.H => "H",
        QiboOpKind.X => "X",
        QiboOpKind.Y => "Y",
        QiboOpKind.Z => "Z",
        QiboOpKind.S => "S",
        QiboOpKind.Sdg => "SDG",
        QiboOpKind.T => "T",
        QiboOpKind.Tdg => "TDG",
        QiboOpKind.SX => "SX",
        QiboOpKind.SXdg => "SXDG",
        QiboOpKind.RX => "RX",
        QiboOpKind.RY => "RY",
        QiboOpKind.RZ => "RZ",
        QiboOpKind.U1 => "U1",
        QiboOpKind.U2 => "U2",
        QiboOpKind.U3 => "U3",
        QiboOpKind.Swap => "SWAP",
        QiboOpKind.ISwap => "ISWAP",
        QiboOpKind.FSwap => "FSWAP",
        QiboOpKind.FSim => "FSIM",
        QiboOpKind.GeneralizedFSim => "GENERALIZED_FSIM",
        QiboOpKind.RXX => "RXX",
        QiboOpKind.RYY => "RYY",
        QiboOpKind.RZZ => "RZZ",
        _ => $"kind {(uint)kind}",
    };

    /// <summary>True for the kinds of ABI 1.0 (MATRIX, DIAGONAL, MEASURE and the fixed unitaries).</summary>
    public static bool IsKnown(QiboOpKind kind) =>
        kind is QiboOpKind.Matrix or QiboOpKind.Diagonal or QiboOpKind.Measure || OpMatrices.IsFixed(kind);
}
