using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.Conformance.Cases;

/// <summary>
/// The raw ABI, below the managed wrapper: the handshake, struct sizes from older and newer hosts, NULL arguments,
/// the error object's lifecycle and the record stride. These call the backend's table directly.
/// </summary>
internal static unsafe class AbiCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return new("abi-handshake", "same major → table; newer minor host accepted; other major → VERSION_MISMATCH with the backend's version; bad requests refused", Handshake);
        yield return new("abi-struct-sizes", "undersized argument and info structs are refused with INVALID_ARGUMENT and left untouched; oversized ones (a newer host) work; outputs never written past what either side knows", StructSizes);
        yield return new("abi-null-arguments", "NULL argument structs and handles give errors (or are ignored by destroy), never a crash", NullArguments);
        yield return new("abi-error-objects", "an error has a failure code, a stable message, op index -1 outside state_apply, and can be destroyed; NULL (success) gives QIBO_OK, \"\" (never NULL) and -1", ErrorObjects);
        yield return new("abi-record-stride", "records are read with op_size: 80-byte records give the same result as 64-byte ones; an op_size below 64 or not a multiple of 8 is INVALID_ARGUMENT", RecordStride);
        yield return new("abi-repeated-circuit", "the same circuit buffer applied again gives the same result; after a matrix value or a qubit is changed in place it gives the new result; applied to a state of another size it is INVALID_ARGUMENT (a backend that keeps prepared circuits must key them by content, not address)", RepeatedCircuit);
        yield return new("state-create-errors", "state_create: n_qubits 0, an unknown precision or kind and reserved != 0 are INVALID_ARGUMENT; a density matrix, a precision not offered and more than max_qubits are UNSUPPORTED", StateCreateErrors);
    }

    private static delegate* unmanaged[Cdecl]<QiboApiRequest*, uint> EntryPoint(ConformanceContext c)
    {
        nint handle = NativeLibrary.Load(c.Backend.Info.LibraryPath);
        return (delegate* unmanaged[Cdecl]<QiboApiRequest*, uint>)NativeLibrary.GetExport(handle, AbiVersion.EntryPoint);
    }

    internal static QiboBackendApi* Table(ConformanceContext c)
    {
        var request = new QiboApiRequest { StructSize = (nuint)sizeof(QiboApiRequest), HostMajor = AbiVersion.Major, HostMinor = AbiVersion.Minor };
        Check.True(EntryPoint(c)(&request) == (uint)QiboErrorCode.Ok && request.Api != null, "handshake failed");
        return request.Api;
    }

    private static void Handshake(ConformanceContext c)
    {
        var getApi = EntryPoint(c);
        var ok = new QiboApiRequest { StructSize = (nuint)sizeof(QiboApiRequest), HostMajor = 1, HostMinor = 0 };
        Check.True(getApi(&ok) == 0 && ok.Api != null, "host 1.0: no table");
        Check.True(ok.BackendMajor == 1, $"host 1.0: backend_major {ok.BackendMajor}");
        Check.True(ok.Api->StructSize >= QiboBackendApi.V1_0, $"table of {ok.Api->StructSize} bytes is smaller than ABI 1.0's {QiboBackendApi.V1_0}");
        Check.True(ok.Api->AbiMajor == 1, $"table reports major {ok.Api->AbiMajor}");

        var newer = new QiboApiRequest { StructSize = (nuint)sizeof(QiboApiRequest), HostMajor = 1, HostMinor = 99 };
        Check.True(getApi(&newer) == 0 && newer.Api != null, "host 1.99 (a newer minor) must be accepted");

        var future = new QiboApiRequest { StructSize = (nuint)sizeof(QiboApiRequest), HostMajor = 2, HostMinor = 0 };
        uint code = getApi(&future);
        Check.True(code == (uint)QiboErrorCode.VersionMismatch, $"host 2.0: code {code}, expected VERSION_MISMATCH");
        Check.True(future.Api == null, "host 2.0: a table was handed out");
        Check.True(future.BackendMajor == 1, $"host 2.0: backend_major {future.BackendMajor}, expected 1");

        var tiny = new QiboApiRequest { StructSize = 4, HostMajor = 1 };
        Check.True(getApi(&tiny) == (uint)QiboErrorCode.InvalidArgument, "a 4-byte request must be refused");
        Check.True(getApi(null) == (uint)QiboErrorCode.InvalidArgument, "a NULL request must be refused");
    }

    private static void StructSizes(ConformanceContext c)
    {
        QiboBackendApi* api = Table(c);
        QiboBackend* backend = CreateBackend(api, c);
        try
        {
            // Undersized create args: refused.
            var small = new QiboStateCreateArgs { StructSize = 8, Backend = backend, NQubits = 2, Precision = QiboPrecision.Complex128 };
            ExpectError(api, api->StateCreate(&small), "state_create with struct_size 8");

            // Oversized (a newer host appended fields, zeroed): accepted.
            byte* big = stackalloc byte[sizeof(QiboStateCreateArgs) + 32];
            new Span<byte>(big, sizeof(QiboStateCreateArgs) + 32).Clear();
            var args = (QiboStateCreateArgs*)big;
            args->StructSize = (nuint)(sizeof(QiboStateCreateArgs) + 32);
            args->Backend = backend;
            args->NQubits = 2;
            args->Precision = QiboPrecision.Complex128;
            args->Kind = QiboStateKind.Vector;
            QiboError* error = api->StateCreate(args);
            Check.True(error == null, $"state_create with a larger struct_size failed: {Message(api, error)}");
            api->StateDestroy(args->State);

            // Outputs: an undersized info struct may be refused but never written past its struct_size; an oversized
            // one (a newer host) is filled without touching the bytes past ABI 1.0's fields.
            int extra = 32, full = sizeof(QiboBackendInfo) + extra;
            byte* info = stackalloc byte[full];
            foreach (int size in new[] { sizeof(nuint) + 2 * sizeof(nint), full })
            {
                new Span<byte>(info, full).Fill(0xAB);
                ((QiboBackendInfo*)info)->StructSize = (nuint)size;
                var get = new QiboBackendGetInfoArgs { StructSize = (nuint)sizeof(QiboBackendGetInfoArgs), Backend = backend, Info = (QiboBackendInfo*)info };
                error = api->BackendGetInfo(&get);
                if (size == full) Check.True(error == null, $"get_info with a larger info struct failed: {Message(api, error)}");
                else ExpectCode(api, error, QiboErrorCode.InvalidArgument, $"get_info with info->struct_size {size} (below ABI 1.0's {QiboBackendInfo.V1_0}; a partial fill is not allowed)");
                int limit = Math.Min(size, sizeof(QiboBackendInfo));
                for (int i = size == full ? limit : sizeof(nuint); i < full; i++)
                {
                    Check.True(info[i] == 0xAB, $"get_info with info.struct_size {size} wrote byte {i}{(size == full ? "" : " of an info struct it refused")}");
                }
            }
        }
        finally
        {
            api->BackendDestroy(backend);
        }
    }

    private static void NullArguments(ConformanceContext c)
    {
        QiboBackendApi* api = Table(c);
        ExpectError(api, api->BackendCreate(null), "backend_create(NULL)");
        ExpectError(api, api->BackendGetInfo(null), "backend_get_info(NULL)");
        ExpectError(api, api->StateCreate(null), "state_create(NULL)");
        ExpectError(api, api->StateSetAmplitudes(null), "state_set_amplitudes(NULL)");
        ExpectError(api, api->StateGetAmplitudes(null), "state_get_amplitudes(NULL)");
        ExpectError(api, api->StateApply(null), "state_apply(NULL)");
        if (api->StateReset != null) ExpectError(api, api->StateReset(null), "state_reset(NULL)");
        if (api->StateProbabilities != null) ExpectError(api, api->StateProbabilities(null), "state_probabilities(NULL)");
        if (api->StateSample != null) ExpectError(api, api->StateSample(null), "state_sample(NULL)");
        var apply = new QiboStateApplyArgs { StructSize = (nuint)sizeof(QiboStateApplyArgs) };
        ExpectError(api, api->StateApply(&apply), "state_apply with a NULL state and circuit");
        var create = new QiboStateCreateArgs { StructSize = (nuint)sizeof(QiboStateCreateArgs), NQubits = 2, Precision = QiboPrecision.Complex128 };
        ExpectError(api, api->StateCreate(&create), "state_create with a NULL backend");
        api->StateDestroy(null);
        api->BackendDestroy(null);
    }

    private static void ErrorObjects(ConformanceContext c)
    {
        QiboBackendApi* api = Table(c);
        QiboBackend* backend = CreateBackend(api, c);
        try
        {
            var args = new QiboStateCreateArgs { StructSize = (nuint)sizeof(QiboStateCreateArgs), Backend = backend, NQubits = 2, Precision = (QiboPrecision)99 };
            QiboError* error = api->StateCreate(&args);
            Check.True(error != null, "state_create with precision 99 succeeded");
            Check.True(api->ErrorCode(error) != QiboErrorCode.Ok, "an error object reports QIBO_OK");
            string first = Marshal.PtrToStringUTF8((nint)api->ErrorMessage(error)) ?? "";
            string second = Marshal.PtrToStringUTF8((nint)api->ErrorMessage(error)) ?? "";
            Check.True(first.Length > 0 && first == second, $"error message empty or unstable: '{first}' / '{second}'");
            Check.True(api->ErrorOpIndex(error) == -1, $"op index {api->ErrorOpIndex(error)} outside state_apply, expected -1");
            api->ErrorDestroy(error);

            // NULL is success: every error slot accepts it (hosts call them on whatever a slot returned).
            Check.True(api->ErrorCode(null) == QiboErrorCode.Ok, $"error_code(NULL) is {ErrorCases.CodeName(api->ErrorCode(null))}; the header says QIBO_OK");
            byte* empty = api->ErrorMessage(null);
            Check.True(empty != null, "error_message(NULL) returned NULL; the header says it is never NULL (\"\" for NULL, i.e. success)");
            Check.True(empty[0] == 0, $"error_message(NULL) is '{Marshal.PtrToStringUTF8((nint)empty)}'; the header says \"\"");
            Check.True(api->ErrorOpIndex(null) == -1, $"error_op_index(NULL) is {api->ErrorOpIndex(null)}; the header says -1");
            api->ErrorDestroy(null);
        }
        finally
        {
            api->BackendDestroy(backend);
        }
    }

    private static void RecordStride(ConformanceContext c)
    {
        QiboBackendApi* api = Table(c);
        QiboBackend* backend = CreateBackend(api, c);
        try
        {
            // H on qubit 0 then X on qubit 1, as MATRIX records, once at stride 64 and once at stride 80.
            double r = 1 / Math.Sqrt(2);
            double[] matrices = [r, 0, r, 0, r, 0, -r, 0, 0, 0, 1, 0, 1, 0, 0, 0];
            uint[] qubits = [0, 1];
            var results = new List<double[]>();
            byte* records = stackalloc byte[2 * 80];
            foreach (int stride in new[] { 64, 80 })
            {
                new Span<byte>(records, 2 * stride).Fill(0x5A); // junk in the padding a v1.0 reader must skip
                for (int i = 0; i < 2; i++)
                {
                    var op = new QiboOp { Kind = QiboOpKind.Matrix, NTargets = 1, QubitsOffset = (uint)i, MatrixOffset = 4 * i, Cbit = -1 };
                    *(QiboOp*)(records + i * stride) = op;
                }
                var state = CreateState(api, backend, 2);
                fixed (double* m = matrices)
                fixed (uint* q = qubits)
                {
                    var circuit = new QiboCircuit
                    {
                        StructSize = (nuint)sizeof(QiboCircuit), NQubits = 2, OpSize = (uint)stride, NOps = 2, Ops = records,
                        Qubits = q, NQubitRefs = 2, Matrices = m, NMatrixValues = 8,
                    };
                    var apply = new QiboStateApplyArgs { StructSize = (nuint)sizeof(QiboStateApplyArgs), State = state, Circuit = &circuit };
                    QiboError* error = api->StateApply(&apply);
                    Check.True(error == null, $"stride {stride}: {Message(api, error)}");
                }
                var amps = new double[8];
                fixed (double* a = amps)
                {
                    var get = new QiboStateAmplitudesArgs { StructSize = (nuint)sizeof(QiboStateAmplitudesArgs), State = state, Count = 4, Data = a };
                    Check.True(api->StateGetAmplitudes(&get) == null, "get_amplitudes failed");
                }
                api->StateDestroy(state);
                results.Add(amps);
            }
            // An op_size the header does not allow: below 64, or not a multiple of 8.
            foreach (uint stride in new uint[] { 56, 68 })
            {
                var state = CreateState(api, backend, 2);
                fixed (double* m = matrices)
                fixed (uint* q = qubits)
                {
                    var circuit = new QiboCircuit
                    {
                        StructSize = (nuint)sizeof(QiboCircuit), NQubits = 2, OpSize = stride, NOps = 1, Ops = records,
                        Qubits = q, NQubitRefs = 2, Matrices = m, NMatrixValues = 8,
                    };
                    var apply = new QiboStateApplyArgs { StructSize = (nuint)sizeof(QiboStateApplyArgs), State = state, Circuit = &circuit };
                    ExpectCode(api, api->StateApply(&apply), QiboErrorCode.InvalidArgument, $"state_apply with op_size {stride} (at least 64 and a multiple of 8)");
                }
                api->StateDestroy(state);
            }

            // H⊗X |00⟩ = (|01⟩ + |11⟩)/√2: amplitudes 1 and 3.
            double[] expected = [0, 0, r, 0, 0, 0, r, 0];
            for (int i = 0; i < 8; i++)
            {
                Check.Close(expected[i], results[0][i], 1e-12, $"stride 64, value {i}");
                Check.Close(expected[i], results[1][i], 1e-12, $"stride 80, value {i}");
            }
        }
        finally
        {
            api->BackendDestroy(backend);
        }
    }

    private static void RepeatedCircuit(ConformanceContext c)
    {
        QiboBackendApi* api = Table(c);
        QiboBackend* backend = CreateBackend(api, c);
        try
        {
            // RY(a) as a MATRIX on one qubit, then X on another as a MATRIX: a|00> -> (cos(a/2)|0> + sin(a/2)|1>)(X on q1).
            double[] matrices = new double[16];
            uint[] qubits = [0, 1];
            var records = new QiboOp[2];
            records[0] = new QiboOp { Kind = QiboOpKind.Matrix, NTargets = 1, QubitsOffset = 0, MatrixOffset = 0, Cbit = -1 };
            records[1] = new QiboOp { Kind = QiboOpKind.Matrix, NTargets = 1, QubitsOffset = 1, MatrixOffset = 4, Cbit = -1 };
            void SetAngle(double a)
            {
                double cos = Math.Cos(a / 2), sin = Math.Sin(a / 2);
                double[] ry = [cos, 0, -sin, 0, sin, 0, cos, 0], x = [0, 0, 1, 0, 1, 0, 0, 0];
                ry.CopyTo(matrices, 0);
                x.CopyTo(matrices, 8);
            }
            double[] Run(uint stateQubits, uint circuitQubits, QiboErrorCode expected, string what)
            {
                QiboState* state = CreateState(api, backend, stateQubits);
                try
                {
                    fixed (double* m = matrices)
                    fixed (uint* q = qubits)
                    fixed (QiboOp* r = records)
                    {
                        var circuit = new QiboCircuit
                        {
                            StructSize = (nuint)sizeof(QiboCircuit), NQubits = circuitQubits, OpSize = (uint)sizeof(QiboOp), NOps = 2,
                            Ops = r, Qubits = q, NQubitRefs = 2, Matrices = m, NMatrixValues = 8,
                        };
                        var apply = new QiboStateApplyArgs { StructSize = (nuint)sizeof(QiboStateApplyArgs), State = state, Circuit = &circuit };
                        QiboError* error = api->StateApply(&apply);
                        if (expected != QiboErrorCode.Ok)
                        {
                            ExpectCode(api, error, expected, what);
                            return [];
                        }
                        Check.True(error == null, $"{what}: {Message(api, error)}");
                    }
                    var amps = new double[2 << (int)stateQubits];
                    fixed (double* a = amps)
                    {
                        var get = new QiboStateAmplitudesArgs { StructSize = (nuint)sizeof(QiboStateAmplitudesArgs), State = state, Count = 1UL << (int)stateQubits, Data = a };
                        Check.True(api->StateGetAmplitudes(&get) == null, $"{what}: get_amplitudes failed");
                    }
                    return amps;
                }
                finally
                {
                    api->StateDestroy(state);
                }
            }
            void Expect(double angle, double[] amps, string what)
            {
                // Qubit 0 is the most significant bit: |01> (index 1) and |11> (index 3) hold cos and sin.
                double[] expected = [0, 0, Math.Cos(angle / 2), 0, 0, 0, Math.Sin(angle / 2), 0];
                for (int i = 0; i < 8; i++) Check.Close(expected[i], amps[i], 1e-12, $"{what}, value {i}");
            }

            SetAngle(0.5);
            for (int round = 0; round < 3; round++) Expect(0.5, Run(2, 2, QiboErrorCode.Ok, $"round {round}"), $"round {round}");
            SetAngle(1.25);
            Expect(1.25, Run(2, 2, QiboErrorCode.Ok, "matrix values changed in place"), "matrix values changed in place");
            qubits[0] = 1;
            qubits[1] = 0;
            // RY on qubit 1, X on qubit 0: cos at |10> (index 2), sin at |11> (index 3).
            double[] swapped = Run(2, 2, QiboErrorCode.Ok, "qubits changed in place");
            double[] expectedSwapped = [0, 0, 0, 0, Math.Cos(1.25 / 2), 0, Math.Sin(1.25 / 2), 0];
            for (int i = 0; i < 8; i++) Check.Close(expectedSwapped[i], swapped[i], 1e-12, $"qubits changed in place, value {i}");
            Run(3, 2, QiboErrorCode.InvalidArgument, "a 2-qubit circuit on a 3-qubit state");
        }
        finally
        {
            api->BackendDestroy(backend);
        }
    }

    private static void StateCreateErrors(ConformanceContext c)
    {
        QiboBackendApi* api = Table(c);
        QiboBackend* backend = CreateBackend(api, c);
        try
        {
            void Refused(string what, QiboStateCreateArgs args, QiboErrorCode code)
            {
                args.StructSize = (nuint)sizeof(QiboStateCreateArgs);
                args.Backend = backend;
                QiboError* error = api->StateCreate(&args);
                if (error == null) api->StateDestroy(args.State);
                ExpectCode(api, error, code, $"state_create with {what}");
            }
            var vector = new QiboStateCreateArgs { NQubits = 2, Precision = QiboPrecision.Complex128, Kind = QiboStateKind.Vector };
            Refused("n_qubits = 0", vector with { NQubits = 0 }, QiboErrorCode.InvalidArgument);
            Refused("precision 99", vector with { Precision = (QiboPrecision)99 }, QiboErrorCode.InvalidArgument);
            Refused("state kind 7", vector with { Kind = (QiboStateKind)7 }, QiboErrorCode.InvalidArgument);
            Refused("reserved = 1", vector with { Reserved = 1 }, QiboErrorCode.InvalidArgument);
            Refused("a density matrix (reserved for ABI 1.x)", vector with { Kind = QiboStateKind.DensityMatrix }, QiboErrorCode.Unsupported);
            // This backend instance has default options, so its limits are read from it, not from the one under test.
            var info = new QiboBackendInfo { StructSize = (nuint)sizeof(QiboBackendInfo) };
            var get = new QiboBackendGetInfoArgs { StructSize = (nuint)sizeof(QiboBackendGetInfoArgs), Backend = backend, Info = &info };
            QiboError* failed = api->BackendGetInfo(&get);
            Check.True(failed == null, $"backend_get_info failed: {Message(api, failed)}");
            if (info.MaxQubits < 62) Refused($"{info.MaxQubits + 1} qubits (max_qubits is {info.MaxQubits})", vector with { NQubits = info.MaxQubits + 1 }, QiboErrorCode.Unsupported);
            if ((info.Precisions & QiboPrecision.Complex64) == 0)
                Refused("complex64, which the backend does not offer", vector with { Precision = QiboPrecision.Complex64 }, QiboErrorCode.Unsupported);
        }
        finally
        {
            api->BackendDestroy(backend);
        }
    }

    internal static void ExpectCode(QiboBackendApi* api, QiboError* error, QiboErrorCode code, string what)
    {
        Check.True(error != null, $"{what} succeeded; the header says {ErrorCases.CodeName(code)}");
        QiboErrorCode actual = api->ErrorCode(error);
        string message = Message(api, error);
        Check.True(actual == code, $"{what}: refused with {ErrorCases.CodeName(actual)} ({message}); the header says {ErrorCases.CodeName(code)}");
    }

    /// <summary>
    /// backend_create with the options the backend under test was created with (a library can be several backends:
    /// libqibo_cpu.so with "mpi" is the mpi mode), so the raw-table cases test that backend, not the library's default.
    /// </summary>
    internal static QiboBackend* CreateBackend(QiboBackendApi* api, ConformanceContext c)
    {
        byte[] options = System.Text.Encoding.UTF8.GetBytes(c.Backend.Info.CreateOptions + "\0");
        fixed (byte* p = options)
        {
            var args = new QiboBackendCreateArgs { StructSize = (nuint)sizeof(QiboBackendCreateArgs), Options = p };
            QiboError* error = api->BackendCreate(&args);
            string described = c.Backend.Info.CreateOptions.Length == 0 ? "default options" : $"options '{c.Backend.Info.CreateOptions}'";
            Check.True(error == null && args.Backend != null, $"backend_create with {described} failed: {Message(api, error)}");
            return args.Backend;
        }
    }

    private static QiboState* CreateState(QiboBackendApi* api, QiboBackend* backend, uint n)
    {
        var args = new QiboStateCreateArgs { StructSize = (nuint)sizeof(QiboStateCreateArgs), Backend = backend, NQubits = n, Precision = QiboPrecision.Complex128 };
        QiboError* error = api->StateCreate(&args);
        Check.True(error == null && args.State != null, $"state_create failed: {Message(api, error)}");
        return args.State;
    }

    private static void ExpectError(QiboBackendApi* api, QiboError* error, string what)
    {
        Check.True(error != null, $"{what} succeeded; it must return an error");
        Check.True(api->ErrorCode(error) != QiboErrorCode.Ok, $"{what}: error object with code QIBO_OK");
        api->ErrorDestroy(error);
    }

    internal static string Message(QiboBackendApi* api, QiboError* error)
    {
        if (error == null) return "(no error object)";
        string text = Marshal.PtrToStringUTF8((nint)api->ErrorMessage(error)) ?? "";
        api->ErrorDestroy(error);
        return text;
    }
}
