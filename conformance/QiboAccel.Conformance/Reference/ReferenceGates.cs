using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Gates;

namespace QiboAccel.Conformance.Reference;

/// <summary>
/// One gate of qibo's set as the reference knows it: how many controls it has of its own, how many targets, how many
/// parameters, and its matrix on the targets from the analytic definition.
/// </summary>
/// <param name="Kind">The gate.</param>
/// <param name="Controls">Controls that are part of the gate, listed first in qibo's constructor (CRY: 1, CCZ: 2).</param>
/// <param name="Targets">Targets, listed after the controls (0 for Unitary: as many as its matrix has).</param>
/// <param name="Parameters">Real parameters, in qibo's order.</param>
/// <param name="Matrix">The matrix on the targets from the parameters and, for Unitary and GeneralizedfSim, the user's matrix.</param>
public sealed record ReferenceGate(GateKind Kind, int Controls, int Targets, int Parameters, Func<double[], Complex[], Complex[,]> Matrix)
{
    /// <summary>Qubits a gate of this kind names in qibo's constructor (controls, then targets); 0 for Unitary.</summary>
    public int Arity => Targets == 0 ? 0 : Controls + Targets;

    /// <inheritdoc />
    public override string ToString() => Kind.ToString();
}

/// <summary>
/// The reference's own table of every gate kind. It is written from qibo's documented definitions (qibo 0.2.16,
/// <c>qibo.backends.npmatrices</c>) as Pauli algebra, exponentials of generators and phases, and counts each gate's
/// controls itself; it never reads the library's tables (<see cref="GateDefinition"/>, <see cref="OpMatrices"/>), so
/// a wrong entry there (CRY applying RX, CSX applying SXDG, CCZ with one control) disagrees with it.
/// </summary>
public static class ReferenceGates
{
    private static readonly Complex I = Complex.ImaginaryOne;

    private static readonly ReferenceGate[] Table = Build();

    /// <summary>Every gate kind, in <see cref="GateKind"/> order.</summary>
    public static IReadOnlyList<ReferenceGate> All => Table;

    /// <summary>The reference's entry for <paramref name="kind"/>.</summary>
    public static ReferenceGate Of(GateKind kind) => Table.Single(g => g.Kind == kind);

    /// <summary>
    /// The matrix the ABI operation <paramref name="kind"/> applies to its targets (the header's table): the
    /// uncontrolled gate of the same name. DIAGONAL and MATRIX take theirs from <paramref name="matrix"/>.
    /// </summary>
    public static Complex[,] OfOpKind(QiboOpKind kind, double[] parameters, Complex[] matrix)
    {
        if (kind == QiboOpKind.Diagonal)
        {
            var d = new Complex[matrix.Length, matrix.Length];
            for (int i = 0; i < matrix.Length; i++) d[i, i] = matrix[i];
            return d;
        }
        GateKind gate = kind switch
        {
            QiboOpKind.Matrix => GateKind.Unitary,
            QiboOpKind.I => GateKind.I, QiboOpKind.H => GateKind.H, QiboOpKind.X => GateKind.X, QiboOpKind.Y => GateKind.Y,
            QiboOpKind.Z => GateKind.Z, QiboOpKind.S => GateKind.S, QiboOpKind.Sdg => GateKind.SDG, QiboOpKind.T => GateKind.T,
            QiboOpKind.Tdg => GateKind.TDG, QiboOpKind.SX => GateKind.SX, QiboOpKind.SXdg => GateKind.SXDG,
            QiboOpKind.RX => GateKind.RX, QiboOpKind.RY => GateKind.RY, QiboOpKind.RZ => GateKind.RZ,
            QiboOpKind.U1 => GateKind.U1, QiboOpKind.U2 => GateKind.U2, QiboOpKind.U3 => GateKind.U3,
            QiboOpKind.Swap => GateKind.SWAP, QiboOpKind.ISwap => GateKind.iSWAP, QiboOpKind.FSwap => GateKind.FSWAP,
            QiboOpKind.FSim => GateKind.fSim, QiboOpKind.GeneralizedFSim => GateKind.GeneralizedfSim,
            QiboOpKind.RXX => GateKind.RXX, QiboOpKind.RYY => GateKind.RYY, QiboOpKind.RZZ => GateKind.RZZ,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no unitary of its own"),
        };
        return Of(gate).Matrix(parameters, matrix);
    }

