using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Noise;

namespace QiboAccel.Execution;

/// <summary>
/// A circuit lowered for density-matrix simulation by vectorisation: ρ on n qubits is a state vector on 2n qubits
/// whose index is (row &lt;&lt; n) | column — row qubits 0..n−1 first (most significant), column qubits n..2n−1.
/// A gate U on qubits Q becomes U on Q and conj(U) on Q + n (controls on both copies); a channel with Kraus
/// operators {Kᵢ} on k qubits becomes one MATRIX of Σ Kᵢ ⊗ conj(Kᵢ) on 2k qubits. So any backend that applies
/// (not necessarily unitary) matrices simulates density matrices, with no change to the ABI.
/// </summary>
/// <remarks>
/// When every measurement is final and there is no <c>if</c>, the plan is one batch and shots are sampled from the
/// diagonal. Otherwise it runs once per shot: a measurement reads the diagonal, draws the outcome with one host
/// random number (outcome 1 iff r ≥ P(0), the ABI's MEASURE rule) and projects ρ onto it (Π ρ Π / p, one diagonal
/// MATRIX on the qubit's row and column copies); <c>if</c> tests the classical register as on a state vector.
/// </remarks>
internal sealed class DensityMatrixPlan
{
    private DensityMatrixPlan(List<Step> steps, bool isTerminal, int[] measuredQubits, (int Qubit, int Cbit)[] terminalMeasurements)
    {
        Steps = steps;
        IsTerminal = isTerminal;
        MeasuredQubits = measuredQubits;
        TerminalMeasurements = terminalMeasurements;
    }

    /// <summary>The steps, in order (a terminal plan has at most one batch).</summary>
    public IReadOnlyList<Step> Steps { get; }

    /// <summary>True when measurements are all final and there is no <c>if</c>: one run, shots sampled from the diagonal.</summary>
    public bool IsTerminal { get; }

    /// <summary>Distinct measured qubits, ascending.</summary>
    public int[] MeasuredQubits { get; }

    /// <summary>For a terminal plan: the measurements (qubit → classical bit), sampled from the diagonal.</summary>
    public (int Qubit, int Cbit)[] TerminalMeasurements { get; }

    /// <summary>Records on the 2n-qubit vector.</summary>
    internal sealed record BatchStep(OpBatch Batch) : Step;

    /// <summary>A measurement of <see cref="Qubit"/> into <see cref="Cbit"/> with collapse.</summary>
    internal sealed record MeasureStep(int Qubit, int Cbit, int Source) : Step;

    /// <summary>Run <see cref="Body"/> when the register holds <see cref="Value"/>.</summary>
    internal sealed record ConditionalStep(ClassicalRegister Register, long Value, Step Body) : Step;

    /// <summary>One step.</summary>
    internal abstract record Step;

