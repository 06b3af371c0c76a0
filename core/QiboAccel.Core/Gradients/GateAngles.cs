using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Parameters;

namespace QiboAccel.Gradients;

/// <summary>Where one parameter of <see cref="GateAngles.AsParameters"/> comes from.</summary>
/// <param name="Operation">Index of the gate among the circuit's operations.</param>
/// <param name="Gate">The gate's name.</param>
/// <param name="Index">Which of the gate's parameters (qibo's order: U3's theta, phi, lambda).</param>
/// <param name="Value">Its value in the circuit.</param>
public readonly record struct GateAngle(int Operation, string Gate, int Index, double Value);

/// <summary>
/// Differentiating a circuit written with numbers (an OpenQASM file without <c>input</c>s): every parameter of every
/// gate becomes a symbolic parameter of its own, so a gradient gives ∂⟨O⟩ with respect to each angle.
/// </summary>
public static class GateAngles
{
    /// <summary>
    /// A copy of <paramref name="circuit"/> (which must have no symbolic parameters) whose gate parameters are
    /// parameters <c>a0, a1, …</c> in circuit order, the angles they stand for, and their values.
    /// </summary>
    public static (Circuit Circuit, IReadOnlyList<GateAngle> Angles, double[] Values) AsParameters(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        if (circuit.IsParametrized) throw new ArgumentException("the circuit already has symbolic parameters: differentiate with respect to those");
        var angles = new List<GateAngle>();
        Circuit symbolic = circuit.Map((index, op) =>
        {
            if (op is not Gate { Parameters.Count: > 0 } gate) return op;
            var parameters = new Angle[gate.Parameters.Count];
            for (int k = 0; k < parameters.Length; k++)
            {
                parameters[k] = new Parameter($"a{angles.Count}");
                angles.Add(new GateAngle(index, gate.Name, k, gate.Parameters[k]));
            }
            return gate.WithAngles(parameters);
        });
        return (symbolic, angles, [.. angles.Select(a => a.Value)]);
    }
}
