using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// Reads and validates the records of a qibo_circuit. Circuit-level problems throw (op index -1). Record-level
/// problems stop decoding: the valid prefix is returned together with the error for the failing record, so that
/// state_apply can apply the operations before it, as the header requires.
/// </summary>
public static unsafe class CircuitDecoder
{
    /// <summary>Largest DIAGONAL operation (2^26 entries, 1 GiB of matrix data).</summary>
    public const int MaxDiagonalTargets = 26;

    /// <summary>Validates <paramref name="args"/>' circuit against a state of <paramref name="stateQubits"/> qubits.</summary>
    public static List<DecodedOp> Decode(QiboStateApplyArgs* args, int stateQubits, int maxMatrixTargets, out BackendFault? error)
    {
        QiboCircuit* circuit = args->Circuit;
        if (circuit == null) throw BackendFault.Invalid("state_apply: circuit is NULL");
        if (circuit->StructSize < (nuint)sizeof(QiboCircuit))
            throw BackendFault.Invalid($"state_apply: circuit->struct_size {circuit->StructSize} is smaller than the ABI 1.0 size {sizeof(QiboCircuit)}");
        if (circuit->NQubits != (uint)stateQubits)
            throw BackendFault.Invalid($"state_apply: the circuit is for {circuit->NQubits} qubits but the state has {stateQubits}");
        if (circuit->OpSize < QiboOp.Size1_0)
            throw BackendFault.Invalid($"state_apply: circuit->op_size {circuit->OpSize} is smaller than {QiboOp.Size1_0}");
        if (circuit->NOps > 0 && circuit->Ops == null)
            throw BackendFault.Invalid($"state_apply: circuit->ops is NULL but n_ops is {circuit->NOps}");

        var ops = new List<DecodedOp>((int)Math.Min(circuit->NOps, 1 << 16));
        long measures = 0;
        error = null;
        for (ulong i = 0; i < circuit->NOps; i++)
        {
            var record = (QiboOp*)((byte*)circuit->Ops + i * circuit->OpSize);
            error = Validate(args, circuit, record, (long)i, stateQubits, maxMatrixTargets, measures, out DecodedOp op);
            if (error != null) break;
            ops.Add(op);
            if (op.Kind == QiboOpKind.Measure) measures++;
        }
        return ops;
    }

    private static string Where(long index, QiboOpKind kind) => $"op {index} ({OpNames.Of(kind)})";

