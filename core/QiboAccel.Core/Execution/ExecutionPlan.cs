using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Noise;

namespace QiboAccel.Execution;

/// <summary>
/// A circuit lowered once for one backend. Gates and measurements are grouped into batches that cross the ABI
/// in one call each; the host steps in only where classical information decides what happens next
/// (reset, <c>if</c>), so a circuit of any shape runs on a backend that knows nothing but records.
/// </summary>
internal sealed class ExecutionPlan
{
    private ExecutionPlan(List<Step> steps, bool isTerminal, int[] measuredQubits, (int Qubit, int Cbit)[] terminalMeasurements)
    {
        Steps = steps;
        IsTerminal = isTerminal;
        MeasuredQubits = measuredQubits;
        TerminalMeasurements = terminalMeasurements;
    }

    /// <summary>Steps of the plan, in order.</summary>
    public IReadOnlyList<Step> Steps { get; }

    /// <summary>
    /// True when every measurement is final (nothing acts on a measured qubit afterwards) and there is no reset
    /// or <c>if</c>: the gates then run once and shots are sampled from the final state.
    /// </summary>
    public bool IsTerminal { get; }

    /// <summary>Distinct measured qubits, ascending.</summary>
    public int[] MeasuredQubits { get; }

    /// <summary>For a terminal plan: the measurements (qubit → classical bit), to be sampled instead of applied.</summary>
    public (int Qubit, int Cbit)[] TerminalMeasurements { get; }

    /// <summary>A batch of records; <see cref="Slots"/> maps the i-th MEASURE record's outcome to (qubit, cbit).</summary>
    internal sealed record BatchStep(OpBatch Batch, (int Qubit, int Cbit)[] Slots) : Step;

    /// <summary>Measure <see cref="Qubit"/> (outcome discarded) and flip it back to 0 when it read 1.</summary>
    internal sealed record ResetStep(int Qubit, OpBatch Measure, OpBatch Flip) : Step;

    /// <summary>Run <see cref="Body"/> when the register holds <see cref="Value"/>.</summary>
    internal sealed record ConditionalStep(ClassicalRegister Register, long Value, Step Body) : Step;

    /// <summary>
    /// A noise channel sampled as a quantum trajectory: one host random number picks a Kraus operator.
    /// <see cref="Fixed"/> holds the prepared batches when the probabilities do not depend on the state.
    /// </summary>
    internal sealed record TrajectoryStep(Channel Channel, int Source, OpBatch[]? Fixed, double[]? FixedProbabilities) : Step;

    /// <summary>One step of a plan.</summary>
    internal abstract record Step;

    /// <summary>Lowers <paramref name="circuit"/> for the backend described by <paramref name="info"/>.</summary>
    public static ExecutionPlan Create(Circuit circuit, BackendInfo info)
    {
        bool terminal = IsTerminalShape(circuit);
        var steps = new List<Step>();
        var measured = new SortedSet<int>();
        var terminalMeasurements = new List<(int, int)>();
        OpBatch? batch = null;
        List<(int, int)> slots = [];

        void Flush()
        {
            if (batch is { Count: > 0 }) steps.Add(new BatchStep(batch, [.. slots]));
            batch = null;
            slots = [];
        }

        var ops = circuit.Operations;
        for (int index = 0; index < ops.Count; index++)
        {
            Operation op = ops[index];
            switch (op)
            {
                case Gate gate:
                    batch ??= new OpBatch(circuit.NQubits);
                    Lowering.AddGate(batch, gate, info, index);
                    break;
                case Measurement m:
                    measured.Add(m.Qubit);
                    if (terminal)
                    {
                        terminalMeasurements.Add((m.Qubit, m.Cbit));
                    }
                    else
                    {
                        batch ??= new OpBatch(circuit.NQubits);
                        batch.Add(QiboOpKind.Measure, [m.Qubit], [], cbit: slots.Count, source: index);
                        slots.Add((m.Qubit, m.Cbit));
                    }
                    break;
                case Reset r:
                    Flush();
                    steps.Add(LowerReset(circuit, r.Qubit, info, index));
                    break;
                case Conditional c:
                    Flush();
                    steps.Add(new ConditionalStep(c.Register, c.Value, LowerBody(circuit, c.Body, info, index, measured)));
                    break;
                case Channel ch:
                    Flush();
                    steps.Add(LowerTrajectory(circuit, ch, info, index));
                    break;
                default:
                    throw new NotSupportedException($"operation #{index}: {op.GetType().Name} cannot be executed");
            }
        }
        Flush();
        return new ExecutionPlan(steps, terminal, [.. measured], [.. terminalMeasurements]);
    }

