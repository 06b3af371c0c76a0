using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using QiboAccel.Abi;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Abi;

/// <summary>
/// The C# mirror (abi/QiboAccel.Abi) must lay out every struct exactly as a C compiler lays out
/// abi/include/qibo/backend.h, and carry the same enum values and version. The facts about the header
/// come from layout_probe.c, compiled with gcc; the facts about the mirror from the map below, which names
/// every C item's C# counterpart. A C item without a mapping, or a C# field or enum member without a C
/// item, fails: adding to one side without the other is caught here.
/// </summary>
public sealed unsafe class AbiLayoutTests
{
    // ---------------------------------------------------------------- the map: C names -> C# mirror

    private unsafe delegate void* FieldAddress<T>(T* s) where T : unmanaged;

    internal sealed record StructMap(string CName, Type Type, int Size);

    private sealed record FieldMap(string CName, Type Struct, string CsName, long Offset);

    private static StructMap S<T>(string cName) where T : unmanaged => new(cName, typeof(T), Unsafe.SizeOf<T>());

    /// <summary>A C field, its C# field (by name, for its type) and its address (for its offset).</summary>
    private static FieldMap F<T>(string cName, string csName, FieldAddress<T> address) where T : unmanaged
    {
        T value = default;
        long offset = (byte*)address(&value) - (byte*)&value;
        return new FieldMap(cName, typeof(T), csName, offset);
    }

    /// <summary>Every struct of the header and its C# mirror (also read by AbiManifestTests).</summary>
    internal static readonly StructMap[] Structs =
    [
        S<QiboOp>("qibo_op"),
        S<QiboCircuit>("qibo_circuit"),
        S<QiboBackendInfo>("qibo_backend_info"),
        S<QiboBackendCreateArgs>("qibo_backend_create_args"),
        S<QiboBackendGetInfoArgs>("qibo_backend_get_info_args"),
        S<QiboStateCreateArgs>("qibo_state_create_args"),
        S<QiboStateResetArgs>("qibo_state_reset_args"),
        S<QiboStateAmplitudesArgs>("qibo_state_amplitudes_args"),
        S<QiboStateApplyArgs>("qibo_state_apply_args"),
        S<QiboStateProbabilitiesArgs>("qibo_state_probabilities_args"),
        S<QiboStateSampleArgs>("qibo_state_sample_args"),
        S<QiboStateCopyArgs>("qibo_state_copy_args"),
        S<QiboStateInnerProductArgs>("qibo_state_inner_product_args"),
        S<QiboPauliTerm>("qibo_pauli_term"),
        S<QiboStateExpectationArgs>("qibo_state_expectation_args"),
        S<QiboBackendApi>("qibo_backend_api"),
        S<QiboApiRequest>("qibo_api_request"),
    ];

