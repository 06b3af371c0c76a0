using System.Numerics;
using QiboAccel.Abi;

namespace QiboAccel.Execution;

/// <summary>
/// Operations lowered to the ABI's flat form: 64-byte records, one shared array of qubit indices and one of
/// complex128 matrix entries. Built by <see cref="Lowering"/>; handed to a backend in one call.
/// </summary>
public sealed class OpBatch
{
    private readonly List<QiboOp> _ops;
    private readonly List<uint> _qubits;
    private readonly List<double> _matrices = [];
    private readonly List<int> _sources;

    /// <summary>Creates an empty batch for a state of <paramref name="nQubits"/> qubits.</summary>
    public OpBatch(int nQubits) : this(nQubits, 0)
    {
    }

    /// <summary>An empty batch with room for <paramref name="capacity"/> records (lowering a circuit of that many gates).</summary>
    internal OpBatch(int nQubits, int capacity)
    {
        NQubits = nQubits;
        _ops = new List<QiboOp>(capacity);
        _qubits = new List<uint>(2 * capacity);
        _sources = new List<int>(capacity);
    }

    /// <summary>Qubit count of the state the batch applies to.</summary>
    public int NQubits { get; }

    /// <summary>Number of records.</summary>
    public int Count => _ops.Count;

    /// <summary>Number of MEASURE records (each consumes one random number).</summary>
    public int MeasureCount { get; private set; }

    /// <summary>The records.</summary>
    public ReadOnlySpan<QiboOp> Ops => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ops);

    /// <summary>The qubit indices the records point into.</summary>
    public ReadOnlySpan<uint> Qubits => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_qubits);

    /// <summary>Interleaved complex128 matrix entries.</summary>
    public ReadOnlySpan<double> Matrices => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_matrices);

    /// <summary>For each record, the index of the circuit operation it came from (-1 if none).</summary>
    public IReadOnlyList<int> SourceIndices => _sources;

    /// <summary>
    /// Appends a record. Returns its index. <paramref name="flags"/> must be 0 in ABI 1.0 (backends refuse other
    /// bits); the conformance kit sets it to check that they do.
    /// </summary>
    public int Add(QiboOpKind kind, ReadOnlySpan<int> targets, ReadOnlySpan<int> controls,
        ReadOnlySpan<double> parameters = default, ReadOnlySpan<Complex> matrix = default, int cbit = -1, int source = -1, uint flags = 0)
    {
        if (parameters.Length > 4) throw new ArgumentException("at most 4 parameters fit in a record", nameof(parameters));
        var op = new QiboOp
        {
            Kind = kind,
            NTargets = (uint)targets.Length,
            NControls = (uint)controls.Length,
            QubitsOffset = (uint)_qubits.Count,
            MatrixOffset = matrix.IsEmpty ? -1 : _matrices.Count / 2,
            Cbit = cbit,
            Flags = flags,
        };
        for (int i = 0; i < parameters.Length; i++) op.Params[i] = parameters[i];
        foreach (int q in targets) _qubits.Add((uint)q);
        foreach (int q in controls) _qubits.Add((uint)q);
        foreach (Complex z in matrix)
        {
            _matrices.Add(z.Real);
            _matrices.Add(z.Imaginary);
        }
        if (kind == QiboOpKind.Measure) MeasureCount++;
        _ops.Add(op);
        _sources.Add(source);
        return _ops.Count - 1;
    }

    /// <summary>
    /// Overwrites the parameters and matrix entries of record <paramref name="index"/> with those of
    /// <paramref name="source"/>'s record <paramref name="sourceIndex"/>, which must have the same shape (kind, targets,
    /// controls): how a lowered circuit takes new parameter values without being lowered again.
    /// </summary>
    internal void Overwrite(int index, OpBatch source, int sourceIndex)
    {
        QiboOp from = source._ops[sourceIndex];
        QiboOp to = _ops[index];
        if (from.Kind != to.Kind || from.NTargets != to.NTargets || from.NControls != to.NControls || (from.MatrixOffset < 0) != (to.MatrixOffset < 0))
        {
            throw new InvalidOperationException($"record {index}: a {from.Kind} on {from.NTargets} target(s) cannot replace a {to.Kind} on {to.NTargets}");
        }
        for (int i = 0; i < 4; i++) to.Params[i] = from.Params[i];
        if (from.MatrixOffset >= 0)
        {
            int values = from.Kind switch
            {
                QiboOpKind.Matrix => 1 << (int)(2 * from.NTargets),
                QiboOpKind.Diagonal => 1 << (int)from.NTargets,
                _ => 4, // GENERALIZED_FSIM's block
            };
            for (int v = 0; v < 2 * values; v++) _matrices[(int)(2 * to.MatrixOffset) + v] = source._matrices[(int)(2 * from.MatrixOffset) + v];
        }
        _ops[index] = to;
    }

    /// <summary>Removes every record, keeping the allocated capacity.</summary>
    public void Clear()
    {
        _ops.Clear();
        _qubits.Clear();
        _matrices.Clear();
        _sources.Clear();
        MeasureCount = 0;
    }
}
