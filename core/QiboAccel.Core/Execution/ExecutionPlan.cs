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
    private ExecutionPlan(List<Step> steps, int[] measuredQubits, (int Qubit, int Cbit)[] finalMeasurements)
    {
        Steps = steps;
        IsTerminal = steps.All(s => s is BatchStep);
        MeasuredQubits = measuredQubits;
        FinalMeasurements = finalMeasurements;
    }

    /// <summary>Steps of the plan, in order.</summary>
    public IReadOnlyList<Step> Steps { get; }

    /// <summary>
    /// True when no step needs the host (no mid-circuit measurement, reset, <c>if</c> or noise channel): the gates
    /// then run once and every shot is sampled from the final state.
    /// </summary>
    public bool IsTerminal { get; }

    /// <summary>Distinct measured qubits, ascending.</summary>
    public int[] MeasuredQubits { get; }

    /// <summary>
    /// The final measurements (qubit → classical bit), in circuit order: those nothing acts on afterwards (no gate,
    /// reset or channel on the qubit, no <c>if</c> reading the bit, no other qubit's measurement overwriting it). They
    /// are not applied: each shot samples them together from its final state with one host random number.
    /// </summary>
    public (int Qubit, int Cbit)[] FinalMeasurements { get; }

    /// <summary>A batch of gate records (no MEASURE: measurements are <see cref="MeasureStep"/>s).</summary>
    internal sealed record BatchStep(OpBatch Batch) : Step;

    /// <summary>A mid-circuit measurement of <see cref="Qubit"/> into <see cref="Cbit"/>: <see cref="Measure"/> holds its one MEASURE record.</summary>
    internal sealed record MeasureStep(int Qubit, int Cbit, OpBatch Measure) : Step;

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
        bool[] isFinal = FinalMeasurementFlags(circuit);
        var steps = new List<Step>();
        var measured = new SortedSet<int>();
        var finalMeasurements = new List<(int, int)>();
        OpBatch? batch = null;

        void Flush()
        {
            if (batch is { Count: > 0 }) steps.Add(new BatchStep(batch));
            batch = null;
        }

        var ops = circuit.Operations;
        for (int index = 0; index < ops.Count; index++)
        {
            Operation op = ops[index];
            switch (op)
            {
                case Gate gate:
                    batch ??= new OpBatch(circuit.NQubits, Math.Min(ops.Count - index, 256)); // most circuits: one batch, no regrowth
                    Lowering.AddGate(batch, gate, info, index);
                    break;
                case Measurement m:
                    measured.Add(m.Qubit);
                    if (isFinal[index])
                    {
                        finalMeasurements.Add((m.Qubit, m.Cbit));
                    }
                    else
                    {
                        Flush();
                        steps.Add(LowerMeasure(circuit, m, index));
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
        return new ExecutionPlan(steps, [.. measured], [.. finalMeasurements]);
    }

    private static MeasureStep LowerMeasure(Circuit circuit, Measurement m, int index)
    {
        var batch = new OpBatch(circuit.NQubits);
        batch.Add(QiboOpKind.Measure, [m.Qubit], [], cbit: 0, source: index);
        return new MeasureStep(m.Qubit, m.Cbit, batch);
    }

    /// <summary>
    /// For each operation, whether it is a final measurement (see <see cref="FinalMeasurements"/>): found in one
    /// backward pass that remembers which qubits later operations act on, which bits later <c>if</c>s read and which
    /// qubit (or several) later measurements write each bit from.
    /// </summary>
    private static bool[] FinalMeasurementFlags(Circuit circuit)
    {
        var ops = circuit.Operations;
        var isFinal = new bool[ops.Count];
        // Most circuits run for their state or end in plain measurements: without a measurement there is nothing to find.
        if (!circuit.HasMeasurements) return isFinal;
        var touched = new HashSet<int>();
        var read = new HashSet<int>();
        var writer = new Dictionary<int, int>(); // cbit → the qubit later measurements write it from, -1 for several
        for (int index = ops.Count - 1; index >= 0; index--)
        {
            switch (ops[index])
            {
                case Measurement m:
                    isFinal[index] = !touched.Contains(m.Qubit) && !read.Contains(m.Cbit)
                        && (!writer.TryGetValue(m.Cbit, out int w) || w == m.Qubit);
                    writer[m.Cbit] = writer.TryGetValue(m.Cbit, out int before) && before != m.Qubit ? -1 : m.Qubit;
                    break;
                case Conditional c:
                    touched.UnionWith(c.Body.Qubits);
                    for (int i = 0; i < c.Register.Size; i++) read.Add(c.Register.Offset + i);
                    if (c.Body is Measurement cm) writer[cm.Cbit] = -1;
                    break;
                case Operation op:
                    touched.UnionWith(op.Qubits);
                    break;
            }
        }
        return isFinal;
    }

    private static Step LowerBody(Circuit circuit, Operation body, BackendInfo info, int index, SortedSet<int> measured)
    {
        var batch = new OpBatch(circuit.NQubits);
        switch (body)
        {
            case Gate g:
                Lowering.AddGate(batch, g, info, index);
                return new BatchStep(batch);
            case Measurement m:
                measured.Add(m.Qubit);
                return LowerMeasure(circuit, m, index);
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
}
