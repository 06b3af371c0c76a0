using System.Numerics;
using QiboAccel.Execution;

namespace QiboAccel;

/// <summary>A state vector held by a backend (host or device memory). Calls on one state are serialised.</summary>
public interface IQuantumState : IDisposable
{
    /// <summary>Number of qubits.</summary>
    int NQubits { get; }

    /// <summary>Precision of the amplitudes.</summary>
    Precision Precision { get; }

    /// <summary>Sets the state to |0…0⟩.</summary>
    void Reset();

    /// <summary>
    /// Applies a lowered batch. MEASURE records consume <paramref name="randoms"/> in order and write
    /// their outcomes into <paramref name="cbits"/>.
    /// </summary>
    void Apply(OpBatch batch, ReadOnlySpan<double> randoms = default, Span<byte> cbits = default);

    /// <summary>Copies amplitudes [offset, offset + destination.Length) out of the state.</summary>
    void GetAmplitudes(long offset, Span<Complex> destination);

    /// <summary>Overwrites amplitudes [offset, offset + source.Length).</summary>
    void SetAmplitudes(long offset, ReadOnlySpan<Complex> source);

    /// <summary>Marginal probabilities of <paramref name="qubits"/> (first listed = most significant bit of the index).</summary>
    double[] Probabilities(ReadOnlySpan<int> qubits);

    /// <summary>Samples <paramref name="qubits"/> once per random number, by the ABI's reproducible rule.</summary>
    void Sample(ReadOnlySpan<int> qubits, ReadOnlySpan<double> randoms, Span<ulong> outcomes);
}
