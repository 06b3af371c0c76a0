using System.Text;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// The one validator of state_apply's circuits. Circuit-level problems throw (op index -1, nothing applied).
/// Record-level problems stop decoding: the valid prefix is returned together with the error for the failing
/// record, so that state_apply applies the operations before it, as the header requires. Error codes follow the
/// header: INVALID_ARGUMENT for a malformed request (a zeroed record, a kind of 128 or more, unknown flag bits, bad
/// qubits, missing matrices, too few random numbers, a missing classical bit), UNSUPPORTED for a valid request this
/// backend cannot do (a kind it does not declare native, a matrix above its max_matrix_targets).
/// </summary>
public static unsafe class CircuitValidator
{
    /// <summary>Largest DIAGONAL operation (2^26 entries, 1 GiB of matrix data).</summary>
    public const int MaxDiagonalTargets = 26;

    /// <summary>
    /// Validates <paramref name="args"/>' circuit against a state of <paramref name="stateQubits"/> qubits on a
    /// backend with <paramref name="capabilities"/>; returns the decoded valid prefix.
    /// </summary>
    public static List<DecodedOp> Decode(QiboStateApplyArgs* args, int stateQubits, BackendCapabilities capabilities, out BackendFault? error)
    {
        QiboCircuit* circuit = args->Circuit;
        CheckCircuit(circuit, stateQubits);

        var ops = new List<DecodedOp>((int)Math.Min(circuit->NOps, 1 << 16));
        long measures = 0;
        error = null;
        for (ulong i = 0; i < circuit->NOps; i++)
        {
            var record = (QiboOp*)((byte*)circuit->Ops + i * circuit->OpSize);
            error = Validate(args, record, (long)i, stateQubits, capabilities, measures, out DecodedOp op);
            if (error != null) break;
            ops.Add(op);
            if (op.Kind == QiboOpKind.Measure) measures++;
        }
        return ops;
    }

    // Apart from Decode, so that the formatting state of these messages does not widen the frame of the record loop.
    /// <summary>The circuit-level checks (a problem there throws: nothing is applied).</summary>
    private static void CheckCircuit(QiboCircuit* circuit, int stateQubits)
    {
        if (circuit == null) throw BackendFault.Invalid("state_apply: circuit is NULL");
        if (circuit->StructSize < QiboCircuit.V1_0)
            throw BackendFault.Invalid($"state_apply: circuit->struct_size {circuit->StructSize} is smaller than the ABI 1.0 size {QiboCircuit.V1_0}");
        if (circuit->NQubits != (uint)stateQubits)
            throw BackendFault.Invalid($"state_apply: the circuit is for {circuit->NQubits} qubits but the state has {stateQubits}");
        if (circuit->OpSize < QiboOp.V1_0 || circuit->OpSize % 8 != 0)
            throw BackendFault.Invalid($"state_apply: circuit->op_size {circuit->OpSize} must be at least {QiboOp.V1_0} and a multiple of 8");
        if (circuit->NOps > 0 && circuit->Ops == null)
            throw BackendFault.Invalid($"state_apply: circuit->ops is NULL but n_ops is {circuit->NOps}");
        if (circuit->NQubitRefs > 0 && circuit->Qubits == null)
            throw BackendFault.Invalid($"state_apply: circuit->qubits is NULL but n_qubit_refs is {circuit->NQubitRefs}");
        if (circuit->NMatrixValues > 0 && circuit->Matrices == null)
            throw BackendFault.Invalid($"state_apply: circuit->matrices is NULL but n_matrix_values is {circuit->NMatrixValues}");
    }

    /// <summary>
    /// "op 3 (CRX, targets [2], controls [0, 1])": the record, named by kind and — when its qubit references lie in
    /// the circuit's array — by the qubits it lists, so a message points at the operation that failed.
    /// </summary>
    private static string Where(QiboCircuit* circuit, QiboOp* record, long index)
    {
        var text = new StringBuilder($"op {index} ({OpNames.Of(record->Kind)}");
        ulong offset = record->QubitsOffset, nTargets = record->NTargets, count = nTargets + record->NControls;
        if (count <= 64 && offset + count <= circuit->NQubitRefs)
        {
            uint* qubits = circuit->Qubits + offset;
            text.Append(", targets [");
            for (ulong j = 0; j < count; j++)
            {
                if (j == nTargets) text.Append("], controls [");
                else if (j > 0) text.Append(", ");
                text.Append(qubits[j]);
            }
            text.Append(nTargets == count ? "], controls [])" : "])");
        }
        else
        {
            text.Append(')');
        }
        return text.ToString();
    }

