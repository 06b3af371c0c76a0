using System.Diagnostics;
using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Observables;

namespace QiboAccel.Execution;

/// <summary>
/// Parameter sweeps: one parametrised circuit run over many parameter sets. The circuit is lowered once; each set
/// only rewrites the records of the gates that depend on parameters, and one state is reused.
/// </summary>
public static class Sweeps
{
    /// <summary>
    /// Runs <paramref name="circuit"/> once per parameter set (values in <see cref="Circuit.Parameters"/> order),
    /// returning per set the exact expectation value of <paramref name="observable"/> (if given; needs measurements only
    /// at the end) and <paramref name="shots"/> shots. Point k's shots equal those of
    /// <c>backend.Execute(circuit.Bind(sets[k]), shots, seed)</c>: every point uses the same seed.
    /// </summary>
    public static SweepResult Sweep(this IBackend backend, Circuit circuit, IReadOnlyList<IReadOnlyList<double>> parameterSets,
        Observable? observable = null, int shots = 0, ulong? seed = null, Precision precision = Precision.Double)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(parameterSets);
        if (shots < 0) throw new ArgumentOutOfRangeException(nameof(shots), shots, "shots must be 0 or more");
        if (observable is not null && observable.MaxQubit >= circuit.NQubits)
        {
            throw new ArgumentException($"observable '{observable.Text}' uses qubit {observable.MaxQubit}, but the circuit has {circuit.NQubits} qubit(s)");
        }
        var clock = Stopwatch.StartNew();
        ulong actualSeed = seed ?? HostRandom.NewSeed();
        var points = new List<SweepPoint>(parameterSets.Count);
        if (parameterSets.Count == 0)
        {
            return new SweepResult { Parameters = circuit.Parameters, Points = points, Seed = actualSeed, SampledQubits = [], Seconds = 0 };
        }
        BackendInfo info = backend.Info;
        Executor.CheckFits(info, circuit.NQubits, precision);
        Circuit first = circuit.Bind(parameterSets[0]);
        ExecutionPlan plan = ExecutionPlan.Create(first, info);
        if (observable is not null && !plan.IsTerminal)
        {
            throw new ArgumentException("expectation values in a sweep need a circuit whose measurements all come last (no reset, if or noise channel)");
        }
        List<(OpBatch Batch, int Record)> patches = SymbolicRecords(plan, circuit);
        var scratch = new OpBatch(circuit.NQubits);
        using IQuantumState state = backend.CreateState(circuit.NQubits, precision);
        IReadOnlyList<int> sampled = [];
        for (int k = 0; k < parameterSets.Count; k++)
        {
            IReadOnlyList<double> values = parameterSets[k];
            if (k > 0)
            {
                // Bind checks the count and finiteness of the values; only the symbolic gates' records change.
                Circuit bound = circuit.Bind(values);
                foreach (var (batch, record) in patches) Lowering.Relower(batch, record, BoundGate(bound, batch.SourceIndices[record]), info, scratch);
                state.Reset();
            }
            ExecutionResult run = Executor.Run(info, first, plan, state, shots, actualSeed, returnState: false, progress: null, initial: null,
                createState: () => backend.CreateState(circuit.NQubits, precision));
            sampled = run.SampledQubits;
            points.Add(new SweepPoint
            {
                Values = [.. values],
                Expectation = observable is null ? null : state.Expectation(observable),
                Frequencies = run.Frequencies,
                RegisterFrequencies = run.RegisterFrequencies,
            });
        }
        return new SweepResult { Parameters = circuit.Parameters, Points = points, Seed = actualSeed, SampledQubits = sampled, Seconds = clock.Elapsed.TotalSeconds };
    }

    private static Gate BoundGate(Circuit bound, int source) =>
        (Gate)(bound.Operations[source] is Conditional c ? c.Body : bound.Operations[source]);

    /// <summary>Every record of the plan lowered from a gate that depends on a parameter.</summary>
    private static List<(OpBatch, int)> SymbolicRecords(ExecutionPlan plan, Circuit circuit)
    {
        var found = new List<(OpBatch, int)>();
        void Visit(ExecutionPlan.Step step)
        {
            switch (step)
            {
                case ExecutionPlan.BatchStep b:
                    for (int r = 0; r < b.Batch.Count; r++)
                    {
                        int source = b.Batch.SourceIndices[r];
                        if (source < 0) continue;
                        Operation op = circuit.Operations[source] is Conditional c ? c.Body : circuit.Operations[source];
                        if (op is Gate { IsSymbolic: true }) found.Add((b.Batch, r));
                    }
                    break;
                case ExecutionPlan.ConditionalStep c:
                    Visit(c.Body);
                    break;
            }
        }
        foreach (ExecutionPlan.Step step in plan.Steps) Visit(step);
        return found;
    }
}
