namespace QiboAccel.Circuits;

/// <summary>A named slice of the circuit's classical bits. Bit 0 of the register is its least significant bit when read as an integer (OpenQASM's `if (c==k)`).</summary>
/// <param name="Name">The register's name.</param>
/// <param name="Offset">Index of its bit 0 among all classical bits.</param>
/// <param name="Size">Number of bits.</param>
public sealed record ClassicalRegister(string Name, int Offset, int Size);