    private static readonly FieldMap[] Fields =
    [
        F<QiboOp>("qibo_op.kind", nameof(QiboOp.Kind), p => &p->Kind),
        F<QiboOp>("qibo_op.n_targets", nameof(QiboOp.NTargets), p => &p->NTargets),
        F<QiboOp>("qibo_op.n_controls", nameof(QiboOp.NControls), p => &p->NControls),
        F<QiboOp>("qibo_op.qubits_offset", nameof(QiboOp.QubitsOffset), p => &p->QubitsOffset),
        F<QiboOp>("qibo_op.matrix_offset", nameof(QiboOp.MatrixOffset), p => &p->MatrixOffset),
        F<QiboOp>("qibo_op.cbit", nameof(QiboOp.Cbit), p => &p->Cbit),
        F<QiboOp>("qibo_op.flags", nameof(QiboOp.Flags), p => &p->Flags),
        F<QiboOp>("qibo_op.params", nameof(QiboOp.Params), p => &p->Params),

        F<QiboCircuit>("qibo_circuit.struct_size", nameof(QiboCircuit.StructSize), p => &p->StructSize),
        F<QiboCircuit>("qibo_circuit.n_qubits", nameof(QiboCircuit.NQubits), p => &p->NQubits),
        F<QiboCircuit>("qibo_circuit.op_size", nameof(QiboCircuit.OpSize), p => &p->OpSize),
        F<QiboCircuit>("qibo_circuit.n_ops", nameof(QiboCircuit.NOps), p => &p->NOps),
        F<QiboCircuit>("qibo_circuit.ops", nameof(QiboCircuit.Ops), p => &p->Ops),
        F<QiboCircuit>("qibo_circuit.qubits", nameof(QiboCircuit.Qubits), p => &p->Qubits),
        F<QiboCircuit>("qibo_circuit.n_qubit_refs", nameof(QiboCircuit.NQubitRefs), p => &p->NQubitRefs),
        F<QiboCircuit>("qibo_circuit.matrices", nameof(QiboCircuit.Matrices), p => &p->Matrices),
        F<QiboCircuit>("qibo_circuit.n_matrix_values", nameof(QiboCircuit.NMatrixValues), p => &p->NMatrixValues),

        F<QiboBackendInfo>("qibo_backend_info.struct_size", nameof(QiboBackendInfo.StructSize), p => &p->StructSize),
        F<QiboBackendInfo>("qibo_backend_info.name", nameof(QiboBackendInfo.Name), p => &p->Name),
        F<QiboBackendInfo>("qibo_backend_info.version", nameof(QiboBackendInfo.Version), p => &p->Version),
        F<QiboBackendInfo>("qibo_backend_info.description", nameof(QiboBackendInfo.Description), p => &p->Description),
        F<QiboBackendInfo>("qibo_backend_info.device", nameof(QiboBackendInfo.Device), p => &p->Device),
        F<QiboBackendInfo>("qibo_backend_info.max_qubits", nameof(QiboBackendInfo.MaxQubits), p => &p->MaxQubits),
        F<QiboBackendInfo>("qibo_backend_info.precisions", nameof(QiboBackendInfo.Precisions), p => &p->Precisions),
        F<QiboBackendInfo>("qibo_backend_info.state_kinds", nameof(QiboBackendInfo.StateKinds), p => &p->StateKinds),
        F<QiboBackendInfo>("qibo_backend_info.max_matrix_targets", nameof(QiboBackendInfo.MaxMatrixTargets), p => &p->MaxMatrixTargets),
        F<QiboBackendInfo>("qibo_backend_info.native_ops", nameof(QiboBackendInfo.NativeOps), p => &p->NativeOps),

        F<QiboBackendCreateArgs>("qibo_backend_create_args.struct_size", nameof(QiboBackendCreateArgs.StructSize), p => &p->StructSize),
        F<QiboBackendCreateArgs>("qibo_backend_create_args.options", nameof(QiboBackendCreateArgs.Options), p => &p->Options),
        F<QiboBackendCreateArgs>("qibo_backend_create_args.backend", nameof(QiboBackendCreateArgs.Backend), p => &p->Backend),

        F<QiboBackendGetInfoArgs>("qibo_backend_get_info_args.struct_size", nameof(QiboBackendGetInfoArgs.StructSize), p => &p->StructSize),
        F<QiboBackendGetInfoArgs>("qibo_backend_get_info_args.backend", nameof(QiboBackendGetInfoArgs.Backend), p => &p->Backend),
        F<QiboBackendGetInfoArgs>("qibo_backend_get_info_args.info", nameof(QiboBackendGetInfoArgs.Info), p => &p->Info),

        F<QiboStateCreateArgs>("qibo_state_create_args.struct_size", nameof(QiboStateCreateArgs.StructSize), p => &p->StructSize),
        F<QiboStateCreateArgs>("qibo_state_create_args.backend", nameof(QiboStateCreateArgs.Backend), p => &p->Backend),
        F<QiboStateCreateArgs>("qibo_state_create_args.n_qubits", nameof(QiboStateCreateArgs.NQubits), p => &p->NQubits),
        F<QiboStateCreateArgs>("qibo_state_create_args.precision", nameof(QiboStateCreateArgs.Precision), p => &p->Precision),
        F<QiboStateCreateArgs>("qibo_state_create_args.kind", nameof(QiboStateCreateArgs.Kind), p => &p->Kind),
        F<QiboStateCreateArgs>("qibo_state_create_args.reserved", nameof(QiboStateCreateArgs.Reserved), p => &p->Reserved),
        F<QiboStateCreateArgs>("qibo_state_create_args.state", nameof(QiboStateCreateArgs.State), p => &p->State),

        F<QiboStateResetArgs>("qibo_state_reset_args.struct_size", nameof(QiboStateResetArgs.StructSize), p => &p->StructSize),
        F<QiboStateResetArgs>("qibo_state_reset_args.state", nameof(QiboStateResetArgs.State), p => &p->State),

        F<QiboStateAmplitudesArgs>("qibo_state_amplitudes_args.struct_size", nameof(QiboStateAmplitudesArgs.StructSize), p => &p->StructSize),
        F<QiboStateAmplitudesArgs>("qibo_state_amplitudes_args.state", nameof(QiboStateAmplitudesArgs.State), p => &p->State),
        F<QiboStateAmplitudesArgs>("qibo_state_amplitudes_args.offset", nameof(QiboStateAmplitudesArgs.Offset), p => &p->Offset),
        F<QiboStateAmplitudesArgs>("qibo_state_amplitudes_args.count", nameof(QiboStateAmplitudesArgs.Count), p => &p->Count),
        F<QiboStateAmplitudesArgs>("qibo_state_amplitudes_args.data", nameof(QiboStateAmplitudesArgs.Data), p => &p->Data),

        F<QiboStateApplyArgs>("qibo_state_apply_args.struct_size", nameof(QiboStateApplyArgs.StructSize), p => &p->StructSize),
        F<QiboStateApplyArgs>("qibo_state_apply_args.state", nameof(QiboStateApplyArgs.State), p => &p->State),
        F<QiboStateApplyArgs>("qibo_state_apply_args.circuit", nameof(QiboStateApplyArgs.Circuit), p => &p->Circuit),
        F<QiboStateApplyArgs>("qibo_state_apply_args.randoms", nameof(QiboStateApplyArgs.Randoms), p => &p->Randoms),
        F<QiboStateApplyArgs>("qibo_state_apply_args.n_randoms", nameof(QiboStateApplyArgs.NRandoms), p => &p->NRandoms),
        F<QiboStateApplyArgs>("qibo_state_apply_args.cbits", nameof(QiboStateApplyArgs.Cbits), p => &p->Cbits),
        F<QiboStateApplyArgs>("qibo_state_apply_args.n_cbits", nameof(QiboStateApplyArgs.NCbits), p => &p->NCbits),

        F<QiboStateProbabilitiesArgs>("qibo_state_probabilities_args.struct_size", nameof(QiboStateProbabilitiesArgs.StructSize), p => &p->StructSize),
        F<QiboStateProbabilitiesArgs>("qibo_state_probabilities_args.state", nameof(QiboStateProbabilitiesArgs.State), p => &p->State),
        F<QiboStateProbabilitiesArgs>("qibo_state_probabilities_args.qubits", nameof(QiboStateProbabilitiesArgs.Qubits), p => &p->Qubits),
        F<QiboStateProbabilitiesArgs>("qibo_state_probabilities_args.n_qubits", nameof(QiboStateProbabilitiesArgs.NQubits), p => &p->NQubits),
        F<QiboStateProbabilitiesArgs>("qibo_state_probabilities_args.reserved", nameof(QiboStateProbabilitiesArgs.Reserved), p => &p->Reserved),
        F<QiboStateProbabilitiesArgs>("qibo_state_probabilities_args.out", nameof(QiboStateProbabilitiesArgs.Out), p => &p->Out),

        F<QiboStateSampleArgs>("qibo_state_sample_args.struct_size", nameof(QiboStateSampleArgs.StructSize), p => &p->StructSize),
        F<QiboStateSampleArgs>("qibo_state_sample_args.state", nameof(QiboStateSampleArgs.State), p => &p->State),
        F<QiboStateSampleArgs>("qibo_state_sample_args.qubits", nameof(QiboStateSampleArgs.Qubits), p => &p->Qubits),
        F<QiboStateSampleArgs>("qibo_state_sample_args.n_qubits", nameof(QiboStateSampleArgs.NQubits), p => &p->NQubits),
        F<QiboStateSampleArgs>("qibo_state_sample_args.reserved", nameof(QiboStateSampleArgs.Reserved), p => &p->Reserved),
        F<QiboStateSampleArgs>("qibo_state_sample_args.n_shots", nameof(QiboStateSampleArgs.NShots), p => &p->NShots),
        F<QiboStateSampleArgs>("qibo_state_sample_args.randoms", nameof(QiboStateSampleArgs.Randoms), p => &p->Randoms),
        F<QiboStateSampleArgs>("qibo_state_sample_args.outcomes", nameof(QiboStateSampleArgs.Outcomes), p => &p->Outcomes),

        F<QiboStateCopyArgs>("qibo_state_copy_args.struct_size", nameof(QiboStateCopyArgs.StructSize), p => &p->StructSize),
        F<QiboStateCopyArgs>("qibo_state_copy_args.source", nameof(QiboStateCopyArgs.Source), p => &p->Source),
        F<QiboStateCopyArgs>("qibo_state_copy_args.destination", nameof(QiboStateCopyArgs.Destination), p => &p->Destination),

        F<QiboStateInnerProductArgs>("qibo_state_inner_product_args.struct_size", nameof(QiboStateInnerProductArgs.StructSize), p => &p->StructSize),
        F<QiboStateInnerProductArgs>("qibo_state_inner_product_args.bra", nameof(QiboStateInnerProductArgs.Bra), p => &p->Bra),
        F<QiboStateInnerProductArgs>("qibo_state_inner_product_args.ket", nameof(QiboStateInnerProductArgs.Ket), p => &p->Ket),
        F<QiboStateInnerProductArgs>("qibo_state_inner_product_args.out", nameof(QiboStateInnerProductArgs.Out), p => &p->Out),

        F<QiboPauliTerm>("qibo_pauli_term.coefficient", nameof(QiboPauliTerm.Coefficient), p => &p->Coefficient),
        F<QiboPauliTerm>("qibo_pauli_term.x_mask", nameof(QiboPauliTerm.XMask), p => &p->XMask),
        F<QiboPauliTerm>("qibo_pauli_term.y_mask", nameof(QiboPauliTerm.YMask), p => &p->YMask),
        F<QiboPauliTerm>("qibo_pauli_term.z_mask", nameof(QiboPauliTerm.ZMask), p => &p->ZMask),

        F<QiboStateExpectationArgs>("qibo_state_expectation_args.struct_size", nameof(QiboStateExpectationArgs.StructSize), p => &p->StructSize),
        F<QiboStateExpectationArgs>("qibo_state_expectation_args.state", nameof(QiboStateExpectationArgs.State), p => &p->State),
        F<QiboStateExpectationArgs>("qibo_state_expectation_args.terms", nameof(QiboStateExpectationArgs.Terms), p => &p->Terms),
        F<QiboStateExpectationArgs>("qibo_state_expectation_args.n_terms", nameof(QiboStateExpectationArgs.NTerms), p => &p->NTerms),
        F<QiboStateExpectationArgs>("qibo_state_expectation_args.term_size", nameof(QiboStateExpectationArgs.TermSize), p => &p->TermSize),
        F<QiboStateExpectationArgs>("qibo_state_expectation_args.reserved", nameof(QiboStateExpectationArgs.Reserved), p => &p->Reserved),
        F<QiboStateExpectationArgs>("qibo_state_expectation_args.out", nameof(QiboStateExpectationArgs.Out), p => &p->Out),

        F<QiboBackendApi>("qibo_backend_api.struct_size", nameof(QiboBackendApi.StructSize), p => &p->StructSize),
        F<QiboBackendApi>("qibo_backend_api.abi_major", nameof(QiboBackendApi.AbiMajor), p => &p->AbiMajor),
        F<QiboBackendApi>("qibo_backend_api.abi_minor", nameof(QiboBackendApi.AbiMinor), p => &p->AbiMinor),
        F<QiboBackendApi>("qibo_backend_api.error_code", nameof(QiboBackendApi.ErrorCode), p => &p->ErrorCode),
        F<QiboBackendApi>("qibo_backend_api.error_message", nameof(QiboBackendApi.ErrorMessage), p => &p->ErrorMessage),
        F<QiboBackendApi>("qibo_backend_api.error_op_index", nameof(QiboBackendApi.ErrorOpIndex), p => &p->ErrorOpIndex),
        F<QiboBackendApi>("qibo_backend_api.error_destroy", nameof(QiboBackendApi.ErrorDestroy), p => &p->ErrorDestroy),
        F<QiboBackendApi>("qibo_backend_api.backend_create", nameof(QiboBackendApi.BackendCreate), p => &p->BackendCreate),
        F<QiboBackendApi>("qibo_backend_api.backend_destroy", nameof(QiboBackendApi.BackendDestroy), p => &p->BackendDestroy),
        F<QiboBackendApi>("qibo_backend_api.backend_get_info", nameof(QiboBackendApi.BackendGetInfo), p => &p->BackendGetInfo),
        F<QiboBackendApi>("qibo_backend_api.state_create", nameof(QiboBackendApi.StateCreate), p => &p->StateCreate),
        F<QiboBackendApi>("qibo_backend_api.state_destroy", nameof(QiboBackendApi.StateDestroy), p => &p->StateDestroy),
        F<QiboBackendApi>("qibo_backend_api.state_reset", nameof(QiboBackendApi.StateReset), p => &p->StateReset),
        F<QiboBackendApi>("qibo_backend_api.state_set_amplitudes", nameof(QiboBackendApi.StateSetAmplitudes), p => &p->StateSetAmplitudes),
        F<QiboBackendApi>("qibo_backend_api.state_get_amplitudes", nameof(QiboBackendApi.StateGetAmplitudes), p => &p->StateGetAmplitudes),
        F<QiboBackendApi>("qibo_backend_api.state_apply", nameof(QiboBackendApi.StateApply), p => &p->StateApply),
        F<QiboBackendApi>("qibo_backend_api.state_probabilities", nameof(QiboBackendApi.StateProbabilities), p => &p->StateProbabilities),
        F<QiboBackendApi>("qibo_backend_api.state_sample", nameof(QiboBackendApi.StateSample), p => &p->StateSample),
        F<QiboBackendApi>("qibo_backend_api.state_copy", nameof(QiboBackendApi.StateCopy), p => &p->StateCopy),
        F<QiboBackendApi>("qibo_backend_api.state_inner_product", nameof(QiboBackendApi.StateInnerProduct), p => &p->StateInnerProduct),
        F<QiboBackendApi>("qibo_backend_api.state_expectation", nameof(QiboBackendApi.StateExpectation), p => &p->StateExpectation),

        F<QiboApiRequest>("qibo_api_request.struct_size", nameof(QiboApiRequest.StructSize), p => &p->StructSize),
        F<QiboApiRequest>("qibo_api_request.host_major", nameof(QiboApiRequest.HostMajor), p => &p->HostMajor),
        F<QiboApiRequest>("qibo_api_request.host_minor", nameof(QiboApiRequest.HostMinor), p => &p->HostMinor),
        F<QiboApiRequest>("qibo_api_request.backend_major", nameof(QiboApiRequest.BackendMajor), p => &p->BackendMajor),
        F<QiboApiRequest>("qibo_api_request.backend_minor", nameof(QiboApiRequest.BackendMinor), p => &p->BackendMinor),
        F<QiboApiRequest>("qibo_api_request.api", nameof(QiboApiRequest.Api), p => &p->Api),
    ];

