using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.CApi.Interop;
using QiboAccel.CApi.Model;
using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Qasm;

namespace QiboAccel.CApi.Exports;

/// <summary>qiboaccel_circuit_* and qiboaccel_gate_lookup: building circuits by calls or from OpenQASM 2.0.</summary>
internal static unsafe class CircuitExports
{
    /// <summary>Larger than any state a backend takes (backend.h's qubit indices are 32-bit; 64 is far beyond memory).</summary>
    private const uint MaxQubits = 64;

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_create", CallConvs = [typeof(CallConvCdecl)])]
    public static nint Create(uint nQubits, nint* circuit)
    {
        try
        {
            if (circuit == null) throw CApiException.Invalid("circuit (the [out] handle) is NULL");
            *circuit = 0;
            if (nQubits < 1 || nQubits > MaxQubits) throw CApiException.Invalid($"a circuit needs 1 to {MaxQubits} qubits, got {nQubits}");
            *circuit = HandleTable.Add(new CircuitObject(new Circuit((int)nQubits), [], 0));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_from_qasm", CallConvs = [typeof(CallConvCdecl)])]
    public static nint FromQasm(byte* text, byte* sourceName, nint* circuit)
    {
        try
        {
            if (circuit == null) throw CApiException.Invalid("circuit (the [out] handle) is NULL");
            *circuit = 0;
            string source = Marshalling.String(text, "text")!;
            string name = Marshalling.String(sourceName, "source_name", allowNull: true) ?? "<input>";
            var warnings = new List<string>();
            var clock = Stopwatch.StartNew();
            Circuit parsed = QasmParser.Parse(source, name, warnings);
            *circuit = HandleTable.Add(new CircuitObject(parsed, warnings, clock.Elapsed.TotalSeconds));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_from_qasm_file", CallConvs = [typeof(CallConvCdecl)])]
    public static nint FromQasmFile(byte* path, nint* circuit)
    {
        try
        {
            if (circuit == null) throw CApiException.Invalid("circuit (the [out] handle) is NULL");
            *circuit = 0;
            string file = Marshalling.String(path, "path")!;
            var warnings = new List<string>();
            var clock = Stopwatch.StartNew();
            Circuit parsed = QasmParser.ParseFile(file, warnings);
            *circuit = HandleTable.Add(new CircuitObject(parsed, warnings, clock.Elapsed.TotalSeconds));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_destroy", CallConvs = [typeof(CallConvCdecl)])]
    public static void Destroy(nint circuit) => HandleTable.Destroy<CircuitObject>(circuit);

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_get_info", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetInfo(nint circuit, CircuitInfo* info)
    {
        try
        {
            var obj = HandleTable.Get<CircuitObject>(circuit, "circuit");
            Circuit c = obj.Circuit;
            Marshalling.Write(info, new CircuitInfo
            {
                NQubits = (uint)c.NQubits,
                NClbits = (uint)c.NClbits,
                NOperations = (ulong)c.Operations.Count,
                NRegisters = (uint)c.ClassicalRegisters.Count,
                NWarnings = (uint)obj.Warnings.Count,
                ParseSeconds = obj.ParseSeconds,
                NParameters = (uint)c.Parameters.Count,
            }, "info", CircuitInfo.V1_0);
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_get_register", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetRegister(nint circuit, uint index, RegisterInfo* info)
    {
        try
        {
            var obj = HandleTable.Get<CircuitObject>(circuit, "circuit");
            WriteRegister(obj.Circuit.ClassicalRegisters, index, obj.Strings, info);
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    /// <summary>Fills a qiboaccel_register_info (shared with the result's registers).</summary>
    public static void WriteRegister(IReadOnlyList<ClassicalRegister> registers, uint index, NativeStrings strings, RegisterInfo* info)
    {
        if (index >= (uint)registers.Count) throw CApiException.Invalid($"register index {index} is out of range ({registers.Count} register(s))");
        ClassicalRegister r = registers[(int)index];
        Marshalling.Write(info, new RegisterInfo { Name = strings.Get(r.Name), Offset = (uint)r.Offset, Size = (uint)r.Size }, "info");
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_get_warning", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetWarning(nint circuit, uint index, byte** message)
    {
        try
        {
            var obj = HandleTable.Get<CircuitObject>(circuit, "circuit");
            if (message == null) throw CApiException.Invalid("message is NULL");
            if (index >= (uint)obj.Warnings.Count) throw CApiException.Invalid($"warning index {index} is out of range ({obj.Warnings.Count} warning(s))");
            *message = obj.Strings.Get(obj.Warnings[(int)index].ReplaceLineEndings(" "));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_gate_lookup", CallConvs = [typeof(CallConvCdecl)])]
    public static nint Lookup(byte* name, GateInfo* info)
    {
        try
        {
            string text = Marshalling.String(name, "name")!;
            uint id = GateNames.Find(text) ?? throw CApiException.Invalid($"unknown gate '{text}' (known: {GateNames.Known})");
            GateDefinition def = GateDefinition.Of(GateNames.ById[id]);
            Marshalling.Write(info, new GateInfo
            {
                Gate = id,
                NQubits = (uint)(def.Kind == GateKind.Unitary ? 0 : def.BuiltInControls + def.Targets),
                NBuiltinControls = (uint)def.BuiltInControls,
                NParams = (uint)def.Parameters,
                TakesMatrix = def.Kind is GateKind.Unitary or GateKind.GeneralizedfSim ? 1u : 0u,
                Name = StaticNames.Get(def.Name),
            }, "info");
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_add_gate", CallConvs = [typeof(CallConvCdecl)])]
    public static nint AddGate(nint circuit, GateArgs* args)
    {
        try
        {
            var obj = HandleTable.Get<CircuitObject>(circuit, "circuit");
            GateArgs a = Marshalling.Read(args, "args", GateArgs.V1_0);
            string name = Marshalling.String(a.Name, "args->name")!;
            uint id = GateNames.Find(name) ?? throw CApiException.Invalid($"unknown gate '{name}' (known: {GateNames.Known})");
            if (a.Reserved != 0) throw CApiException.Invalid("args->reserved must be 0");
            Gate gate = GateFactory.Build(id,
                Marshalling.Span(a.Qubits, a.NQubits, "args->qubits"),
                Marshalling.Span(a.Controls, a.NControls, "args->controls"),
                Marshalling.Span(a.Params, a.NParams, "args->params"),
                Marshalling.Span(a.Matrix, checked(a.NMatrixValues * 2), "args->matrix"),
                a.ParamSymbols == null ? default : new ReadOnlySpan<int>(a.ParamSymbols, (int)a.NParams),
                a.ParamCoefficients == null ? default : new ReadOnlySpan<double>(a.ParamCoefficients, (int)a.NParams),
                obj.Circuit.Parameters);
            GateFactory.CheckRange(gate, obj.Circuit.NQubits);
            obj.Circuit.Add(gate);
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_add_gates", CallConvs = [typeof(CallConvCdecl)])]
    public static nint AddGates(nint circuit, GateBatch* batch)
    {
        try
        {
            var obj = HandleTable.Get<CircuitObject>(circuit, "circuit");
            GateBatch b = Marshalling.Read(batch, "batch", GateBatch.V1_0);
            if (b.Reserved != 0) throw CApiException.Invalid("batch->reserved must be 0");
            if (b.NGates == 0) return 0;
            if (b.RecordSize < sizeof(GateRecord) || b.RecordSize % 8 != 0)
            {
                throw CApiException.Invalid($"batch->record_size is {b.RecordSize}; it must be at least {sizeof(GateRecord)} and a multiple of 8");
            }
            if (b.Records == null) throw CApiException.Invalid($"batch->records is NULL but n_gates is {b.NGates}");
            if (b.NGates > int.MaxValue) throw CApiException.Invalid($"batch->n_gates {b.NGates} is too many for one call");
            var qubits = Marshalling.Span(b.Qubits, b.NQubitRefs, "batch->qubits");
            var parameters = Marshalling.Span(b.Params, b.NParams, "batch->params");
            var matrices = Marshalling.Span(b.Matrices, checked(b.NMatrixValues * 2), "batch->matrices");
            var symbols = b.ParamSymbols == null ? default : Marshalling.Span(b.ParamSymbols, b.NParams, "batch->param_symbols");
            var coefficients = b.ParamCoefficients == null ? default : Marshalling.Span(b.ParamCoefficients, b.NParams, "batch->param_coefficients");
            // All or nothing: every gate is built and checked before the first is appended.
            var gates = new Gate[(int)b.NGates];
            for (int i = 0; i < gates.Length; i++)
            {
                GateRecord r = *(GateRecord*)((byte*)b.Records + (long)i * b.RecordSize);
                try
                {
                    gates[i] = GateFactory.FromRecord(r, qubits, parameters, matrices, symbols, coefficients, obj.Circuit.Parameters);
                    GateFactory.CheckRange(gates[i], obj.Circuit.NQubits);
                }
                catch (Exception e) when (e is CApiException or ArgumentException)
                {
                    var (code, message) = NativeError.Classify(e);
                    string label = r.Gate < GateNames.ById.Length ? $" ({GateDefinition.Of(GateNames.ById[r.Gate]).Name})" : "";
                    throw new CApiException(code, $"gate #{i}{label}: {message}");
                }
            }
            foreach (Gate g in gates) obj.Circuit.Add(g);
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_add_parameter", CallConvs = [typeof(CallConvCdecl)])]
    public static nint AddParameter(nint circuit, byte* name, uint* index)
    {
        try
        {
            var obj = HandleTable.Get<CircuitObject>(circuit, "circuit");
            string text = Marshalling.String(name, "name")!;
            obj.Circuit.AddParameter(text);
            if (index != null) *index = (uint)(obj.Circuit.Parameters.Count - 1);
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_get_parameter", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetParameter(nint circuit, uint index, byte** name)
    {
        try
        {
            var obj = HandleTable.Get<CircuitObject>(circuit, "circuit");
            if (name == null) throw CApiException.Invalid("name is NULL");
            var parameters = obj.Circuit.Parameters;
            if (index >= (uint)parameters.Count) throw CApiException.Invalid($"parameter index {index} is out of range ({parameters.Count} parameter(s))");
            *name = obj.Strings.Get(parameters[(int)index].Name);
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_add_register", CallConvs = [typeof(CallConvCdecl)])]
    public static nint AddRegister(nint circuit, byte* name, uint size, uint* offset)
    {
        try
        {
            var obj = HandleTable.Get<CircuitObject>(circuit, "circuit");
            string text = Marshalling.String(name, "name")!;
            if (text.Length == 0) throw CApiException.Invalid("a classical register needs a name");
            if (size > int.MaxValue) throw CApiException.Invalid($"register '{text}': {size} bits is too many");
            ClassicalRegister r = obj.Circuit.AddClassicalRegister(text, (int)size);
            if (offset != null) *offset = (uint)r.Offset;
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_add_measurement", CallConvs = [typeof(CallConvCdecl)])]
    public static nint AddMeasurement(nint circuit, uint qubit, long cbit)
    {
        try
        {
            var obj = HandleTable.Get<CircuitObject>(circuit, "circuit");
            Circuit c = obj.Circuit;
            CheckQubit("measure", qubit, c.NQubits);
            if (cbit < -1 || cbit > int.MaxValue) throw CApiException.Invalid($"measure: classical bit {cbit} is out of range (-1 takes the next free bit)");
            if (cbit == -1) c.Measure((int)qubit);
            else c.Add(new Measurement((int)qubit, (int)cbit));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_circuit_add_reset", CallConvs = [typeof(CallConvCdecl)])]
    public static nint AddReset(nint circuit, uint qubit)
    {
        try
        {
            var obj = HandleTable.Get<CircuitObject>(circuit, "circuit");
            CheckQubit("reset", qubit, obj.Circuit.NQubits);
            obj.Circuit.Add(new Reset((int)qubit));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    private static void CheckQubit(string what, uint qubit, int nQubits)
    {
        if (qubit >= (uint)nQubits)
        {
            throw CApiException.Invalid($"{what}: qubit {qubit} is out of range for a circuit of {nQubits} qubit(s) (valid: 0..{nQubits - 1})");
        }
    }

    /// <summary>Gate names in static storage for qiboaccel_gate_info.name (never freed: the set is fixed).</summary>
    private static class StaticNames
    {
        private static readonly NativeStrings Names = new();

        public static byte* Get(string name) => Names.Get(name);
    }
}
