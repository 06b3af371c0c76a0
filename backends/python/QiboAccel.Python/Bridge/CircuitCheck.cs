using QiboAccel.Abi;

namespace QiboAccel.Python.Bridge;

/// <summary>
/// Validates a qibo_circuit before Python sees it. Circuit-level problems throw (op index -1, nothing applied).
/// A bad record stops the check: the records before it are handed to Python and the error names the record, so that
/// state_apply leaves the earlier operations applied, as the header requires. Kinds the Python backend did not
/// declare native are refused with UNSUPPORTED (the host lowers them to MATRIX).
/// </summary>
internal static unsafe class CircuitCheck
{
    /// <summary>
    /// Returns how many leading records are valid; <paramref name="error"/> describes the first invalid one (or is null
    /// when all are valid).
    /// </summary>
    public static ulong Validate(QiboStateApplyArgs* args, PythonState state, out BridgeException? error)
    {
        QiboCircuit* circuit = args->Circuit;
        int n = state.NQubits;
        if (circuit == null) throw BridgeException.Invalid("state_apply: circuit is NULL");
        if (circuit->StructSize < (nuint)sizeof(QiboCircuit))
            throw BridgeException.Invalid($"state_apply: circuit->struct_size {circuit->StructSize} is smaller than the ABI 1.0 size {sizeof(QiboCircuit)}");
        if (circuit->NQubits != (uint)n)
            throw BridgeException.Invalid($"state_apply: the circuit is for {circuit->NQubits} qubits but the state has {n}");
        if (circuit->OpSize < QiboOp.Size1_0 || circuit->OpSize % 8 != 0)
            throw BridgeException.Invalid($"state_apply: circuit->op_size {circuit->OpSize} must be at least {QiboOp.Size1_0} and a multiple of 8");
        if (circuit->NOps > 0 && circuit->Ops == null)
            throw BridgeException.Invalid($"state_apply: circuit->ops is NULL but n_ops is {circuit->NOps}");
        if (circuit->NQubitRefs > 0 && circuit->Qubits == null)
            throw BridgeException.Invalid($"state_apply: circuit->qubits is NULL but n_qubit_refs is {circuit->NQubitRefs}");
        if (circuit->NMatrixValues > 0 && circuit->Matrices == null)
            throw BridgeException.Invalid($"state_apply: circuit->matrices is NULL but n_matrix_values is {circuit->NMatrixValues}");
        if (args->NRandoms > 0 && args->Randoms == null)
            throw BridgeException.Invalid($"state_apply: randoms is NULL but n_randoms is {args->NRandoms}");

        ulong measures = 0;
        error = null;
        for (ulong i = 0; i < circuit->NOps; i++)
        {
            var record = (QiboOp*)((byte*)circuit->Ops + i * circuit->OpSize);
            error = Record(args, circuit, record, (long)i, n, state.Backend, measures);
            if (error != null) return i;
            if (record->Kind == QiboOpKind.Measure) measures++;
        }
        return circuit->NOps;
    }

    private static string Where(long index, QiboOpKind kind) => $"state_apply: op {index} ({OpNames.Of(kind)})";

