using QiboAccel.CApi.Interop;
using QiboAccel.Circuits;

namespace QiboAccel.CApi.Model;

/// <summary>What a qiboaccel_circuit* stands for: the circuit, the parser's warnings and timing, and handed-out strings.</summary>
internal sealed class CircuitObject(Circuit circuit, IReadOnlyList<string> warnings, double parseSeconds) : IDisposable
{
    public Circuit Circuit { get; } = circuit;

    public IReadOnlyList<string> Warnings { get; } = warnings;

    public double ParseSeconds { get; } = parseSeconds;

    public NativeStrings Strings { get; } = new();

    public void Dispose() => Strings.Dispose();
}