    private static BackendFault? Validate(QiboStateApplyArgs* args, QiboCircuit* circuit, QiboOp* record, long index,
        int n, int maxMatrixTargets, long measures, out DecodedOp op)
    {
        op = default;
        QiboOpKind kind = record->Kind;
        if (!OpNames.IsKnown(kind))
            return BackendFault.Invalid($"op {index}: unknown operation kind {(uint)kind}", index);
        if (record->Flags != 0)
            return BackendFault.Invalid($"{Where(index, kind)}: unknown flag bits 0x{record->Flags:x} (ABI 1.0 defines none)", index);

        uint nTargets = record->NTargets, nControls = record->NControls;
        switch (kind)
        {
            case QiboOpKind.Matrix or QiboOpKind.Diagonal:
                if (nTargets == 0) return BackendFault.Invalid($"{Where(index, kind)}: needs at least one target", index);
                break;
            case QiboOpKind.Measure:
                if (nTargets != 1) return BackendFault.Invalid($"{Where(index, kind)}: takes 1 target, got {nTargets}", index);
                if (nControls != 0) return BackendFault.Invalid($"{Where(index, kind)}: cannot have controls, got {nControls}", index);
                break;
            default:
                int arity = OpMatrices.TargetCount(kind);
                if (nTargets != arity) return BackendFault.Invalid($"{Where(index, kind)}: takes {arity} target(s), got {nTargets}", index);
                break;
        }
        if ((ulong)nTargets + nControls > (ulong)n)
            return BackendFault.Invalid($"{Where(index, kind)}: {nTargets} targets and {nControls} controls do not fit in a {n}-qubit state", index);
        if (kind == QiboOpKind.Matrix && maxMatrixTargets > 0 && nTargets > maxMatrixTargets)
            return BackendFault.Unsupported($"{Where(index, kind)}: {nTargets} targets; this backend applies matrices on at most {maxMatrixTargets}", index);
        if (kind == QiboOpKind.Diagonal && nTargets > MaxDiagonalTargets)
            return BackendFault.Unsupported($"{Where(index, kind)}: {nTargets} targets; this backend applies diagonals on at most {MaxDiagonalTargets}", index);

        ulong offset = record->QubitsOffset, count = (ulong)nTargets + nControls;
        if (circuit->Qubits == null)
            return BackendFault.Invalid($"{Where(index, kind)}: circuit->qubits is NULL", index);
        if (offset + count > circuit->NQubitRefs)
            return BackendFault.Invalid($"{Where(index, kind)}: qubits [{offset}, {offset + count}) exceed circuit->n_qubit_refs = {circuit->NQubitRefs}", index);

        var targets = new int[nTargets];
        var controls = new int[nControls];
        ulong seen = 0;
        for (ulong j = 0; j < count; j++)
        {
            uint qubit = circuit->Qubits[offset + j];
            string role = j < nTargets ? "target" : "control";
            if (qubit >= (uint)n)
                return BackendFault.Invalid($"{Where(index, kind)}: {role} qubit {qubit} is out of range for a {n}-qubit state", index);
            if ((seen & (1UL << (int)qubit)) != 0)
                return BackendFault.Invalid($"{Where(index, kind)}: qubit {qubit} appears more than once", index);
            seen |= 1UL << (int)qubit;
            int bit = n - 1 - (int)qubit;
            if (j < nTargets) targets[j] = bit;
            else controls[j - nTargets] = bit;
        }

        double* matrix = null;
        ulong needed = kind switch
        {
            QiboOpKind.Matrix => 1UL << (int)(2 * nTargets),
            QiboOpKind.Diagonal => 1UL << (int)nTargets,
            QiboOpKind.GeneralizedFSim => 4,
            _ => 0,
        };
        if (needed > 0)
        {
            long matrixOffset = record->MatrixOffset;
            if (circuit->Matrices == null)
                return BackendFault.Invalid($"{Where(index, kind)}: circuit->matrices is NULL", index);
            if (matrixOffset < 0)
                return BackendFault.Invalid($"{Where(index, kind)}: matrix_offset {matrixOffset} is negative but the kind takes a matrix of {needed} values", index);
            if ((ulong)matrixOffset > circuit->NMatrixValues || needed > circuit->NMatrixValues - (ulong)matrixOffset)
                return BackendFault.Invalid($"{Where(index, kind)}: matrix_offset {matrixOffset} + {needed} values exceeds circuit->n_matrix_values = {circuit->NMatrixValues}", index);
            matrix = circuit->Matrices + 2 * matrixOffset;
        }

        int cbit = -1;
        if (kind == QiboOpKind.Measure)
        {
            if ((ulong)measures >= args->NRandoms || args->Randoms == null)
                return BackendFault.Invalid($"{Where(index, kind)}: needs random number #{measures} but only {args->NRandoms} were given", index);
            double r = args->Randoms[measures];
            if (!(r >= 0 && r < 1))
                return BackendFault.Invalid($"{Where(index, kind)}: random number #{measures} = {r} is not in [0, 1)", index);
            cbit = record->Cbit;
            if (cbit < -1)
                return BackendFault.Invalid($"{Where(index, kind)}: cbit {cbit} is invalid (-1 for none)", index);
            if (cbit >= 0 && args->Cbits == null)
                return BackendFault.Invalid($"{Where(index, kind)}: writes cbit {cbit} but cbits is NULL", index);
            if (cbit >= 0 && (ulong)cbit >= args->NCbits)
                return BackendFault.Invalid($"{Where(index, kind)}: cbit {cbit} is out of range (n_cbits = {args->NCbits})", index);
        }

        op = new DecodedOp
        {
            Index = index,
            Kind = kind,
            Targets = targets,
            Controls = controls,
            Matrix = matrix,
            Params = [record->Params[0], record->Params[1], record->Params[2], record->Params[3]],
            Cbit = cbit,
            RandomIndex = measures,
        };
        return null;
    }
}
