using QiboAccel.Gates;

namespace QiboAccel.CApi.Model;

/// <summary>
/// The header's qiboaccel_gate values and the names qiboaccel_gate_lookup accepts. The values are frozen by the
/// header; <see cref="ById"/> spells the mapping out instead of relying on <see cref="GateKind"/>'s order.
/// </summary>
internal static class GateNames
{
    /// <summary>qiboaccel_gate value → gate kind (index = the header's value).</summary>
    public static readonly GateKind[] ById =
    [
        GateKind.H, GateKind.X, GateKind.Y, GateKind.Z, GateKind.S, GateKind.SDG, GateKind.T, GateKind.TDG,
        GateKind.SX, GateKind.SXDG, GateKind.I,
        GateKind.RX, GateKind.RY, GateKind.RZ, GateKind.U1, GateKind.U2, GateKind.U3,
        GateKind.CNOT, GateKind.CY, GateKind.CZ, GateKind.CH, GateKind.CSX, GateKind.CRX, GateKind.CRY, GateKind.CRZ,
        GateKind.CU1, GateKind.CU2, GateKind.CU3,
        GateKind.SWAP, GateKind.iSWAP, GateKind.FSWAP, GateKind.fSim, GateKind.GeneralizedfSim,
        GateKind.RXX, GateKind.RYY, GateKind.RZZ,
        GateKind.TOFFOLI, GateKind.CCZ,
        GateKind.Unitary,
    ];

    private static readonly Dictionary<string, uint> ByName = Build();

    private static Dictionary<string, uint> Build()
    {
        var names = new Dictionary<string, uint>(StringComparer.OrdinalIgnoreCase);
        for (uint id = 0; id < ById.Length; id++) names.Add(GateDefinition.Of(ById[id]).Name, id);
        // OpenQASM qelib1 names that are exactly one qibo gate (the others are qibo's names already).
        (string Alias, GateKind Kind)[] aliases =
            [("cx", GateKind.CNOT), ("ccx", GateKind.TOFFOLI), ("id", GateKind.I), ("p", GateKind.U1), ("cp", GateKind.CU1), ("u", GateKind.U3)];
        foreach (var (alias, kind) in aliases) names.Add(alias, (uint)Array.IndexOf(ById, kind));
        return names;
    }

    /// <summary>The qiboaccel_gate value of <paramref name="name"/>, or null.</summary>
    public static uint? Find(string name) => ByName.TryGetValue(name, out uint id) ? id : null;

    /// <summary>Every accepted name, for messages.</summary>
    public static string Known => string.Join(", ", ByName.Keys.Order(StringComparer.OrdinalIgnoreCase));
}
