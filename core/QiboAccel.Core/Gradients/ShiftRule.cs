using QiboAccel.Gates;

namespace QiboAccel.Gradients;

/// <summary>
/// A parameter-shift rule: dE/da = Σ Coefficients[μ]·E(a + Shifts[μ]), exact for an expectation value E that is a
/// trigonometric polynomial of the angle a with the frequencies the rule was made for.
/// </summary>
/// <param name="Shifts">The angle shifts.</param>
/// <param name="Coefficients">Their weights.</param>
public sealed record ShiftRule(double[] Shifts, double[] Coefficients)
{
    /// <summary>
    /// The rule for parameter <paramref name="parameter"/> of <paramref name="gate"/>. E(a) = ⟨ψ|U(a)†·O·U(a)|ψ⟩ has the
    /// pairwise differences of the frequencies in U's entries:
    /// <list type="bullet">
    /// <item>rotations by half angles (RX, RY, RZ, RXX, RYY, RZZ, every U2/U3 angle) without controls: entries ±1/2,
    /// so E has frequency 1 — the two-term rule with shifts ±π/2;</item>
    /// <item>the same with controls: the identity block adds frequency 0, so E has 1/2 and 1 — four terms;</item>
    /// <item>phases by whole angles (U1, fSim's φ, GeneralizedfSim's φ): entries 0 and 1, so E has 1 — two terms;</item>
    /// <item>fSim's θ: entries 0 and ±1 (cos θ, sin θ beside the fixed |00⟩), so E has 1 and 2 — four terms.</item>
    /// </list>
    /// The general rule for frequencies 1..R (Wierichs et al., Quantum 6, 677, 2022) gives the four-term cases.
    /// </summary>
    public static ShiftRule For(Gate gate, int parameter)
    {
        ArgumentNullException.ThrowIfNull(gate);
        bool controlled = gate.Controls.Count > 0;
        return (gate.Definition.Op, parameter) switch
        {
            (Abi.QiboOpKind.U1, _) or (Abi.QiboOpKind.FSim, 1) or (Abi.QiboOpKind.GeneralizedFSim, _) => General(1, 1),
            (Abi.QiboOpKind.FSim, 0) => General(2, 1),
            _ when gate.Parameters.Count > 0 => controlled ? General(2, 2) : General(1, 1),
            _ => throw new ArgumentException($"{gate.Name} has no parameters"),
        };
    }

    /// <summary>
    /// The rule for E(a) = f(a / <paramref name="scale"/>) with f of frequencies 1..<paramref name="r"/>:
    /// df/dx = Σ_{μ=1}^{2R} f(x_μ)·(−1)^{μ−1} / (4R·sin²(x_μ/2)), x_μ = (2μ−1)π/(2R).
    /// </summary>
    public static ShiftRule General(int r, double scale)
    {
        if (r < 1) throw new ArgumentOutOfRangeException(nameof(r), r, "at least one frequency");
        var shifts = new double[2 * r];
        var coefficients = new double[2 * r];
        for (int mu = 1; mu <= 2 * r; mu++)
        {
            double x = (2 * mu - 1) * Math.PI / (2 * r);
            double s = Math.Sin(x / 2);
            shifts[mu - 1] = scale * x;
            coefficients[mu - 1] = ((mu & 1) == 1 ? 1 : -1) / (4.0 * r * s * s) / scale;
        }
        return new ShiftRule(shifts, coefficients);
    }
}
