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
    /// The final state (index order, qubit 0 most significant), or null when not requested. With measurements
    /// in the middle of the circuit, it is the collapsed state of the last shot.
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

    /// <summary>|amplitude|² of <see cref="State"/>, or null when the state was not requested.</summary>
    public double[]? Probabilities() => State is null ? null : Array.ConvertAll(State, a => a.Real * a.Real + a.Imaginary * a.Imaginary);
}