    private static readonly Dictionary<string, Enum> EnumConstants = new()
    {
        ["QIBO_OK"] = QiboErrorCode.Ok,
        ["QIBO_ERROR_INVALID_ARGUMENT"] = QiboErrorCode.InvalidArgument,
        ["QIBO_ERROR_UNSUPPORTED"] = QiboErrorCode.Unsupported,
        ["QIBO_ERROR_OUT_OF_MEMORY"] = QiboErrorCode.OutOfMemory,
        ["QIBO_ERROR_VERSION_MISMATCH"] = QiboErrorCode.VersionMismatch,
        ["QIBO_ERROR_DEVICE"] = QiboErrorCode.Device,
        ["QIBO_ERROR_INTERNAL"] = QiboErrorCode.Internal,

        ["QIBO_PRECISION_COMPLEX128"] = QiboPrecision.Complex128,
        ["QIBO_PRECISION_COMPLEX64"] = QiboPrecision.Complex64,

        ["QIBO_STATE_VECTOR"] = QiboStateKind.Vector,
        ["QIBO_STATE_DENSITY_MATRIX"] = QiboStateKind.DensityMatrix,

        ["QIBO_OP_INVALID"] = QiboOpKind.Invalid,
        ["QIBO_OP_MATRIX"] = QiboOpKind.Matrix,
        ["QIBO_OP_DIAGONAL"] = QiboOpKind.Diagonal,
        ["QIBO_OP_MEASURE"] = QiboOpKind.Measure,
        ["QIBO_OP_I"] = QiboOpKind.I,
        ["QIBO_OP_H"] = QiboOpKind.H,
        ["QIBO_OP_X"] = QiboOpKind.X,
        ["QIBO_OP_Y"] = QiboOpKind.Y,
        ["QIBO_OP_Z"] = QiboOpKind.Z,
        ["QIBO_OP_S"] = QiboOpKind.S,
        ["QIBO_OP_SDG"] = QiboOpKind.Sdg,
        ["QIBO_OP_T"] = QiboOpKind.T,
        ["QIBO_OP_TDG"] = QiboOpKind.Tdg,
        ["QIBO_OP_SX"] = QiboOpKind.SX,
        ["QIBO_OP_SXDG"] = QiboOpKind.SXdg,
        ["QIBO_OP_RX"] = QiboOpKind.RX,
        ["QIBO_OP_RY"] = QiboOpKind.RY,
        ["QIBO_OP_RZ"] = QiboOpKind.RZ,
        ["QIBO_OP_U1"] = QiboOpKind.U1,
        ["QIBO_OP_U2"] = QiboOpKind.U2,
        ["QIBO_OP_U3"] = QiboOpKind.U3,
        ["QIBO_OP_SWAP"] = QiboOpKind.Swap,
        ["QIBO_OP_ISWAP"] = QiboOpKind.ISwap,
        ["QIBO_OP_FSWAP"] = QiboOpKind.FSwap,
        ["QIBO_OP_FSIM"] = QiboOpKind.FSim,
        ["QIBO_OP_GENERALIZED_FSIM"] = QiboOpKind.GeneralizedFSim,
        ["QIBO_OP_RXX"] = QiboOpKind.RXX,
        ["QIBO_OP_RYY"] = QiboOpKind.RYY,
        ["QIBO_OP_RZZ"] = QiboOpKind.RZZ,
        ["QIBO_OP_KIND_COUNT"] = QiboOpKind.KindCount,
    };

