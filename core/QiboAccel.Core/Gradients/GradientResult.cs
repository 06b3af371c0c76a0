using QiboAccel.Parameters;

namespace QiboAccel.Gradients;

/// <summary>An expectation value and its gradient with respect to every parameter of a circuit.</summary>
public sealed class GradientResult
{
    /// <summary>⟨ψ(θ)|O|ψ(θ)⟩ at the given parameter values.</summary>
    public required double Value { get; init; }

    /// <summary>∂⟨O⟩/∂θᵢ, in the order of <see cref="Parameters"/>.</summary>
    public required double[] Gradient { get; init; }

    /// <summary>The circuit's parameters.</summary>
    public required IReadOnlyList<Parameter> Parameters { get; init; }

    /// <summary>The method used (never <see cref="GradientMethod.Auto"/>).</summary>
    public required GradientMethod Method { get; init; }

    /// <summary>
    /// Circuit executions spent, counting the adjoint method's backward pass as one: 2 for adjoint, 1 + the number of
    /// shifted evaluations for parameter shift.
    /// </summary>
    public required int CircuitPasses { get; init; }

    /// <summary>Wall time in seconds.</summary>
    public double Seconds { get; init; }
}
