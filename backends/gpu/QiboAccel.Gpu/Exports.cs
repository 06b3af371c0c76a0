using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.Gpu;

/// <summary>
/// The C ABI of libqibo_gpu.so: qibo_backend_get_api and the function table it hands out. Every entry point
/// catches every exception and returns it as a qibo_error (an exception escaping an UnmanagedCallersOnly method
/// would abort the host process). Backends and states cross as the kit's tagged handles.
/// </summary>
public static unsafe class Exports
{
    private static readonly QiboBackendApi* Table = CreateTable();

    private static QiboBackendApi* CreateTable()
    {
        QiboBackendApi* api = Handshake.NewTable();
        api->BackendCreate = &BackendCreate;
        api->BackendDestroy = &BackendDestroy;
        api->BackendGetInfo = &BackendGetInfo;
        api->StateCreate = &StateCreate;
        api->StateDestroy = &StateDestroy;
        api->StateReset = &StateReset;
        api->StateSetAmplitudes = &StateSetAmplitudes;
        api->StateGetAmplitudes = &StateGetAmplitudes;
        api->StateApply = &StateApply;
        api->StateProbabilities = &StateProbabilities;
        api->StateSample = &StateSample;
        return api;
    }

    /// <summary>qibo_backend_get_api: the version handshake (see <see cref="Handshake.Answer"/>), the library's only exported symbol.</summary>
    [UnmanagedCallersOnly(EntryPoint = "qibo_backend_get_api", CallConvs = [typeof(CallConvCdecl)])]
    public static QiboErrorCode GetApi(QiboApiRequest* request) => Handshake.Answer(request, &GetTable);

    private static QiboBackendApi* GetTable() => Table;

