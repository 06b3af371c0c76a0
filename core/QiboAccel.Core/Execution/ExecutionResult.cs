using System.Numerics;

namespace QiboAccel.Execution;

/// <summary>What running a circuit produced.</summary>
public sealed class ExecutionResult
{
    /// <summary>Name of the backend that ran the circuit.</summary>
    public required string Backend { get; init; }

    /// <summary>Number of qubits.</summary>
    public required int NQubits { get; init; }

    /// <summary>Precision of the state.</summary>
    public required Precision Precision { get; init; }

    /// <summary>Number of shots sampled (0: none).</summary>
    public required int Shots { get; init; }

    /// <summary>The seed of the host random numbers, so the run can be repeated exactly.</summary>
    public required ulong Seed { get; init; }

    /// <summary>
    /// The final state (index order, qubit 0 most significant), or null when not requested or when a density matrix
    /// was simulated (see <see cref="DensityMatrix"/>). With measurements in the middle of the circuit, reset, <c>if</c>
    /// or noise channels sampled as trajectories, it is the state of the last shot (with shot branching: of the branch
    /// holding the highest shot index). Final measurements are sampled, not applied: the state is the one before them.
    /// </summary>
    public Complex[]? State { get; init; }

    /// <summary>The qubits whose outcomes make up the keys of <see cref="Frequencies"/>, in key order.</summary>
    public required IReadOnlyList<int> SampledQubits { get; init; }

    /// <summary>Counts per outcome: a bitstring over <see cref="SampledQubits"/> (lowest qubit first) → count.</summary>
    public required IReadOnlyDictionary<string, int> Frequencies { get; init; }

    /// <summary>Counts per classical register: register name → (bitstring, bit 0 first → count).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> RegisterFrequencies { get; init; }

    /// <summary>Seconds spent applying operations on the backend.</summary>
    public double SimulationSeconds { get; init; }

    /// <summary>Seconds spent sampling and counting shots.</summary>
    public double SamplingSeconds { get; init; }

    /// <summary>True when the circuit was simulated as a density matrix.</summary>
    public bool IsDensityMatrix { get; init; }

    /// <summary>
    /// With a density matrix (and the state requested): ρ as 4^n entries, row-major — ρ[i, j] is at index
    /// (i &lt;&lt; n) | j (qubit 0 the most significant bit of i and j). Null otherwise.
    /// </summary>
    public Complex[]? DensityMatrix { get; init; }

    /// <summary>With a density matrix: its diagonal ρ[i, i], the probability of each basis state. Null otherwise.</summary>
    public double[]? DiagonalProbabilities { get; init; }

    /// <summary>With a density matrix: the purity Tr ρ² (1 for a pure state, 1/2^n for the maximally mixed one). Null otherwise.</summary>
    public double? Purity { get; init; }

    /// <summary>
    /// The probability of each basis state: |amplitude|² of <see cref="State"/>, or the diagonal of the density
    /// matrix; null when neither is available.
    /// </summary>
    public double[]? Probabilities()
        => IsDensityMatrix ? DiagonalProbabilities
            : State is null ? null : Array.ConvertAll(State, a => a.Real * a.Real + a.Imaginary * a.Imaginary);

    /// <summary>
    /// The exact expectation value of <paramref name="observable"/> in the final state: ⟨ψ|O|ψ⟩ from the state
    /// vector, or Tr(Oρ) from the density matrix. Needs the state (run with returnState: true).
    /// </summary>
    public double Expectation(Observables.Observable observable)
    {
        ArgumentNullException.ThrowIfNull(observable);
        if (IsDensityMatrix)
        {
            return DensityMatrix is null
                ? throw new InvalidOperationException("the expectation value needs the density matrix: execute with returnState: true")
                : observable.ExpectationFromDensityMatrix(DensityMatrix, NQubits);
        }
        return State is null
            ? throw new InvalidOperationException("the expectation value needs the final state: execute with returnState: true")
            : observable.Expectation(State, NQubits);
    }
}
