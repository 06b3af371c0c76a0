using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Cpu.Circuits;

namespace QiboAccel.Cpu.Exports;

/// <summary>The state slots: create, destroy, reset, amplitudes, apply, probabilities, sample.</summary>
internal static unsafe class StateExports
{
    /// <summary>[thread-safe] A state vector initialised to |0...0&gt;.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Create(QiboStateCreateArgs* args)
    {
        try
        {
            Check.Args(args, "state_create");
            args->State = null;
            CpuBackend backend = Handles.Backend(args->Backend, "state_create: backend");
            if (args->Precision is not (QiboPrecision.Complex128 or QiboPrecision.Complex64))
                throw CpuException.Invalid($"state_create: unknown precision {(uint)args->Precision}");
            if (args->Kind == QiboStateKind.DensityMatrix)
                throw CpuException.Unsupported("state_create: density matrices are not supported by the cpu backend (ABI 1.0 state vectors only)");
            if (args->Kind != QiboStateKind.Vector)
                throw CpuException.Invalid($"state_create: unknown state kind {(uint)args->Kind}");
            if (args->Reserved != 0) throw CpuException.Invalid($"state_create: reserved must be 0, got {args->Reserved}");
            if (args->NQubits > CpuBackend.MaxQubits)
                throw CpuException.Unsupported($"state_create: {args->NQubits} qubits; the cpu backend holds at most {CpuBackend.MaxQubits}");
            StateVector state = StateVector.Create(backend, (int)args->NQubits, args->Precision);
            args->State = Handles.New(state);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
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
    public static QiboError* Reset(QiboStateResetArgs* args)
    {
        try
        {
            Check.Args(args, "state_reset");
            Handles.State(args->State, "state_reset: state").Reset();
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    /// <summary>[externally synchronized: state] Copies caller amplitudes into [offset, offset + count).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* SetAmplitudes(QiboStateAmplitudesArgs* args)
    {
        try
        {
            StateVector state = AmplitudeRange(args, "state_set_amplitudes");
            if (args->Count > 0) state.SetAmplitudes(args->Offset, args->Count, args->Data);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    /// <summary>[externally synchronized: state] Copies [offset, offset + count) to the caller's buffer.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* GetAmplitudes(QiboStateAmplitudesArgs* args)
    {
        try
        {
            StateVector state = AmplitudeRange(args, "state_get_amplitudes");
            if (args->Count > 0) state.GetAmplitudes(args->Offset, args->Count, args->Data);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    private static StateVector AmplitudeRange(QiboStateAmplitudesArgs* args, string function)
    {
        Check.Args(args, function);
        StateVector state = Handles.State(args->State, $"{function}: state");
        ulong length = (ulong)state.Length;
        if (args->Offset > length || args->Count > length - args->Offset)
            throw CpuException.Invalid($"{function}: amplitudes [{args->Offset}, {args->Offset} + {args->Count}) exceed the state's {length}");
        if (args->Count > 0 && args->Data == null) throw CpuException.Invalid($"{function}: data is NULL");
        return state;
    }

    /// <summary>
    /// [externally synchronized: state] Applies the circuit's operations in order. Records are validated first;
    /// the operations before an invalid record are applied and the error names the record.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Apply(QiboStateApplyArgs* args)
    {
        try
        {
            Check.Args(args, "state_apply");
            StateVector state = Handles.State(args->State, "state_apply: state");
            List<DecodedOp> ops = CircuitDecoder.Decode(args, state.NQubits, CpuBackend.MaxMatrixTargets, out CpuException? error);
            state.Apply(CollectionsMarshal.AsSpan(ops), args->Randoms, args->Cbits);
            return error == null ? null : NativeError.From(error);
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    /// <summary>[externally synchronized: state] Marginal probabilities of the listed qubits, in double.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Probabilities(QiboStateProbabilitiesArgs* args)
    {
        try
        {
            Check.Args(args, "state_probabilities");
            StateVector state = Handles.State(args->State, "state_probabilities: state");
            int[] bits = Check.Qubits(args->Qubits, args->NQubits, state.NQubits, "state_probabilities");
            if (args->Reserved != 0) throw CpuException.Invalid($"state_probabilities: reserved must be 0, got {args->Reserved}");
            if (args->Out == null) throw CpuException.Invalid("state_probabilities: out is NULL");
            state.Probabilities(bits, args->Out);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    /// <summary>[externally synchronized: state] Samples the listed qubits without changing the state.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Sample(QiboStateSampleArgs* args)
    {
        try
        {
            Check.Args(args, "state_sample");
            StateVector state = Handles.State(args->State, "state_sample: state");
            int[] bits = Check.Qubits(args->Qubits, args->NQubits, state.NQubits, "state_sample");
            if (args->Reserved != 0) throw CpuException.Invalid($"state_sample: reserved must be 0, got {args->Reserved}");
            if (args->NShots > 0 && args->Randoms == null) throw CpuException.Invalid("state_sample: randoms is NULL");
            if (args->NShots > 0 && args->Outcomes == null) throw CpuException.Invalid("state_sample: outcomes is NULL");
            if (args->NShots > 0) state.Sample(bits, args->NShots, args->Randoms, args->Outcomes);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }
}