    // ---- backends -------------------------------------------------------------------------------------------

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static QiboError* BackendCreate(QiboBackendCreateArgs* args)
    {
        try
        {
            Check.Args(args, "backend_create");
            args->Backend = null;
            string options = args->Options == null ? "" : Marshal.PtrToStringUTF8((nint)args->Options) ?? "";
            var backend = new GpuBackend(options);
            args->Backend = Handles.New(backend);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void BackendDestroy(QiboBackend* backend)
    {
        try
        {
            Handles.Release(backend)?.Dispose();
        }
        catch
        {
            // Nothing can be reported from here.
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static QiboError* BackendGetInfo(QiboBackendGetInfoArgs* args)
    {
        try
        {
            Check.Args(args, "backend_get_info");
            GpuBackend backend = Backend(args->Backend, "backend_get_info");
            QiboBackendInfo* info = args->Info;
            if (info == null) throw GpuException.Invalid("backend_get_info: info is NULL");
            var full = new QiboBackendInfo
            {
                StructSize = info->StructSize,
                Name = backend.Name,
                Version = backend.VersionText,
                Description = backend.Description,
                Device = backend.DeviceText,
                MaxQubits = (uint)backend.MaxQubits,
                Precisions = backend.Precisions,
                StateKinds = 1u << (int)QiboStateKind.Vector,
                MaxMatrixTargets = GpuBackend.MaxMatrixTargets,
            };
            ulong native = (1UL << (int)QiboOpKind.Matrix) | (1UL << (int)QiboOpKind.Diagonal) | (1UL << (int)QiboOpKind.Measure);
            for (int k = (int)QiboOpKind.I; k <= (int)QiboOpKind.RZZ; k++) native |= 1UL << k;
            full.NativeOps[0] = native;
            full.NativeOps[1] = 0;
            // Never write beyond the caller's struct_size.
            nuint size = Math.Min(info->StructSize, (nuint)sizeof(QiboBackendInfo));
            nuint header = (nuint)sizeof(nuint);
            if (size > header) Buffer.MemoryCopy((byte*)&full + header, (byte*)info + header, size - header, size - header);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    // ---- states ---------------------------------------------------------------------------------------------

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static QiboError* StateCreate(QiboStateCreateArgs* args)
    {
        try
        {
            Check.Args(args, "state_create");
            args->State = null;
            GpuBackend backend = Backend(args->Backend, "state_create");
            if (args->Kind == QiboStateKind.DensityMatrix)
                throw GpuException.Unsupported("state_create: the gpu backend has no density matrices (ABI 1.0 reserves them)");
            if (args->Kind != QiboStateKind.Vector) throw GpuException.Invalid($"state_create: unknown state kind {(uint)args->Kind}");
            if (args->Reserved != 0) throw GpuException.Invalid("state_create: reserved must be 0");
            GpuState state = backend.CreateState(args->NQubits, args->Precision);
            args->State = Handles.New(state);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void StateDestroy(QiboState* state)
    {
        try
        {
            Handles.Release(state)?.Dispose();
        }
        catch
        {
            // Nothing can be reported from here.
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static QiboError* StateReset(QiboStateResetArgs* args)
    {
        try
        {
            Check.Args(args, "state_reset");
            State(args->State, "state_reset").Reset();
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static QiboError* StateSetAmplitudes(QiboStateAmplitudesArgs* args)
    {
        try
        {
            GpuState state = CheckAmplitudes(args, "state_set_amplitudes");
            state.SetAmplitudes(args->Offset, args->Count, args->Data);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static QiboError* StateGetAmplitudes(QiboStateAmplitudesArgs* args)
    {
        try
        {
            GpuState state = CheckAmplitudes(args, "state_get_amplitudes");
            state.GetAmplitudes(args->Offset, args->Count, args->Data);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static QiboError* StateApply(QiboStateApplyArgs* args)
    {
        try
        {
            Check.Args(args, "state_apply");
            GpuState state = State(args->State, "state_apply");
            List<DecodedOp> ops = CircuitDecoder.Decode(args, state.NQubits, GpuBackend.MaxMatrixTargets, out GpuException? error);
            // The valid prefix is applied even when a later record is bad, as the header requires.
            state.Apply(ops, args->Randoms, args->Cbits);
            if (error != null) throw error;
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static QiboError* StateProbabilities(QiboStateProbabilitiesArgs* args)
    {
        try
        {
            Check.Args(args, "state_probabilities");
            GpuState state = State(args->State, "state_probabilities");
            if (args->Reserved != 0) throw GpuException.Invalid("state_probabilities: reserved must be 0");
            if (args->Out == null) throw GpuException.Invalid("state_probabilities: out is NULL");
            int[] bits = Bits(state, args->Qubits, args->NQubits, "state_probabilities");
            state.Marginal(bits, args->Out);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static QiboError* StateSample(QiboStateSampleArgs* args)
    {
        try
        {
            Check.Args(args, "state_sample");
            GpuState state = State(args->State, "state_sample");
            if (args->Reserved != 0) throw GpuException.Invalid("state_sample: reserved must be 0");
            int[] bits = Bits(state, args->Qubits, args->NQubits, "state_sample");
            if (args->NShots == 0) return null;
            if (args->Randoms == null || args->Outcomes == null)
                throw GpuException.Invalid($"state_sample: randoms or outcomes is NULL for {args->NShots} shots");
            state.Sample(bits, args->NShots, args->Randoms, args->Outcomes);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static GpuBackend Backend(QiboBackend* handle, string call) => Handles.Backend(handle, $"{call}: backend");

    private static GpuState State(QiboState* handle, string call) => Handles.State(handle, $"{call}: state");

    private static GpuState CheckAmplitudes(QiboStateAmplitudesArgs* args, string call)
    {
        Check.Args(args, call);
        GpuState state = State(args->State, call);
        ulong length = (ulong)state.Length;
        if (args->Offset > length || args->Count > length - args->Offset)
            throw GpuException.Invalid($"{call}: amplitudes [{args->Offset}, {args->Offset + args->Count}) are outside the state's {length}");
        if (args->Count > 0 && args->Data == null) throw GpuException.Invalid($"{call}: data is NULL");
        return state;
    }

    /// <summary>Qubit indices to amplitude bit positions (bit = n - 1 - qubit), checked.</summary>
    private static int[] Bits(GpuState state, uint* qubits, uint count, string call)
    {
        int n = state.NQubits;
        if (count > (uint)n) throw GpuException.Invalid($"{call}: {count} qubits listed but the state has {n}");
        if (count > 0 && qubits == null) throw GpuException.Invalid($"{call}: qubits is NULL");
        var bits = new int[count];
        ulong seen = 0;
        for (int i = 0; i < count; i++)
        {
            uint q = qubits[i];
            if (q >= (uint)n) throw GpuException.Invalid($"{call}: qubit {q} is out of range for a {n}-qubit state");
            if ((seen & (1UL << (int)q)) != 0) throw GpuException.Invalid($"{call}: qubit {q} is listed twice");
            seen |= 1UL << (int)q;
            bits[i] = n - 1 - (int)q;
        }
        return bits;
    }
}