    private static readonly Dictionary<string, long> Macros = new()
    {
        ["QIBO_ABI_VERSION_MAJOR"] = AbiVersion.Major,
        ["QIBO_ABI_VERSION_MINOR"] = AbiVersion.Minor,
    };

    private static readonly Dictionary<string, string> Functions = new()
    {
        ["qibo_backend_get_api"] = AbiVersion.EntryPoint,
    };

    private static readonly Dictionary<string, Type> Opaques = new()
    {
        ["qibo_error"] = typeof(QiboError),
        ["qibo_backend"] = typeof(QiboBackend),
        ["qibo_state"] = typeof(QiboState),
    };

    // ---------------------------------------------------------------- tests

    [Fact]
    public void Struct_sizes_match_the_header()
    {
        var failures = new List<string>();
        foreach (var item in AbiProbe.Items.Where(i => i.Kind == AbiItemKind.Struct))
        {
            var map = Structs.SingleOrDefault(s => s.CName == item.Name);
            if (map is null) continue; // reported by Every_probe_line_is_mapped
            if (map.Size != item.Size)
                failures.Add($"sizeof({item.Name}) is {item.Size} in C but Unsafe.SizeOf<{map.Type.Name}>() is {map.Size}");
        }
        AssertNone(failures);
    }

    [Fact]
    public void Field_offsets_match_the_header()
    {
        var failures = new List<string>();
        foreach (var item in AbiProbe.Items.Where(i => i.IsMember))
        {
            var map = Fields.SingleOrDefault(f => f.CName == item.Name);
            if (map is null) continue;
            if (map.Offset != item.Offset)
                failures.Add($"offsetof({item.Name}) is {item.Offset} in C but {map.Struct.Name}.{map.CsName} is at {map.Offset}");

            // The map gives each field twice (name and address); the marshaller's offset catches a map whose two disagree.
            long marshalled = Marshal.OffsetOf(map.Struct, map.CsName).ToInt64();
            if (marshalled != map.Offset)
                failures.Add($"{item.Name}: the map's address of {map.Struct.Name}.{map.CsName} is at {map.Offset} but Marshal.OffsetOf says {marshalled} (wrong map entry, or a non-blittable mirror)");
        }
        AssertNone(failures);
    }

