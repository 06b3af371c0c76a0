using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Gates;

namespace QiboAccel.Execution;

/// <summary>
/// Turns gates into ABI records a given backend understands: a kind the backend declares native crosses as
/// itself (parameters only); anything else crosses as its dense matrix (MATRIX), which every backend implements.
/// </summary>
public static class Lowering
{
    /// <summary>Appends <paramref name="gate"/> to <paramref name="batch"/> in the form <paramref name="info"/> accepts.</summary>
    public static void AddGate(OpBatch batch, Gate gate, BackendInfo info, int source = -1)
    {
        if (gate.IsSymbolic)
        {
            throw new ArgumentException($"{gate}: symbolic parameters have no values here (bind the circuit first)");
        }
        QiboOpKind op = gate.Definition.Op;
        ReadOnlySpan<int> targets = gate.TargetSpan, controls = gate.ControlSpan;
        if (op != QiboOpKind.Matrix && info.IsNative(op))
        {
            ReadOnlySpan<Complex> block = op == QiboOpKind.GeneralizedFSim ? gate.UserMatrix : default;
            batch.Add(op, targets, controls, gate.ParameterSpan, block, source: source);
            return;
        }
        if (info.MaxMatrixTargets > 0 && targets.Length > info.MaxMatrixTargets)
        {
            throw new BackendException(QiboErrorCode.Unsupported,
                $"{gate.Name} on {targets.Length} qubits: backend '{info.Name}' applies matrices on at most {info.MaxMatrixTargets} qubits");
        }
        if (op != QiboOpKind.Matrix && OpMatrices.IsDiagonal(op) && info.IsNative(QiboOpKind.Diagonal))
        {
            Complex[] m = gate.TargetMatrix();
            int dim = 1 << targets.Length;
            var diagonal = new Complex[dim];
            for (int i = 0; i < dim; i++) diagonal[i] = m[i * dim + i];
            batch.Add(QiboOpKind.Diagonal, targets, controls, matrix: diagonal, source: source);
            return;
        }
        batch.Add(QiboOpKind.Matrix, targets, controls, matrix: gate.TargetMatrix(), source: source);
    }

    /// <summary>
    /// Makes record <paramref name="record"/> of <paramref name="batch"/> the lowering of <paramref name="gate"/>, a
    /// gate of the same kind and qubits with other parameter values (one gate is always one record), keeping the
    /// record's source index; <paramref name="scratch"/> is a reusable batch of the same width.
    /// </summary>
    public static void Relower(OpBatch batch, int record, Gate gate, BackendInfo info, OpBatch scratch)
    {
        scratch.Clear();
        AddGate(scratch, gate, info, batch.SourceIndices[record]);
        batch.Overwrite(record, scratch, 0);
    }

    /// <summary>Appends X on <paramref name="qubit"/> (used by reset).</summary>
    public static void AddX(OpBatch batch, int qubit, BackendInfo info, int source = -1)
        => AddGate(batch, Gate.Create(GateKind.X, [qubit]), info, source);
}