    private static Step LowerBody(Circuit circuit, Operation body, BackendInfo info, int index, SortedSet<int> measured)
    {
        var batch = new OpBatch(circuit.NQubits);
        switch (body)
        {
            case Gate g:
                Lowering.AddGate(batch, g, info, index);
                return new BatchStep(batch, []);
            case Measurement m:
                measured.Add(m.Qubit);
                batch.Add(QiboOpKind.Measure, [m.Qubit], [], cbit: 0, source: index);
                return new BatchStep(batch, [(m.Qubit, m.Cbit)]);
            case Reset r:
                return LowerReset(circuit, r.Qubit, info, index);
            default:
                throw new NotSupportedException($"operation #{index}: if cannot guard {body.GetType().Name}");
        }
    }

    private static TrajectoryStep LowerTrajectory(Circuit circuit, Channel channel, BackendInfo info, int index)
    {
        if (!channel.SupportsTrajectories)
        {
            throw new BackendException(QiboErrorCode.Unsupported,
                $"operation #{index} ({channel}): this Kraus channel cannot be sampled on a state vector (some K†K is not diagonal); run with a density matrix (--density-matrix)");
        }
        CheckMatrixSize(info, channel.Targets.Count, channel.ToString());
        if (!channel.HasConstantProbabilities) return new TrajectoryStep(channel, index, null, null);
        int count = channel.KrausOperators.Count;
        var batches = new OpBatch[count];
        var probabilities = new double[count];
        for (int i = 0; i < count; i++)
        {
            double p = channel.KrausDiagonals![i][0];
            probabilities[i] = p;
            batches[i] = TrajectoryBatch(circuit.NQubits, channel, i, p, index);
        }
        return new TrajectoryStep(channel, index, batches, probabilities);
    }

    /// <summary>A batch applying Kraus operator <paramref name="i"/> of <paramref name="channel"/> divided by √p.</summary>
    internal static OpBatch TrajectoryBatch(int nQubits, Channel channel, int i, double p, int source)
    {
        var batch = new OpBatch(nQubits);
        double scale = p > 0 ? 1 / Math.Sqrt(p) : 0;
        Complex[] k = Array.ConvertAll(channel.KrausOperators[i], z => z * scale);
        if (IsIdentity(k)) return batch; // the "nothing happened" branch: no pass over the state
        batch.Add(QiboOpKind.Matrix, [.. channel.Targets], [], matrix: k, source: source);
        return batch;
    }

    private static bool IsIdentity(Complex[] m)
    {
        int d = (int)Math.Round(Math.Sqrt(m.Length));
        for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++)
        {
            if ((m[r * d + c] - (r == c ? Complex.One : Complex.Zero)).Magnitude > 1e-14) return false;
        }
        return true;
    }

    internal static void CheckMatrixSize(BackendInfo info, int targets, string what)
    {
        if (info.MaxMatrixTargets > 0 && targets > info.MaxMatrixTargets)
        {
            throw new BackendException(QiboErrorCode.Unsupported,
                $"{what}: needs a matrix on {targets} qubits; backend '{info.Name}' applies matrices on at most {info.MaxMatrixTargets} qubits");
        }
    }

    private static ResetStep LowerReset(Circuit circuit, int qubit, BackendInfo info, int index)
    {
        var measure = new OpBatch(circuit.NQubits);
        measure.Add(QiboOpKind.Measure, [qubit], [], cbit: 0, source: index);
        var flip = new OpBatch(circuit.NQubits);
        Lowering.AddX(flip, qubit, info, index);
        return new ResetStep(qubit, measure, flip);
    }

    private static bool IsTerminalShape(Circuit circuit)
    {
        var measured = new HashSet<int>();
        foreach (Operation op in circuit.Operations)
        {
            switch (op)
            {
                case Reset or Conditional or Channel:
                    return false;
                case Measurement m:
                    measured.Add(m.Qubit);
                    break;
                case Gate g when g.Qubits.Any(measured.Contains):
                    return false;
            }
        }
        return true;
    }
}
