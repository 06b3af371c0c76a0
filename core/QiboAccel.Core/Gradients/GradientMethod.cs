namespace QiboAccel.Gradients;

/// <summary>How <see cref="Gradients.Gradient"/> differentiates.</summary>
public enum GradientMethod
{
    /// <summary>Adjoint differentiation for circuits of gates; parameter shift otherwise (noise, density matrices).</summary>
    Auto,

    /// <summary>One forward and one backward pass over the gates, whatever the number of parameters.</summary>
    Adjoint,

    /// <summary>Exact shift rules: two (or four) extra executions per parameter occurrence.</summary>
    ParameterShift,
}
