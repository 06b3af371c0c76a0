namespace QiboAccel.Circuits;

/// <summary>Resets <see cref="Qubit"/> to |0⟩: a measurement whose outcome is discarded, then X if it was 1.</summary>
public sealed class Reset(int qubit) : Operation
{
    /// <summary>The qubit reset to |0⟩.</summary>
    public int Qubit { get; } = qubit >= 0 ? qubit : throw new ArgumentException($"reset: qubit {qubit} is negative");

    /// <inheritdoc />
    public override IReadOnlyList<int> Qubits => [Qubit];

    /// <inheritdoc />
    public override string ToString() => $"reset {Qubit}";
}