    /// <summary>Lowers <paramref name="circuit"/> for density-matrix simulation on the backend described by <paramref name="info"/>.</summary>
    public static DensityMatrixPlan Create(Circuit circuit, BackendInfo info)
    {
        int n = circuit.NQubits;
        bool terminal = IsTerminalShape(circuit);
        var steps = new List<Step>();
        var measured = new SortedSet<int>();
        var terminalMeasurements = new List<(int, int)>();
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
                case Measurement m:
                    measured.Add(m.Qubit);
                    if (terminal)
                    {
                        terminalMeasurements.Add((m.Qubit, m.Cbit));
                    }
                    else
                    {
                        Flush();
                        steps.Add(new MeasureStep(m.Qubit, m.Cbit, index));
                    }
                    break;
                case Conditional c:
                    Flush();
                    if (c.Body is Measurement cm) measured.Add(cm.Qubit);
                    steps.Add(new ConditionalStep(c.Register, c.Value, LowerBody(c.Body, n, info, index)));
                    break;
                default:
                    batch ??= new OpBatch(2 * n);
                    AddOperation(batch, op, n, info, index);
                    break;
            }
        }
        Flush();
        return new DensityMatrixPlan(steps, terminal, [.. measured], [.. terminalMeasurements]);
    }

    private static Step LowerBody(Operation body, int n, BackendInfo info, int index)
    {
        if (body is Measurement m) return new MeasureStep(m.Qubit, m.Cbit, index);
        var batch = new OpBatch(2 * n);
        AddOperation(batch, body, n, info, index);
        return new BatchStep(batch);
    }

    private static void AddOperation(OpBatch batch, Operation op, int n, BackendInfo info, int index)
    {
        switch (op)
        {
            case Gate gate:
                AddGate(batch, gate, n, info, index);
                break;
            case Channel channel:
                AddChannel(batch, channel, n, info, index);
                break;
            case Reset r:
                AddChannel(batch, Channel.ResetNoise(r.Qubit, 1, 0), n, info, index);
                break;
            default:
                throw new NotSupportedException($"operation #{index}: {op.GetType().Name} cannot be executed on a density matrix");
        }
    }

    /// <summary>Π_m ⊗ Π_m / p on the row and column copies of the measured qubit: the collapse onto outcome m.</summary>
    internal static OpBatch Projection(int n, int qubit, int outcome, double probability, int source)
    {
        var batch = new OpBatch(2 * n);
        var matrix = new Complex[16];
        int k = outcome * 2 + outcome;
        matrix[k * 4 + k] = probability > 0 ? 1 / probability : 0;
        batch.Add(QiboOpKind.Matrix, [qubit, qubit + n], [], matrix: matrix, source: source);
        return batch;
    }

    private static bool IsTerminalShape(Circuit circuit)
    {
        var measured = new HashSet<int>();
        foreach (Operation op in circuit.Operations)
        {
            switch (op)
            {
                case Conditional:
                    return false;
                case Measurement m:
                    measured.Add(m.Qubit);
                    break;
                default:
                    if (op.Qubits.Any(measured.Contains)) return false;
                    break;
            }
        }
        return true;
    }

    /// <summary>U on the row copies, conj(U) on the column copies.</summary>
    internal static void AddGate(OpBatch batch, Gate gate, int n, BackendInfo info, int source)
    {
        Lowering.AddGate(batch, gate, info, source);
        Complex[] m = gate.TargetMatrix();
        int[] controls = [.. gate.Controls.Select(c => c + n)];
        int[] targets = [.. gate.Targets.Select(t => t + n)];
        if (gate.Kind is not (GateKind.Unitary or GateKind.GeneralizedfSim) && m.All(z => z.Imaginary == 0))
        {
            // A real matrix is its own conjugate: the column copy is the same gate, native where the backend allows.
            int builtIn = gate.Definition.BuiltInControls;
            Gate shifted = Gate.Create(gate.Kind, [.. controls[..builtIn], .. targets], [.. gate.Parameters]);
            if (controls.Length > builtIn) shifted = shifted.Controlled(controls[builtIn..]);
            Lowering.AddGate(batch, shifted, info, source);
            return;
        }
        ExecutionPlan.CheckMatrixSize(info, targets.Length, gate.ToString());
        batch.Add(QiboOpKind.Matrix, targets, controls, matrix: Array.ConvertAll(m, Complex.Conjugate), source: source);
    }

    /// <summary>Σ Kᵢ ⊗ conj(Kᵢ) on the row copies then the column copies of the channel's qubits.</summary>
    internal static void AddChannel(OpBatch batch, Channel channel, int n, BackendInfo info, int source)
    {
        int[] targets = [.. channel.Targets, .. channel.Targets.Select(t => t + n)];
        ExecutionPlan.CheckMatrixSize(info, targets.Length, channel.ToString());
        batch.Add(QiboOpKind.Matrix, targets, [], matrix: channel.Superoperator(), source: source);
    }
}
