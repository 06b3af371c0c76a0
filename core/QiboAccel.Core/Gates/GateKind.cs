namespace QiboAccel.Gates;

/// <summary>qibo's standard gate set. Controlled forms (CNOT, CU3, TOFFOLI...) are their base gate plus built-in controls.</summary>
public enum GateKind
{
#pragma warning disable CS1591 // qibo's gate names; GateDefinition documents each
    H, X, Y, Z, S, SDG, T, TDG, SX, SXDG, I,
    RX, RY, RZ, U1, U2, U3,
    CNOT, CY, CZ, CH, CSX, CRX, CRY, CRZ, CU1, CU2, CU3,
    SWAP, iSWAP, FSWAP, fSim, GeneralizedfSim, RXX, RYY, RZZ,
    TOFFOLI, CCZ,
    Unitary,
#pragma warning restore CS1591
}
