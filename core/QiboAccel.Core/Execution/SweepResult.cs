using QiboAccel.Parameters;

namespace QiboAccel.Execution;

/// <summary>One parameter set of a sweep and what running the circuit with it gave.</summary>
public sealed class SweepPoint
{
    /// <summary>The parameter values, in <see cref="SweepResult.Parameters"/> order.</summary>
    public required double[] Values { get; init; }

    /// <summary>The exact expectation value of the sweep's observable, or null when none was given.</summary>
    public double? Expectation { get; init; }

    /// <summary>Shot counts per outcome (empty without shots), as in <see cref="ExecutionResult.Frequencies"/>.</summary>
    public required IReadOnlyDictionary<string, int> Frequencies { get; init; }

    /// <summary>Shot counts per classical register, as in <see cref="ExecutionResult.RegisterFrequencies"/>.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> RegisterFrequencies { get; init; }
}

/// <summary>What <see cref="Sweeps.Sweep"/> produced: one point per parameter set, in order.</summary>
public sealed class SweepResult
{
    /// <summary>The circuit's parameters.</summary>
    public required IReadOnlyList<Parameter> Parameters { get; init; }

    /// <summary>The points, in the order of the parameter sets.</summary>
    public required IReadOnlyList<SweepPoint> Points { get; init; }

    /// <summary>The seed every point's shots were drawn with (each point alone equals a run of the bound circuit with it).</summary>
    public required ulong Seed { get; init; }

    /// <summary>The qubits the frequency keys cover, in key order.</summary>
    public required IReadOnlyList<int> SampledQubits { get; init; }

    /// <summary>Wall time in seconds.</summary>
    public double Seconds { get; init; }
}
