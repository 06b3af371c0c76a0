using QiboAccel.Circuits;

namespace QiboAccel.Qasm;

/// <summary>A declared <c>qreg</c> or <c>creg</c>.</summary>
/// <param name="Name">The register's name.</param>
/// <param name="IsQuantum">True for a qreg.</param>
/// <param name="Offset">Index of its element 0 among all qubits (qreg) or all classical bits (creg), in declaration order.</param>
/// <param name="Size">Number of qubits or bits.</param>
/// <param name="Line">Line of the declaration.</param>
/// <param name="Column">Column of the register's name in the declaration.</param>
internal sealed record QasmRegister(string Name, bool IsQuantum, int Offset, int Size, int Line, int Column)
{
    /// <summary>For a creg: the circuit register (its conditionals point at it).</summary>
    public ClassicalRegister? Classical { get; init; }

    /// <summary>"quantum" or "classical".</summary>
    public string KindName => IsQuantum ? "quantum" : "classical";

    /// <summary>"qubit(s)" or "bit(s)" for <paramref name="count"/>.</summary>
    public string Elements(int count) => (IsQuantum ? "qubit" : "bit") + (count == 1 ? "" : "s");
}

/// <summary>
/// One argument of a statement at the top level: a whole register (<see cref="Index"/> -1, broadcast) or one element.
/// </summary>
/// <param name="Register">The register named.</param>
/// <param name="Index">The element, or -1 for the whole register.</param>
/// <param name="Token">The register-name token (for messages).</param>
internal readonly record struct QasmArgument(QasmRegister Register, int Index, QasmToken Token)
{
    public bool IsWholeRegister => Index < 0;

    /// <summary>How the argument reads in QASM, e.g. <c>q[2]</c> or <c>q</c>.</summary>
    public override string ToString() => IsWholeRegister ? Register.Name : $"{Register.Name}[{Index}]";
}
