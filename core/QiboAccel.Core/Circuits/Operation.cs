namespace QiboAccel.Circuits;

/// <summary>One step of a <see cref="Circuit"/>: a gate, a measurement, a reset, a classically controlled operation or a noise channel (<see cref="Noise.Channel"/>).</summary>
public abstract class Operation
{
    private protected Operation() { }

    /// <summary>Every qubit the operation touches.</summary>
    public abstract IReadOnlyList<int> Qubits { get; }
}