    private static BridgeException? Record(QiboStateApplyArgs* args, QiboCircuit* circuit, QiboOp* record, long index, int n,
        PythonBackend backend, ulong measures)
    {
        QiboOpKind kind = record->Kind;
        if (!OpNames.IsKnown(kind)) return BridgeException.Invalid($"state_apply: op {index}: unknown operation kind {(uint)kind}", index);
        if (record->Flags != 0)
            return BridgeException.Invalid($"{Where(index, kind)}: unknown flag bits 0x{record->Flags:x} (ABI 1.0 defines none)", index);

        uint nTargets = record->NTargets, nControls = record->NControls;
        switch (kind)
        {
            case QiboOpKind.Matrix or QiboOpKind.Diagonal:
                if (nTargets == 0) return BridgeException.Invalid($"{Where(index, kind)}: needs at least one target", index);
                break;
            case QiboOpKind.Measure:
                if (nTargets != 1) return BridgeException.Invalid($"{Where(index, kind)}: takes 1 target, got {nTargets}", index);
                if (nControls != 0) return BridgeException.Invalid($"{Where(index, kind)}: cannot have controls, got {nControls}", index);
                break;
            default:
                int arity = OpMatrices.TargetCount(kind);
                if (nTargets != arity) return BridgeException.Invalid($"{Where(index, kind)}: takes {arity} target(s), got {nTargets}", index);
                break;
        }
        if (!backend.IsNative(kind))
        {
            return BridgeException.Unsupported(
                $"{Where(index, kind)}: {backend.Module} does not implement {OpNames.Of(kind)} natively (the host lowers it to MATRIX)", index);
        }
        if ((ulong)nTargets + nControls > (ulong)n)
            return BridgeException.Invalid($"{Where(index, kind)}: {nTargets} targets and {nControls} controls do not fit in a {n}-qubit state", index);
        if (kind == QiboOpKind.Matrix && backend.MaxMatrixTargets > 0 && nTargets > backend.MaxMatrixTargets)
            return BridgeException.Unsupported($"{Where(index, kind)}: {nTargets} targets; {backend.Module} applies matrices on at most {backend.MaxMatrixTargets}", index);

        ulong offset = record->QubitsOffset, count = (ulong)nTargets + nControls;
        if (offset + count > circuit->NQubitRefs)
            return BridgeException.Invalid($"{Where(index, kind)}: qubits [{offset}, {offset + count}) exceed circuit->n_qubit_refs = {circuit->NQubitRefs}", index);
        ulong seen = 0;
        for (ulong j = 0; j < count; j++)
        {
            uint qubit = circuit->Qubits[offset + j];
            string role = j < nTargets ? "target" : "control";
            if (qubit >= (uint)n)
                return BridgeException.Invalid($"{Where(index, kind)}: {role} qubit {qubit} is out of range for a {n}-qubit state", index);
            if ((seen & (1UL << (int)qubit)) != 0)
                return BridgeException.Invalid($"{Where(index, kind)}: qubit {qubit} appears more than once", index);
            seen |= 1UL << (int)qubit;
        }

        // nTargets <= n <= 62 here, so the shifts below cannot overflow for DIAGONAL; MATRIX above 31 targets cannot fit.
        ulong needed = kind switch
        {
            QiboOpKind.Matrix => nTargets > 31 ? ulong.MaxValue : 1UL << (int)(2 * nTargets),
            QiboOpKind.Diagonal => 1UL << (int)nTargets,
            QiboOpKind.GeneralizedFSim => 4,
            _ => 0,
        };
        if (needed > 0)
        {
            long matrixOffset = record->MatrixOffset;
            if (matrixOffset < 0)
                return BridgeException.Invalid($"{Where(index, kind)}: matrix_offset {matrixOffset} is negative but the kind takes a matrix of {needed} values", index);
            if ((ulong)matrixOffset > circuit->NMatrixValues || needed > circuit->NMatrixValues - (ulong)matrixOffset)
                return BridgeException.Invalid($"{Where(index, kind)}: matrix_offset {matrixOffset} + {needed} values exceeds circuit->n_matrix_values = {circuit->NMatrixValues}", index);
        }

        if (kind == QiboOpKind.Measure)
        {
            if (measures >= args->NRandoms)
                return BridgeException.Invalid($"{Where(index, kind)}: needs random number #{measures} but only {args->NRandoms} were given", index);
            double r = args->Randoms[measures];
            if (!(r >= 0 && r < 1))
                return BridgeException.Invalid($"{Where(index, kind)}: random number #{measures} = {r} is not in [0, 1)", index);
            int cbit = record->Cbit;
            if (cbit < -1)
                return BridgeException.Invalid($"{Where(index, kind)}: cbit {cbit} is invalid (-1 for none)", index);
            if (cbit >= 0 && args->Cbits == null)
                return BridgeException.Invalid($"{Where(index, kind)}: writes cbit {cbit} but cbits is NULL", index);
            if (cbit >= 0 && (ulong)cbit >= args->NCbits)
                return BridgeException.Invalid($"{Where(index, kind)}: cbit {cbit} is out of range (n_cbits = {args->NCbits})", index);
        }
        return null;
    }
}
