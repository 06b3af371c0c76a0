namespace QiboAccel.Circuits;

/// <summary>One step of a <see cref="Circuit"/>: a gate, a measurement, a reset or a classically controlled operation.</summary>
public abstract class Operation
{
    private protected Operation() { }

    /// <summary>Every qubit the operation touches.</summary>
    public abstract IReadOnlyList<int> Qubits { get; }
}
