namespace QiboAccel.Circuits;

/// <summary>Measures <see cref="Qubit"/> in the computational basis and stores the outcome in classical bit <see cref="Cbit"/>.</summary>
/// <param name="qubit">The measured qubit.</param>
/// <param name="cbit">The classical bit (index over all classical registers) that receives the outcome.</param>
public sealed class Measurement(int qubit, int cbit) : Operation
{
    /// <summary>The measured qubit.</summary>
    public int Qubit { get; } = qubit >= 0 ? qubit : throw new ArgumentException($"measure: qubit {qubit} is negative");

    /// <summary>The classical bit receiving the outcome.</summary>
    public int Cbit { get; } = cbit >= 0 ? cbit : throw new ArgumentException($"measure: classical bit {cbit} is negative");

    /// <inheritdoc />
    public override IReadOnlyList<int> Qubits => [Qubit];

    /// <inheritdoc />
    public override string ToString() => $"M {Qubit} -> c{Cbit}";
}
