namespace QiboAccel.Execution;

/// <summary>
/// What a shot samples from its final state with one host random number: the qubits of the plan's final measurements
/// (ascending, as the terminal sampler has always ordered them) or, in a circuit without any measurement, every qubit.
/// </summary>
internal sealed class FinalSampling
{
    private readonly (int Qubit, int Cbit)[] _measurements;

    public FinalSampling(ExecutionPlan plan, int nQubits)
    {
        _measurements = plan.FinalMeasurements;
        Qubits = plan.MeasuredQubits.Length == 0
            ? [.. Enumerable.Range(0, nQubits)]
            : [.. plan.FinalMeasurements.Select(m => m.Qubit).Distinct().Order()];
    }

    /// <summary>The sampled qubits, the first the most significant bit of an outcome; empty when nothing is sampled.</summary>
    public int[] Qubits { get; }

    /// <summary>Writes an outcome over <see cref="Qubits"/> into the shot's per-qubit outcomes and classical bits.</summary>
    public void Assign(ulong outcome, int[] bitOfQubit, byte[] cbits)
    {
        for (int i = 0; i < Qubits.Length; i++) bitOfQubit[Qubits[i]] = (int)((outcome >> (Qubits.Length - 1 - i)) & 1);
        foreach (var (q, c) in _measurements) cbits[c] = (byte)bitOfQubit[q];
    }
}
