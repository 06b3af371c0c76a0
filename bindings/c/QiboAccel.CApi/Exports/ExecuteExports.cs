using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.CApi.Interop;
using QiboAccel.CApi.Model;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Noise;
using QiboAccel.Observables;

namespace QiboAccel.CApi.Exports;

/// <summary>qiboaccel_execute and qiboaccel_result_*: running a circuit and reading what it produced.</summary>
internal static unsafe class ExecuteExports
{
    private const uint KnownExecuteFlags = Flags.ExecuteSeed | Flags.ExecuteDensityMatrix | Flags.ExecuteNoState;

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_execute", CallConvs = [typeof(CallConvCdecl)])]
    public static nint Execute(nint backend, nint circuit, ExecuteArgs* args)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            var b = HandleTable.Get<BackendObject>(backend, "backend");
            var c = HandleTable.Get<CircuitObject>(circuit, "circuit");
            ExecuteArgs a = Marshalling.Read(args, "args", ExecuteArgs.V1_0);
            args->Result = 0;
            if ((a.Flags & ~KnownExecuteFlags) != 0) throw CApiException.Invalid($"args->flags 0x{a.Flags:x} has bits this version does not know");
            if (a.Shots > int.MaxValue) throw CApiException.Invalid($"args->shots is {a.Shots}; at most {int.MaxValue} per call");
            Precision precision = PrecisionOf(a.Precision, "args->precision");
            string? noiseJson = Marshalling.String(a.NoiseModel, "args->noise_model", allowNull: true);
            NoiseModel? noise = noiseJson is null ? null : NoiseModel.Parse(noiseJson, "noise model");
            var initialDoubles = Marshalling.Span(a.InitialState, checked(a.NInitialStateValues * 2), "args->initial_state");
            ReadOnlySpan<Complex> initial = MemoryMarshal.Cast<double, Complex>(initialDoubles);
            ulong? seed = (a.Flags & Flags.ExecuteSeed) != 0 ? a.Seed : null;

            Circuit bound = Bound(c.Circuit, a.ParameterValues, a.NParameterValues, "args->parameter_values");
            ExecutionResult result = b.Backend.Execute(bound, (int)a.Shots, seed, precision,
                returnState: (a.Flags & Flags.ExecuteNoState) == 0,
                densityMatrix: (a.Flags & Flags.ExecuteDensityMatrix) != 0, noise: noise, initialState: initial);
            var registers = c.Circuit.ClassicalRegisters.ToArray();
            args->Result = HandleTable.Add(new ResultObject(result, registers, clock.Elapsed.TotalSeconds));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    /// <summary>qiboaccel_precision (0 meaning double) as a core precision.</summary>
    internal static Precision PrecisionOf(uint value, string what) => value switch
    {
        0 or Flags.PrecisionDouble => Precision.Double,
        Flags.PrecisionSingle => Precision.Single,
        _ => throw CApiException.Invalid($"{what} {value} is neither QIBOACCEL_PRECISION_DOUBLE (1) nor _SINGLE (2)"),
    };

