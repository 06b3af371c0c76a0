using System.Numerics;
using QiboAccel.Execution;
using QiboAccel.Observables;

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

    /// <summary>
    /// Overwrites <paramref name="destination"/> (same qubit count and precision) with this state's amplitudes. On the
    /// backend when it offers state_copy (ABI 1.1) and both states are its own; otherwise through host amplitudes.
    /// </summary>
    void CopyTo(IQuantumState destination) => StateFallbacks.Copy(this, destination);

    /// <summary>
    /// ⟨this|<paramref name="other"/>⟩ (same qubit count and precision), accumulated in double precision. On the backend
    /// when it offers state_inner_product (ABI 1.1); otherwise through host amplitudes.
    /// </summary>
    Complex InnerProduct(IQuantumState other) => StateFallbacks.InnerProduct(this, other);

    /// <summary>
    /// ⟨ψ|O|ψ⟩ of a real sum of Pauli strings, without copying the state out when the backend offers
    /// state_expectation (ABI 1.1); otherwise from the host amplitudes.
    /// </summary>
    double Expectation(Observable observable) => StateFallbacks.Expectation(this, observable);
}
