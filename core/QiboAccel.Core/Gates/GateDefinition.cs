using QiboAccel.Abi;

namespace QiboAccel.Gates;

/// <summary>
/// What a <see cref="GateKind"/> is made of: the ABI operation it applies to its targets, how many
/// targets, how many built-in controls (listed before the targets, as in qibo's constructors), how many parameters.
/// </summary>
/// <param name="Kind">The gate.</param>
/// <param name="Name">qibo's name, used in messages.</param>
/// <param name="Op">The ABI operation applied to the targets.</param>
/// <param name="Targets">Target count (0: any, for Unitary).</param>
/// <param name="BuiltInControls">Controls that are part of the gate (CNOT: 1, TOFFOLI: 2).</param>
/// <param name="Parameters">Number of real parameters.</param>
public sealed record GateDefinition(GateKind Kind, string Name, QiboOpKind Op, int Targets, int BuiltInControls, int Parameters)
{
    private static readonly GateDefinition[] Table = Build();

    /// <summary>The definition of <paramref name="kind"/>.</summary>
    public static GateDefinition Of(GateKind kind) => Table[(int)kind];

    /// <summary>Every definition, in <see cref="GateKind"/> order.</summary>
    public static IReadOnlyList<GateDefinition> All => Table;

    private static GateDefinition[] Build()
    {
        GateDefinition[] defs =
        [
            new(GateKind.H, "H", QiboOpKind.H, 1, 0, 0),
            new(GateKind.X, "X", QiboOpKind.X, 1, 0, 0),
            new(GateKind.Y, "Y", QiboOpKind.Y, 1, 0, 0),
            new(GateKind.Z, "Z", QiboOpKind.Z, 1, 0, 0),
            new(GateKind.S, "S", QiboOpKind.S, 1, 0, 0),
            new(GateKind.SDG, "SDG", QiboOpKind.Sdg, 1, 0, 0),
            new(GateKind.T, "T", QiboOpKind.T, 1, 0, 0),
            new(GateKind.TDG, "TDG", QiboOpKind.Tdg, 1, 0, 0),
            new(GateKind.SX, "SX", QiboOpKind.SX, 1, 0, 0),
            new(GateKind.SXDG, "SXDG", QiboOpKind.SXdg, 1, 0, 0),
            new(GateKind.I, "I", QiboOpKind.I, 1, 0, 0),
            new(GateKind.RX, "RX", QiboOpKind.RX, 1, 0, 1),
            new(GateKind.RY, "RY", QiboOpKind.RY, 1, 0, 1),
            new(GateKind.RZ, "RZ", QiboOpKind.RZ, 1, 0, 1),
            new(GateKind.U1, "U1", QiboOpKind.U1, 1, 0, 1),
            new(GateKind.U2, "U2", QiboOpKind.U2, 1, 0, 2),
            new(GateKind.U3, "U3", QiboOpKind.U3, 1, 0, 3),
            new(GateKind.CNOT, "CNOT", QiboOpKind.X, 1, 1, 0),
            new(GateKind.CY, "CY", QiboOpKind.Y, 1, 1, 0),
            new(GateKind.CZ, "CZ", QiboOpKind.Z, 1, 1, 0),
            new(GateKind.CH, "CH", QiboOpKind.H, 1, 1, 0),
            new(GateKind.CSX, "CSX", QiboOpKind.SX, 1, 1, 0),
            new(GateKind.CRX, "CRX", QiboOpKind.RX, 1, 1, 1),
            new(GateKind.CRY, "CRY", QiboOpKind.RY, 1, 1, 1),
            new(GateKind.CRZ, "CRZ", QiboOpKind.RZ, 1, 1, 1),
            new(GateKind.CU1, "CU1", QiboOpKind.U1, 1, 1, 1),
            new(GateKind.CU2, "CU2", QiboOpKind.U2, 1, 1, 2),
            new(GateKind.CU3, "CU3", QiboOpKind.U3, 1, 1, 3),
            new(GateKind.SWAP, "SWAP", QiboOpKind.Swap, 2, 0, 0),
            new(GateKind.iSWAP, "iSWAP", QiboOpKind.ISwap, 2, 0, 0),
            new(GateKind.FSWAP, "FSWAP", QiboOpKind.FSwap, 2, 0, 0),
            new(GateKind.fSim, "fSim", QiboOpKind.FSim, 2, 0, 2),
            new(GateKind.GeneralizedfSim, "GeneralizedfSim", QiboOpKind.GeneralizedFSim, 2, 0, 1),
            new(GateKind.RXX, "RXX", QiboOpKind.RXX, 2, 0, 1),
            new(GateKind.RYY, "RYY", QiboOpKind.RYY, 2, 0, 1),
            new(GateKind.RZZ, "RZZ", QiboOpKind.RZZ, 2, 0, 1),
            new(GateKind.TOFFOLI, "TOFFOLI", QiboOpKind.X, 1, 2, 0),
            new(GateKind.CCZ, "CCZ", QiboOpKind.Z, 1, 2, 0),
            new(GateKind.Unitary, "Unitary", QiboOpKind.Matrix, 0, 0, 0),
        ];
        for (int k = 0; k < defs.Length; k++)
        {
            if ((int)defs[k].Kind != k) throw new InvalidOperationException($"gate table out of order at {defs[k].Kind}");
        }
        return defs;
    }
}