    [Fact]
    public void Field_types_match_the_header()
    {
        var failures = new List<string>();
        foreach (var item in AbiProbe.Items.Where(i => i.IsMember))
        {
            var map = Fields.SingleOrDefault(f => f.CName == item.Name);
            if (map is null) continue;
            var field = map.Struct.GetField(map.CsName, BindingFlags.Public | BindingFlags.Instance);
            if (field is null)
            {
                failures.Add($"{item.Name}: {map.Struct.Name} has no public field {map.CsName}");
                continue;
            }
            string csType = AbiTypeOf(field.FieldType);
            if (csType != item.Type)
                failures.Add($"{item.Name} is {item.Type} in C but {map.Struct.Name}.{map.CsName} is {field.FieldType} ({csType})");
        }
        AssertNone(failures);
    }

    [Fact]
    public void Enum_values_match_the_header()
    {
        var failures = new List<string>();
        foreach (var item in AbiProbe.Items.Where(i => i.Kind == AbiItemKind.Enum))
        {
            if (!EnumConstants.TryGetValue(item.Name, out var member)) continue;
            long value = Convert.ToInt64(member, CultureInfo.InvariantCulture);
            if (value != item.Value)
                failures.Add($"{item.Name} is {item.Value} in C but {member.GetType().Name}.{member} is {value}");
            if (Enum.GetUnderlyingType(member.GetType()) != typeof(uint))
                failures.Add($"{member.GetType().Name} must be an enum : uint (C enums cross as uint32_t)");
        }
        AssertNone(failures.Distinct().ToList());
    }