    private static ReferenceGate[] Build()
    {
        var x = Analytic.PauliX;
        var y = Analytic.PauliY;
        var z = Analytic.PauliZ;
        // SX = sqrt(X): eigenvalue 1 on |+>, i on |->, i.e. (1+i)/2·1 + (1−i)/2·X; SXDG its inverse.
        var sx = Analytic.Add(Analytic.Scale((1 + I) / 2, Analytic.Id), Analytic.Scale((1 - I) / 2, x));
        var sxdg = Analytic.Add(Analytic.Scale((1 - I) / 2, Analytic.Id), Analytic.Scale((1 + I) / 2, x));
        ReferenceGate Fixed(GateKind kind, int controls, int targets, Complex[,] m) => new(kind, controls, targets, 0, (_, _) => m);
        ReferenceGate Param(GateKind kind, int controls, int targets, int n, Func<double[], Complex[,]> m) => new(kind, controls, targets, n, (p, _) => m(p));

        ReferenceGate[] table =
        [
            Fixed(GateKind.H, 0, 1, Analytic.Hadamard()),
            Fixed(GateKind.X, 0, 1, x),
            Fixed(GateKind.Y, 0, 1, y),
            Fixed(GateKind.Z, 0, 1, z),
            Fixed(GateKind.S, 0, 1, Analytic.Phase(Math.PI / 2)),
            Fixed(GateKind.SDG, 0, 1, Analytic.Phase(-Math.PI / 2)),
            Fixed(GateKind.T, 0, 1, Analytic.Phase(Math.PI / 4)),
            Fixed(GateKind.TDG, 0, 1, Analytic.Phase(-Math.PI / 4)),
            Fixed(GateKind.SX, 0, 1, sx),
            Fixed(GateKind.SXDG, 0, 1, sxdg),
            Fixed(GateKind.I, 0, 1, Analytic.Id),
            Param(GateKind.RX, 0, 1, 1, p => Analytic.Rotation(x, p[0])),
            Param(GateKind.RY, 0, 1, 1, p => Analytic.Rotation(y, p[0])),
            Param(GateKind.RZ, 0, 1, 1, p => Analytic.Rotation(z, p[0])),
            Param(GateKind.U1, 0, 1, 1, p => Analytic.Phase(p[0])),
            // qibo: U2(φ, λ) = U3(π/2, φ, λ); U3(θ, φ, λ) = RZ(φ)·RY(θ)·RZ(λ) (OpenQASM's u3 is this times e^{i(φ+λ)/2}).
            Param(GateKind.U2, 0, 1, 2, p => Analytic.U3(Math.PI / 2, p[0], p[1])),
            Param(GateKind.U3, 0, 1, 3, p => Analytic.U3(p[0], p[1], p[2])),
            Fixed(GateKind.CNOT, 1, 1, x),
            Fixed(GateKind.CY, 1, 1, y),
            Fixed(GateKind.CZ, 1, 1, z),
            Fixed(GateKind.CH, 1, 1, Analytic.Hadamard()),
            Fixed(GateKind.CSX, 1, 1, sx),
            Param(GateKind.CRX, 1, 1, 1, p => Analytic.Rotation(x, p[0])),
            Param(GateKind.CRY, 1, 1, 1, p => Analytic.Rotation(y, p[0])),
            Param(GateKind.CRZ, 1, 1, 1, p => Analytic.Rotation(z, p[0])),
            Param(GateKind.CU1, 1, 1, 1, p => Analytic.Phase(p[0])),
            Param(GateKind.CU2, 1, 1, 2, p => Analytic.U3(Math.PI / 2, p[0], p[1])),
            Param(GateKind.CU3, 1, 1, 3, p => Analytic.U3(p[0], p[1], p[2])),
            Fixed(GateKind.SWAP, 0, 2, SwapLike(1)),
            Fixed(GateKind.iSWAP, 0, 2, SwapLike(I)),
            // FSWAP: SWAP followed by CZ, so |11> picks up −1.
            Fixed(GateKind.FSWAP, 0, 2, Analytic.Mul(SwapLike(1), Analytic.Controlled(z, 1))),
            Param(GateKind.fSim, 0, 2, 2, p => Analytic.FSim(p[0], p[1])),
            new(GateKind.GeneralizedfSim, 0, 2, 1, (p, block) => GeneralizedFSim(block, p[0])),
            Param(GateKind.RXX, 0, 2, 1, p => Analytic.Rotation(Analytic.Kron(x, x), p[0])),
            Param(GateKind.RYY, 0, 2, 1, p => Analytic.Rotation(Analytic.Kron(y, y), p[0])),
            Param(GateKind.RZZ, 0, 2, 1, p => Analytic.Rotation(Analytic.Kron(z, z), p[0])),
            Fixed(GateKind.TOFFOLI, 2, 1, x),
            Fixed(GateKind.CCZ, 2, 1, z),
            new(GateKind.Unitary, 0, 0, 0, (_, m) => Analytic.Square(m)),
        ];
        var missing = Enum.GetValues<GateKind>().Except(table.Select(g => g.Kind)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"the reference has no entry for {string.Join(", ", missing)}");
        return table;
    }

    private static Complex[,] SwapLike(Complex offDiagonal) => new Complex[,]
    {
        { 1, 0, 0, 0 },
        { 0, 0, offDiagonal, 0 },
        { 0, offDiagonal, 0, 0 },
        { 0, 0, 0, 1 },
    };

    private static Complex[,] GeneralizedFSim(Complex[] block, double phi) => new Complex[,]
    {
        { 1, 0, 0, 0 },
        { 0, block[0], block[1], 0 },
        { 0, block[2], block[3], 0 },
        { 0, 0, 0, Complex.Exp(-I * phi) },
    };
}
