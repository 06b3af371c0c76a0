using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// The state slots. Each checks its arguments completely, in the same order for every backend, then calls the
/// state. Every slot catches everything (an exception escaping an UnmanagedCallersOnly method aborts the host).
/// </summary>
internal static unsafe class StateExports
{
    /// <summary>[thread-safe] A state initialised to |0...0&gt;.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Create(QiboStateCreateArgs* args) => Guard.Call(args, &CreateChecked);

    private static QiboError* CreateChecked(QiboStateCreateArgs* args)
    {
        Check.Args(args, QiboStateCreateArgs.V1_0, "state_create");
        args->State = null;
        KitBackend backend = Handles.Backend(args->Backend, "state_create: backend");
        BackendCapabilities caps = backend.Capabilities;
        QiboPrecision precision = args->Precision;
        if (precision is not (QiboPrecision.Complex128 or QiboPrecision.Complex64))
            throw BackendFault.Invalid($"state_create: unknown precision {(uint)precision}");
        if (args->Kind == QiboStateKind.DensityMatrix)
            throw BackendFault.Unsupported($"state_create: the {caps.Name} backend has no density matrices (ABI 1.0 reserves them)");
        if (args->Kind != QiboStateKind.Vector)
            throw BackendFault.Invalid($"state_create: unknown state kind {(uint)args->Kind}");
        if (args->Reserved != 0) throw BackendFault.Invalid($"state_create: reserved must be 0, got {args->Reserved}");
        if (args->NQubits < 1) throw BackendFault.Invalid("state_create: n_qubits is 0; a state has at least 1 qubit");
        if ((caps.Precisions & precision) == 0)
            throw BackendFault.Unsupported($"state_create: the {caps.Name} backend does not offer {(precision == QiboPrecision.Complex64 ? "complex64" : "complex128")}");
        if (args->NQubits > caps.MaxQubits)
            throw BackendFault.Unsupported($"state_create: {args->NQubits} qubits is too many for the {caps.Name} backend (max_qubits is {caps.MaxQubits})");
        BackendState state = backend.Instance.CreateState((int)args->NQubits, precision);
        state.Owner = caps;
        try
        {
            args->State = Handles.New(state);
        }
        catch
        {
            state.Dispose();
            throw;
        }
        return null;
    }

    /// <summary>[externally synchronized: state] NULL is ignored.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void Destroy(QiboState* state)
    {
        try
        {
            Handles.Release(state)?.Dispose();
        }
        catch
        {
            // Nothing to report through a void slot.
        }
    }

    /// <summary>[externally synchronized: state] Back to |0...0&gt;.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Reset(QiboStateResetArgs* args) => Guard.Call(args, &ResetChecked);

    private static QiboError* ResetChecked(QiboStateResetArgs* args)
    {
        Check.Args(args, QiboStateResetArgs.V1_0, "state_reset");
        Handles.State(args->State, "state_reset: state").Reset();
        return null;
    }

    /// <summary>[externally synchronized: state] Copies caller amplitudes into [offset, offset + count).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* SetAmplitudes(QiboStateAmplitudesArgs* args) => Guard.Call(args, &SetAmplitudesChecked);

    private static QiboError* SetAmplitudesChecked(QiboStateAmplitudesArgs* args)
    {
        BackendState state = AmplitudeRange(args, "state_set_amplitudes");
        if (args->Count > 0) state.SetAmplitudes(args->Offset, args->Count, args->Data);
        return null;
    }

    /// <summary>[externally synchronized: state] Copies [offset, offset + count) to the caller's buffer.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* GetAmplitudes(QiboStateAmplitudesArgs* args) => Guard.Call(args, &GetAmplitudesChecked);

    private static QiboError* GetAmplitudesChecked(QiboStateAmplitudesArgs* args)
    {
        BackendState state = AmplitudeRange(args, "state_get_amplitudes");
        if (args->Count > 0) state.GetAmplitudes(args->Offset, args->Count, args->Data);
        return null;
    }

    private static BackendState AmplitudeRange(QiboStateAmplitudesArgs* args, string function)
    {
        Check.Args(args, QiboStateAmplitudesArgs.V1_0, function);
        BackendState state = Handles.State(args->State, $"{function}: state");
        ulong length = state.Length;
        if (args->Offset > length || args->Count > length - args->Offset)
            throw BackendFault.Invalid($"{function}: amplitudes [{args->Offset}, {args->Offset} + {args->Count}) exceed the state's {length}");
        if (args->Count > 0 && args->Data == null) throw BackendFault.Invalid($"{function}: data is NULL");
        return state;
    }

    /// <summary>
    /// [externally synchronized: state] Applies the circuit's operations in order. Records are validated first;
    /// the operations before an invalid record are applied and the error names the record.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Apply(QiboStateApplyArgs* args) => Guard.Call(args, &ApplyChecked);