    [Fact]
    public void Version_macros_and_entry_point_match_the_header()
    {
        var failures = new List<string>();
        foreach (var item in AbiProbe.Items.Where(i => i.Kind == AbiItemKind.Macro))
        {
            if (Macros.TryGetValue(item.Name, out long value) && value != item.Value)
                failures.Add($"{item.Name} is {item.Value} in C but {value} in AbiVersion");
        }
        foreach (var item in AbiProbe.Items.Where(i => i.Kind == AbiItemKind.Function))
        {
            if (Functions.TryGetValue(item.Name, out var csName) && csName != item.Name)
                failures.Add($"the exported function is {item.Name} but AbiVersion.EntryPoint is {csName}");
        }
        foreach (var item in AbiProbe.Items.Where(i => i.Kind == AbiItemKind.Opaque))
        {
            if (Opaques.TryGetValue(item.Name, out var type)
                && (!type.IsValueType || type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length != 0))
                failures.Add($"{item.Name} is opaque in C, so {type.Name} must be a struct without fields");
        }
        AssertNone(failures);
    }

    /// <summary>Every line the probe printed has a C# counterpart in the map (no unmapped C name).</summary>
    [Fact]
    public void Every_probe_line_is_mapped()
    {
        var unmapped = AbiProbe.Items.Where(item => item.Kind switch
        {
            AbiItemKind.Struct => !Structs.Any(s => s.CName == item.Name),
            AbiItemKind.Field or AbiItemKind.Slot => !Fields.Any(f => f.CName == item.Name),
            AbiItemKind.Enum => !EnumConstants.ContainsKey(item.Name),
            AbiItemKind.Macro => !Macros.ContainsKey(item.Name),
            AbiItemKind.Function => !Functions.ContainsKey(item.Name),
            AbiItemKind.Opaque => !Opaques.ContainsKey(item.Name),
            _ => true,
        }).Select(item => $"{item.Kind.ToString().ToLowerInvariant()} {item.Name}: no C# mirror (add it to abi/QiboAccel.Abi and to the map in AbiLayoutTests)");

        // A map entry whose C name the probe did not print is stale (or the probe is missing the item).
        var probed = AbiProbe.Items.Select(i => i.Name).ToHashSet();
        var stale = Structs.Select(s => s.CName).Concat(Fields.Select(f => f.CName)).Concat(EnumConstants.Keys)
            .Concat(Macros.Keys).Concat(Functions.Keys).Concat(Opaques.Keys)
            .Where(name => !probed.Contains(name))
            .Select(name => $"{name}: mapped in AbiLayoutTests but not printed by layout_probe.c");

        AssertNone(unmapped.Concat(stale).ToList());
    }

    /// <summary>The mirror has nothing the header lacks: every C# field and enum member is mapped.</summary>
    [Fact]
    public void Every_mirror_member_is_mapped()
    {
        var failures = new List<string>();
        foreach (var s in Structs)
        {
            var mapped = Fields.Where(f => f.Struct == s.Type).Select(f => f.CsName).ToHashSet();
            foreach (var field in s.Type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (!mapped.Contains(field.Name))
                    failures.Add($"{s.Type.Name}.{field.Name} has no field in C struct {s.CName}");
            }
        }
        foreach (var enumType in EnumConstants.Values.Select(v => v.GetType()).Distinct())
        {
            foreach (var name in Enum.GetNames(enumType))
            {
                if (!EnumConstants.Values.Any(v => v.GetType() == enumType && v.ToString() == name))
                    failures.Add($"{enumType.Name}.{name} has no constant in the header");
            }
        }
        AssertNone(failures);
    }

