namespace QiboAccel.Conformance;

/// <summary>One conformance case: a name users can pass to <c>qiboaccel conformance --case</c>, and its check.</summary>
/// <param name="Name">Stable kebab-case name.</param>
/// <param name="Description">What the case proves, one line.</param>
/// <param name="Run">Throws <see cref="ConformanceFailure"/> (or any exception) when the backend does not conform.</param>
public sealed record ConformanceCase(string Name, string Description, Action<ConformanceContext> Run)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A conformance case found the backend at fault.</summary>
public sealed class ConformanceFailure(string message) : Exception(message);

/// <summary>The case does not apply to this backend (e.g. complex64 on a complex128-only backend).</summary>
public sealed class ConformanceNotApplicable(string reason) : Exception(reason);