    private static QiboError* ApplyChecked(QiboStateApplyArgs* args)
    {
        Check.Args(args, QiboStateApplyArgs.V1_0, "state_apply");
        BackendState state = Handles.State(args->State, "state_apply: state");
        if (state.TryApplyPrepared(args)) return null;
        List<DecodedOp> ops = CircuitValidator.Decode(args, state.NQubits, state.Owner, out BackendFault? error);
        if (ops.Count > 0) state.Apply(new CircuitBatch(args, ops));
        return error == null ? null : NativeError.From(error);
    }

    /// <summary>[externally synchronized: state] Marginal probabilities of the listed qubits, in double.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Probabilities(QiboStateProbabilitiesArgs* args) => Guard.Call(args, &ProbabilitiesChecked);

    private static QiboError* ProbabilitiesChecked(QiboStateProbabilitiesArgs* args)
    {
        Check.Args(args, QiboStateProbabilitiesArgs.V1_0, "state_probabilities");
        BackendState state = Handles.State(args->State, "state_probabilities: state");
        QubitSelection qubits = Check.Qubits(args->Qubits, args->NQubits, state.NQubits, "state_probabilities");
        if (args->Reserved != 0) throw BackendFault.Invalid($"state_probabilities: reserved must be 0, got {args->Reserved}");
        if (args->Out == null) throw BackendFault.Invalid("state_probabilities: out is NULL");
        state.Probabilities(qubits, args->Out);
        return null;
    }

    /// <summary>[externally synchronized: state] Samples the listed qubits without changing the state.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Sample(QiboStateSampleArgs* args) => Guard.Call(args, &SampleChecked);

    private static QiboError* SampleChecked(QiboStateSampleArgs* args)
    {
        Check.Args(args, QiboStateSampleArgs.V1_0, "state_sample");
        BackendState state = Handles.State(args->State, "state_sample: state");
        QubitSelection qubits = Check.Qubits(args->Qubits, args->NQubits, state.NQubits, "state_sample");
        if (args->Reserved != 0) throw BackendFault.Invalid($"state_sample: reserved must be 0, got {args->Reserved}");
        if (args->NShots == 0) return null;
        if (args->Randoms == null) throw BackendFault.Invalid("state_sample: randoms is NULL");
        if (args->Outcomes == null) throw BackendFault.Invalid("state_sample: outcomes is NULL");
        Check.Randoms(args->Randoms, args->NShots, "state_sample");
        state.Sample(qubits, args->NShots, args->Randoms, args->Outcomes);
        return null;
    }

    /// <summary>[externally synchronized: source, destination] ABI 1.1: destination := source.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Copy(QiboStateCopyArgs* args) => Guard.Call(args, &CopyChecked);

    private static QiboError* CopyChecked(QiboStateCopyArgs* args)
    {
        Check.Args(args, QiboStateCopyArgs.V1_1, "state_copy");
        BackendState source = Handles.State(args->Source, "state_copy: source");
        BackendState destination = Handles.State(args->Destination, "state_copy: destination");
        Check.SamePlace(source, destination, "state_copy", "source", "destination");
        if (!ReferenceEquals(source, destination)) source.CopyTo(destination);
        return null;
    }

    /// <summary>[externally synchronized: bra, ket] ABI 1.1: ⟨bra|ket⟩ in double.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* InnerProduct(QiboStateInnerProductArgs* args) => Guard.Call(args, &InnerProductChecked);

    private static QiboError* InnerProductChecked(QiboStateInnerProductArgs* args)
    {
        Check.Args(args, QiboStateInnerProductArgs.V1_1, "state_inner_product");
        BackendState bra = Handles.State(args->Bra, "state_inner_product: bra");
        BackendState ket = Handles.State(args->Ket, "state_inner_product: ket");
        Check.SamePlace(bra, ket, "state_inner_product", "bra", "ket");
        var (re, im) = bra.InnerProduct(ket);
        args->Out[0] = re;
        args->Out[1] = im;
        return null;
    }

    /// <summary>[externally synchronized: state] ABI 1.1: Σ c⟨ψ|P|ψ⟩ of Pauli strings, on the backend's memory.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Expectation(QiboStateExpectationArgs* args) => Guard.Call(args, &ExpectationChecked);

    private static QiboError* ExpectationChecked(QiboStateExpectationArgs* args)
    {
        Check.Args(args, QiboStateExpectationArgs.V1_1, "state_expectation");
        BackendState state = Handles.State(args->State, "state_expectation: state");
        if (args->Reserved != 0) throw BackendFault.Invalid($"state_expectation: reserved must be 0, got {args->Reserved}");
        PauliString[] terms = Check.PauliTerms(args->Terms, args->NTerms, args->TermSize, state.NQubits, "state_expectation");
        args->Out = terms.Length == 0 ? 0 : state.Expectation(terms);
        return null;
    }
}
