using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Python.Bridge;

namespace QiboAccel.Python.Exports;

/// <summary>
/// The state slots. Each checks its arguments completely (Python code only sees valid requests), then calls the
/// Python state with the GIL held.
/// </summary>
internal static unsafe class StateExports
{
    /// <summary>[thread-safe] create_state(n_qubits, precision) on the Python backend.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Create(QiboStateCreateArgs* args)
    {
        try
        {
            Check.Args(args, "state_create");
            args->State = null;
            PythonBackend backend = Handles.Backend(args->Backend, "state_create: backend");
            if (args->Precision is not (QiboPrecision.Complex128 or QiboPrecision.Complex64))
                throw BridgeException.Invalid($"state_create: unknown precision {(uint)args->Precision}");
            if ((backend.Precisions & args->Precision) == 0)
                throw BridgeException.Unsupported($"state_create: {backend.Module} does not offer {(args->Precision == QiboPrecision.Complex64 ? "complex64" : "complex128")}");
            if (args->Kind == QiboStateKind.DensityMatrix)
                throw BridgeException.Unsupported("state_create: density matrices are not supported by the python bridge (ABI 1.0 state vectors only)");
            if (args->Kind != QiboStateKind.Vector)
                throw BridgeException.Invalid($"state_create: unknown state kind {(uint)args->Kind}");
            if (args->Reserved != 0) throw BridgeException.Invalid($"state_create: reserved must be 0, got {args->Reserved}");
            if (args->NQubits < 1) throw BridgeException.Invalid("state_create: a state needs at least 1 qubit");
            if (args->NQubits > backend.MaxQubits)
                throw BridgeException.Unsupported($"state_create: {args->NQubits} qubits is too many for {backend.Module} (at most {backend.MaxQubits})");
            PythonState state = PythonState.Create(backend, (int)args->NQubits, args->Precision);
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
            PythonState state = AmplitudeRange(args, "state_set_amplitudes");
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
            PythonState state = AmplitudeRange(args, "state_get_amplitudes");
            if (args->Count > 0) state.GetAmplitudes(args->Offset, args->Count, args->Data);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    private static PythonState AmplitudeRange(QiboStateAmplitudesArgs* args, string function)
    {
        Check.Args(args, function);
        PythonState state = Handles.State(args->State, $"{function}: state");
        ulong length = state.Length;
        if (args->Offset > length || args->Count > length - args->Offset)
            throw BridgeException.Invalid($"{function}: amplitudes [{args->Offset}, {args->Offset} + {args->Count}) exceed the state's {length}");
        if (args->Count > 0 && args->Data == null) throw BridgeException.Invalid($"{function}: data is NULL");
        return state;
    }

    /// <summary>
    /// [externally synchronized: state] Applies the circuit. Records are validated first; the valid prefix goes to
    /// Python in one call and the error names the first invalid record.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Apply(QiboStateApplyArgs* args)
    {
        try
        {
            Check.Args(args, "state_apply");
            PythonState state = Handles.State(args->State, "state_apply: state");
            ulong valid = CircuitCheck.Validate(args, state, out BridgeException? error);
            if (valid > 0) state.Apply(args, valid);
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
            PythonState state = Handles.State(args->State, "state_probabilities: state");
            Check.Qubits(args->Qubits, args->NQubits, state.NQubits, "state_probabilities");
            if (args->Reserved != 0) throw BridgeException.Invalid($"state_probabilities: reserved must be 0, got {args->Reserved}");
            if (args->Out == null) throw BridgeException.Invalid("state_probabilities: out is NULL");
            state.Probabilities(args->Qubits, args->NQubits, args->Out);
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
            PythonState state = Handles.State(args->State, "state_sample: state");
            Check.Qubits(args->Qubits, args->NQubits, state.NQubits, "state_sample");
            if (args->Reserved != 0) throw BridgeException.Invalid($"state_sample: reserved must be 0, got {args->Reserved}");
            if (args->NShots == 0) return null;
            if (args->Randoms == null) throw BridgeException.Invalid("state_sample: randoms is NULL");
            if (args->Outcomes == null) throw BridgeException.Invalid("state_sample: outcomes is NULL");
            for (ulong s = 0; s < args->NShots; s++)
            {
                double r = args->Randoms[s];
                if (!(r >= 0 && r < 1)) throw BridgeException.Invalid($"state_sample: randoms[{s}] = {r} is not in [0, 1)");
            }
            state.Sample(args->Qubits, args->NQubits, args->NShots, args->Randoms, args->Outcomes);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }
}