    /// <summary>
    /// The probe is hand-written, so it could miss a field added to the header. Read the header's
    /// declarations (it is plain, regular C99) and check the probe printed each one.
    /// </summary>
    [Fact]
    public void Probe_covers_every_declaration_in_the_header()
    {
        var declared = HeaderDeclarations.Read(File.ReadAllText(AbiProbe.HeaderPath));
        var probed = AbiProbe.Items.Select(i => (i.Kind, i.Name)).ToHashSet();
        var missing = declared.Where(d => !probed.Contains(d))
            .Select(d => $"{d.Kind.ToString().ToLowerInvariant()} {d.Name} is declared in backend.h but layout_probe.c does not print it");
        var extra = probed.Where(p => !declared.Contains(p))
            .Select(p => $"{p.Kind.ToString().ToLowerInvariant()} {p.Name} is printed by layout_probe.c but not found in backend.h's declarations");
        AssertNone(missing.Concat(extra).ToList(), "difference(s) between backend.h and layout_probe.c (update the probe)");
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>The probe's name for a C# field type: u32, i64, f64, ptr, fnptr, f64[4], ...</summary>
    private static string AbiTypeOf(Type t)
    {
        if (t.IsFunctionPointer) return "fnptr";
        if (t.IsPointer) return "ptr";
        if (t.IsEnum) t = Enum.GetUnderlyingType(t);
        var inline = t.GetCustomAttribute<InlineArrayAttribute>();
        if (inline is not null)
        {
            var element = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Single();
            return $"{AbiTypeOf(element.FieldType)}[{inline.Length}]";
        }
        if (t == typeof(nuint)) return $"u{IntPtr.Size * 8}";
        if (t == typeof(nint)) return $"i{IntPtr.Size * 8}";
        if (t == typeof(byte)) return "u8";
        if (t == typeof(ushort)) return "u16";
        if (t == typeof(uint)) return "u32";
        if (t == typeof(ulong)) return "u64";
        if (t == typeof(sbyte)) return "i8";
        if (t == typeof(short)) return "i16";
        if (t == typeof(int)) return "i32";
        if (t == typeof(long)) return "i64";
        if (t == typeof(float)) return "f32";
        if (t == typeof(double)) return "f64";
        return $"unsupported ({t})";
    }

    private static void AssertNone(IReadOnlyCollection<string> failures, string what = "mismatch(es) between backend.h and the C# mirror")
    {
        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} {what}:\n  " + string.Join("\n  ", failures));
    }
}

/// <summary>Kinds of public item in the header, as the probe and abi/abi-manifest.txt name them.</summary>
internal enum AbiItemKind { Function, Macro, Opaque, Enum, Struct, Field, Slot }

/// <summary>One public item of the header as the C compiler sees it.</summary>
/// <param name="Kind">What it is. Table slots (function pointers of qibo_backend_api) are <see cref="AbiItemKind.Slot"/>.</param>
/// <param name="Name">C name; members are "struct.field".</param>
/// <param name="Size">sizeof, for structs.</param>
/// <param name="Offset">offsetof, for fields and slots.</param>
/// <param name="Type">u32, i64, f64[4], ptr, fnptr, ..., for fields and slots.</param>
/// <param name="Value">Value, for enum constants and macros.</param>
internal sealed record AbiItem(AbiItemKind Kind, string Name, long Size = 0, long Offset = 0, string Type = "", long Value = 0)
{
    public bool IsMember => Kind is AbiItemKind.Field or AbiItemKind.Slot;

    /// <summary>"qibo_op" for "qibo_op.kind".</summary>
    public string StructName => Name[..Name.IndexOf('.')];
}

/// <summary>Compiles and runs layout_probe.c once per test run; gcc is a prerequisite, so its absence fails.</summary>
internal static class AbiProbe
{
    private static readonly Lazy<IReadOnlyList<AbiItem>> LazyItems = new(Run);

    public static string HeaderPath => RepoPaths.Combine("abi", "include", "qibo", "backend.h");

    public static string ProbeSourcePath => RepoPaths.Combine("tests", "QiboAccel.Tests", "Abi", "layout_probe.c");

    /// <summary>The header's items in the order the probe printed them.</summary>
    public static IReadOnlyList<AbiItem> Items => LazyItems.Value;

