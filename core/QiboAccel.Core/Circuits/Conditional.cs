namespace QiboAccel.Circuits;

/// <summary>OpenQASM's <c>if (creg == value) op</c>: <see cref="Body"/> runs only when the register reads <see cref="Value"/>.</summary>
public sealed class Conditional(ClassicalRegister register, long value, Operation body) : Operation
{
    /// <summary>The register compared.</summary>
    public ClassicalRegister Register { get; } = register;

    /// <summary>The value it must hold (bit 0 of the register is the least significant bit).</summary>
    public long Value { get; } = value;

    /// <summary>The operation applied when the condition holds.</summary>
    public Operation Body { get; } = body is Conditional ? throw new ArgumentException("nested if is not allowed") : body;

    /// <inheritdoc />
    public override IReadOnlyList<int> Qubits => Body.Qubits;

    /// <inheritdoc />
    public override string ToString() => $"if ({Register.Name}=={Value}) {Body}";
}