    private static BackendFault? Validate(QiboStateApplyArgs* args, QiboOp* record, long index, int n,
        BackendCapabilities capabilities, long measures, out DecodedOp op)
    {
        op = default;
        QiboCircuit* circuit = args->Circuit;
        QiboOpKind kind = record->Kind;
        // Messages are FormattableStrings: formatted only on failure, so a valid record's check keeps a small frame
        // (interpolated-string builders are stack structs the prologue would clear for every record).
        BackendFault Invalid(FormattableString what) => BackendFault.Invalid($"{Where(circuit, record, index)}: {FormattableString.Invariant(what)}", index);
        BackendFault Unsupported(FormattableString what) => BackendFault.Unsupported($"{Where(circuit, record, index)}: {FormattableString.Invariant(what)}", index);

        if (kind == QiboOpKind.Invalid)
            return Invalid($"kind 0 (QIBO_OP_INVALID) is always an error: a zeroed record?");
        if ((uint)kind >= (uint)QiboOpKind.KindCount)
            return Invalid($"kind {(uint)kind} is outside 0..127, the range of operation kinds");
        if (!capabilities.NativeOps.Contains(kind) || !OpNames.IsKnown(kind))
            return Unsupported($"{OpNames.Of(kind)} is not implemented natively by this backend (not in its native_ops; the host lowers it to MATRIX)");
        if (record->Flags != 0)
            return Invalid($"unknown flag bits 0x{record->Flags:x} (ABI 1.0 defines none)");

        uint nTargets = record->NTargets, nControls = record->NControls;
        switch (kind)
        {
            case QiboOpKind.Matrix or QiboOpKind.Diagonal:
                if (nTargets == 0) return Invalid($"needs at least one target");
                break;
            case QiboOpKind.Measure:
                if (nTargets != 1) return Invalid($"takes 1 target, got {nTargets}");
                if (nControls != 0) return Invalid($"cannot have controls, got {nControls}");
                break;
            default:
                int arity = OpMatrices.TargetCount(kind);
                if (nTargets != arity) return Invalid($"takes {arity} target(s), got {nTargets}");
                break;
        }
        if ((ulong)nTargets + nControls > (ulong)n)
            return Invalid($"{nTargets} targets and {nControls} controls do not fit in a {n}-qubit state");
        ulong offset = record->QubitsOffset, count = (ulong)nTargets + nControls;
        if (offset + count > circuit->NQubitRefs)
            return Invalid($"qubits [{offset}, {offset + count}) exceed circuit->n_qubit_refs = {circuit->NQubitRefs}");

        var targets = new int[nTargets];
        int[] controls = nControls == 0 ? [] : new int[nControls];
        ulong seen = 0;
        for (ulong j = 0; j < count; j++)
        {
            uint qubit = circuit->Qubits[offset + j];
            if (qubit >= (uint)n) return Invalid($"{(j < nTargets ? "target" : "control")} qubit {qubit} is out of range for a {n}-qubit state");
            if ((seen & (1UL << (int)qubit)) != 0) return Invalid($"qubit {qubit} appears more than once");
            seen |= 1UL << (int)qubit;
            int bit = n - 1 - (int)qubit;
            if (j < nTargets) targets[j] = bit;
            else controls[j - nTargets] = bit;
        }
        if (kind == QiboOpKind.Matrix && capabilities.MaxMatrixTargets > 0 && nTargets > capabilities.MaxMatrixTargets)
            return Unsupported($"{nTargets} targets; this backend applies matrices on at most {capabilities.MaxMatrixTargets}");
        if (kind == QiboOpKind.Diagonal && nTargets > MaxDiagonalTargets)
            return Unsupported($"{nTargets} targets; diagonals are applied on at most {MaxDiagonalTargets}");

        // nTargets <= n <= 63 here; a MATRIX above 31 targets cannot have its 4^k values anyway.
        ulong needed = kind switch
        {
            QiboOpKind.Matrix => nTargets > 31 ? ulong.MaxValue : 1UL << (int)(2 * nTargets),
            QiboOpKind.Diagonal => 1UL << (int)nTargets,
            QiboOpKind.GeneralizedFSim => 4,
            _ => 0,
        };
        double* matrix = null;
        if (needed > 0)
        {
            long matrixOffset = record->MatrixOffset;
            if (matrixOffset < 0)
                return Invalid($"matrix_offset {matrixOffset} is negative but the kind takes a matrix of {needed} values");
            if ((ulong)matrixOffset > circuit->NMatrixValues || needed > circuit->NMatrixValues - (ulong)matrixOffset)
                return Invalid($"matrix_offset {matrixOffset} + {needed} values exceeds circuit->n_matrix_values = {circuit->NMatrixValues}");
            matrix = circuit->Matrices + 2 * matrixOffset;
        }

        int cbit = -1;
        if (kind == QiboOpKind.Measure)
        {
            if ((ulong)measures >= args->NRandoms || args->Randoms == null)
                return Invalid($"needs random number #{measures} but only {(args->Randoms == null ? 0 : args->NRandoms)} were given");
            double r = args->Randoms[measures];
            if (!(r >= 0 && r < 1)) return Invalid($"random number #{measures} = {r} is not in [0, 1)");
            cbit = record->Cbit;
            if (cbit < -1) return Invalid($"cbit {cbit} is invalid (-1 for none)");
            if (cbit >= 0 && ((ulong)cbit >= args->NCbits || args->Cbits == null))
                return Invalid($"writes classical bit {cbit} but {(args->Cbits == null ? "cbits is NULL" : $"n_cbits is {args->NCbits}")}");
        }

        op = new DecodedOp
        {
            Index = index,
            Kind = kind,
            Targets = targets,
            Controls = controls,
            Matrix = matrix,
            ParamValues = (double*)&record->Params,
            Cbit = cbit,
            RandomIndex = measures,
        };
        return null;
    }
}