    /// <summary>The circuit with its parameters bound to the caller's values (API 1.1); itself when it has none.</summary>
    internal static Circuit Bound(Circuit circuit, double* values, ulong count, string what)
    {
        if (circuit.Parameters.Count == 0 && count == 0) return circuit;
        if (count != (ulong)circuit.Parameters.Count)
        {
            throw CApiException.Invalid(circuit.Parameters.Count == 0
                ? $"{what}: {count} value(s) given, but the circuit has no parameters"
                : $"{what}: the circuit has {circuit.Parameters.Count} parameter(s) ({string.Join(", ", circuit.Parameters.Select(p => p.Name))}), {count} value(s) given");
        }
        return circuit.Bind(Marshalling.Span(values, count, what).ToArray());
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_result_destroy", CallConvs = [typeof(CallConvCdecl)])]
    public static void Destroy(nint result) => HandleTable.Destroy<ResultObject>(result);

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_result_get_info", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetInfo(nint result, ResultInfo* info)
    {
        try
        {
            var obj = HandleTable.Get<ResultObject>(result, "result");
            ExecutionResult r = obj.Result;
            int[] sampled = [.. r.SampledQubits];
            Marshalling.Write(info, new ResultInfo
            {
                Backend = obj.Strings.Get(r.Backend),
                NQubits = (uint)r.NQubits,
                NClbits = (uint)obj.Registers.Sum(g => g.Size),
                Shots = (ulong)r.Shots,
                Seed = r.Seed,
                Precision = r.Precision == Precision.Double ? Flags.PrecisionDouble : Flags.PrecisionSingle,
                DensityMatrix = r.IsDensityMatrix ? 1u : 0u,
                StateSize = (ulong)(StateOf(r)?.Length ?? 0),
                Purity = r.Purity ?? double.NaN,
                SimulateSeconds = r.SimulationSeconds,
                SampleSeconds = r.SamplingSeconds,
                TotalSeconds = obj.TotalSeconds,
                SampledQubits = obj.SampledQubits(sampled),
                NSampledQubits = (uint)sampled.Length,
                NRegisters = (uint)obj.Registers.Count,
            }, "info");
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_result_get_state", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetState(nint result, ulong offset, ulong count, double* output)
    {
        try
        {
            var obj = HandleTable.Get<ResultObject>(result, "result");
            Complex[] state = StateOf(obj.Result)
                ?? throw CApiException.Invalid("the result holds no state (executed with QIBOACCEL_EXECUTE_NO_STATE)");
            if (offset > (ulong)state.Length || count > (ulong)state.Length - offset)
            {
                throw CApiException.Invalid($"values [{offset}, {offset + count}) run past the {state.Length} complex values of the state");
            }
            if (count == 0) return 0;
            if (output == null) throw CApiException.Invalid("out is NULL");
            MemoryMarshal.Cast<Complex, double>(state.AsSpan((int)offset, (int)count)).CopyTo(new Span<double>(output, checked((int)(count * 2))));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_result_get_state_view", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetStateView(nint result, double** data, ulong* count)
    {
        try
        {
            var obj = HandleTable.Get<ResultObject>(result, "result");
            if (data == null || count == null) throw CApiException.Invalid("data or count is NULL");
            Complex[] state = StateOf(obj.Result)
                ?? throw CApiException.Invalid("the result holds no state (executed with QIBOACCEL_EXECUTE_NO_STATE)");
            *data = (double*)obj.Pin(state);
            *count = (ulong)state.Length;
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_result_get_probabilities", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetProbabilities(nint result, uint* qubits, uint nQubits, double* output)
    {
        try
        {
            var obj = HandleTable.Get<ResultObject>(result, "result");
            ExecutionResult r = obj.Result;
            int n = r.NQubits;
            int[] listed = nQubits == 0 ? [.. Enumerable.Range(0, n)] : [.. Marshalling.Span(qubits, nQubits, "qubits").ToArray().Select(q => (int)Math.Min(q, int.MaxValue))];
            var seen = new HashSet<int>();
            foreach (int q in listed)
            {
                if (q >= n) throw CApiException.Invalid($"qubit {q} is out of range for a result of {n} qubit(s) (valid: 0..{n - 1})");
                if (!seen.Add(q)) throw CApiException.Invalid($"qubit {q} is listed twice");
            }
            if (output == null) throw CApiException.Invalid("out is NULL");
            double[] full = r.Probabilities() ?? throw CApiException.Invalid("the result holds no state (executed with QIBOACCEL_EXECUTE_NO_STATE)");
            var marginal = new Span<double>(output, 1 << listed.Length);
            marginal.Clear();
            for (long index = 0; index < full.Length; index++)
            {
                long outcome = 0;
                foreach (int q in listed) outcome = (outcome << 1) | ((index >> (n - 1 - q)) & 1);
                marginal[(int)outcome] += full[index];
            }
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_result_get_frequencies", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetFrequencies(nint result, FrequenciesArgs* args)
    {
        try
        {
            var obj = HandleTable.Get<ResultObject>(result, "result");
            FrequenciesArgs a = Marshalling.Read(args, "args");
            if (a.RegisterIndex < -1 || a.RegisterIndex >= obj.Registers.Count)
            {
                throw CApiException.Invalid($"args->register_index {a.RegisterIndex} is out of range (-1, or 0..{obj.Registers.Count - 1} for the {obj.Registers.Count} register(s))");
            }
            var (outcomes, counts, bits) = obj.Frequencies(a.RegisterIndex);
            ulong written = Math.Min(a.Capacity, (ulong)outcomes.Length);
            if (written > 0 && (a.Outcomes == null || a.Counts == null)) throw CApiException.Invalid("args->outcomes or args->counts is NULL with a nonzero capacity");
            for (int i = 0; i < (int)written; i++)
            {
                a.Outcomes[i] = outcomes[i];
                a.Counts[i] = counts[i];
            }
            args->NBits = (uint)bits;
            args->NOutcomes = (ulong)outcomes.Length;
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_result_get_register", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetRegister(nint result, uint index, RegisterInfo* info)
    {
        try
        {
            var obj = HandleTable.Get<ResultObject>(result, "result");
            CircuitExports.WriteRegister(obj.Registers, index, obj.Strings, info);
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_result_expectation", CallConvs = [typeof(CallConvCdecl)])]
    public static nint Expectation(nint result, byte* observable, double* value)
    {
        try
        {
            var obj = HandleTable.Get<ResultObject>(result, "result");
            string text = Marshalling.String(observable, "observable")!;
            if (value == null) throw CApiException.Invalid("value is NULL");
            if (StateOf(obj.Result) is null) throw CApiException.Invalid("the expectation value needs the final state (executed with QIBOACCEL_EXECUTE_NO_STATE)");
            *value = obj.Result.Expectation(Observable.Parse(text));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    private static Complex[]? StateOf(ExecutionResult r) => r.IsDensityMatrix ? r.DensityMatrix : r.State;
}