    private static IReadOnlyList<AbiItem> Run()
    {
        var dir = Directory.CreateTempSubdirectory("qibo-abi-probe-");
        try
        {
            string exe = Path.Combine(dir.FullName, "layout_probe");
            RunProcess("gcc", ["-std=c99", "-Wall", "-Werror", "-I", RepoPaths.Combine("abi", "include"), ProbeSourcePath, "-o", exe],
                isCompiler: true);
            return Parse(RunProcess(exe, [], isCompiler: false));
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string RunProcess(string file, string[] args, bool isCompiler)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        }
        catch (Win32Exception e) when (isCompiler)
        {
            throw new InvalidOperationException(
                "gcc was not found on PATH. The ABI layout tests compile abi/include/qibo/backend.h with gcc to compare it "
                + "with the C# mirror; gcc is a prerequisite of this repository (its setup scripts install it). "
                + "Install gcc (e.g. apt-get install gcc) rather than skipping these tests.", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} did not finish within 2 minutes");
            }
            string output = stdout.GetAwaiter().GetResult();
            string errors = stderr.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{(isCompiler ? "compiling layout_probe.c" : "running layout_probe")} failed with exit code {process.ExitCode}:\n{errors}{output}");
            }
            return output;
        }
    }

    /// <summary>Parses the probe's output (format documented at the top of layout_probe.c).</summary>
    internal static IReadOnlyList<AbiItem> Parse(string output)
    {
        var items = new List<AbiItem>();
        var offsets = new Dictionary<string, long>();
        foreach (var raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0) continue;
            string[] w = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long Number(int i) => long.Parse(w[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            switch (w[0])
            {
                case "function" when w.Length == 2: items.Add(new AbiItem(AbiItemKind.Function, w[1])); break;
                case "opaque" when w.Length == 2: items.Add(new AbiItem(AbiItemKind.Opaque, w[1])); break;
                case "macro" when w.Length == 3: items.Add(new AbiItem(AbiItemKind.Macro, w[1], Value: Number(2))); break;
                case "enum" when w.Length == 3: items.Add(new AbiItem(AbiItemKind.Enum, w[1], Value: Number(2))); break;
                case "sizeof" when w.Length == 3: items.Add(new AbiItem(AbiItemKind.Struct, w[1], Size: Number(2))); break;
                case "offsetof" when w.Length == 3: offsets.Add(w[1], Number(2)); break;
                case "type" when w.Length == 3:
                    if (!offsets.Remove(w[1], out long offset))
                        throw new FormatException($"probe printed 'type {w[1]}' without 'offsetof {w[1]}' before it");
                    items.Add(new AbiItem(w[2] == "fnptr" ? AbiItemKind.Slot : AbiItemKind.Field, w[1], Offset: offset, Type: w[2]));
                    break;
                default:
                    throw new FormatException($"unexpected probe line: '{line}'");
            }
        }
        if (offsets.Count > 0)
            throw new FormatException($"probe printed offsetof without type for: {string.Join(", ", offsets.Keys)}");
        var duplicate = items.GroupBy(i => i.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new FormatException($"probe printed {duplicate.Key} twice");
        return items;
    }
}

/// <summary>
/// A deliberately small reader of backend.h's declarations: typedef'd structs and their members,
/// typedef'd enums and their constants, numeric QIBO_* macros, opaque handle typedefs, and functions
/// declared with QIBO_EXPORT. It relies on the header's plain style; if the header outgrows it, the
/// coverage test fails loudly rather than passing quietly.
/// </summary>
internal static class HeaderDeclarations
{
    public static HashSet<(AbiItemKind Kind, string Name)> Read(string header)
    {
        string text = Regex.Replace(header, @"/\*.*?\*/", " ", RegexOptions.Singleline);
        text = Regex.Replace(text, @"//[^\n]*", " ");
        var items = new HashSet<(AbiItemKind, string)>();

        foreach (Match m in Regex.Matches(text, @"^\s*#\s*define\s+(QIBO_\w+)\s+\(?-?\d+\)?\s*$", RegexOptions.Multiline))
            items.Add((AbiItemKind.Macro, m.Groups[1].Value));

        // Preprocessor lines (and their continuations) carry no declarations the probe prints.
        text = Regex.Replace(text, @"^\s*#(?:[^\n]*\\\n)*[^\n]*", " ", RegexOptions.Multiline);

        foreach (Match m in Regex.Matches(text, @"typedef\s+struct\s+(\w+)\s+\1\s*;"))
            items.Add((AbiItemKind.Opaque, m.Groups[1].Value));

        foreach (Match m in Regex.Matches(text, @"typedef\s+struct\s+(\w+)\s*\{([^{}]*)\}\s*\w+\s*;"))
        {
            string name = m.Groups[1].Value;
            items.Add((AbiItemKind.Struct, name));
            foreach (var decl in m.Groups[2].Value.Split(';').Select(d => d.Trim()).Where(d => d.Length > 0))
            {
                var slot = Regex.Match(decl, @"\(\s*\*\s*(\w+)\s*\)");
                if (slot.Success)
                {
                    items.Add((AbiItemKind.Slot, $"{name}.{slot.Groups[1].Value}"));
                    continue;
                }
                var field = Regex.Match(decl, @"(\w+)\s*(?:\[[^\]]*\])?$");
                if (!field.Success || decl.Contains(','))
                    throw new FormatException($"HeaderDeclarations cannot read the member declaration '{decl}' of {name}");
                items.Add((AbiItemKind.Field, $"{name}.{field.Groups[1].Value}"));
            }
        }

        foreach (Match m in Regex.Matches(text, @"typedef\s+enum\s+\w+\s*\{([^{}]*)\}"))
        {
            foreach (var constant in m.Groups[1].Value.Split(',').Select(c => c.Trim()).Where(c => c.Length > 0))
                items.Add((AbiItemKind.Enum, Regex.Match(constant, @"^\w+").Value));
        }

        foreach (Match m in Regex.Matches(text, @"QIBO_EXPORT\s+[^;(]*?(\w+)\s*\("))
            items.Add((AbiItemKind.Function, m.Groups[1].Value));

        return items;
    }
}
