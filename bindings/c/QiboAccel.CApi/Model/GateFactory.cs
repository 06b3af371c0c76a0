using System.Numerics;
using QiboAccel.CApi.Interop;
using QiboAccel.Gates;
using QiboAccel.Parameters;

namespace QiboAccel.CApi.Model;

/// <summary>Turns what C passes (a gate value, qubits, controls, parameters, a matrix) into a checked core <see cref="Gate"/>.</summary>
internal static class GateFactory
{
    /// <summary>
    /// Builds a gate; every inconsistency is an exception with a one-line message naming the gate. With
    /// <paramref name="symbols"/> (API 1.1; empty: none), parameter i is params[i] + coefficients[i]·θ[symbols[i]]
    /// for symbols[i] ≥ 0, θ being the circuit's parameters (<paramref name="circuitParameters"/>); coefficients empty
    /// means 1.
    /// </summary>
    public static Gate Build(uint id, ReadOnlySpan<uint> qubits, ReadOnlySpan<uint> controls, ReadOnlySpan<double> parameters,
        ReadOnlySpan<double> matrix, ReadOnlySpan<int> symbols = default, ReadOnlySpan<double> coefficients = default,
        IReadOnlyList<Parameter>? circuitParameters = null)
    {
        Angle[]? angles = Angles(parameters, symbols, coefficients, circuitParameters);
        if (id >= GateNames.ById.Length) throw CApiException.Invalid($"unknown gate value {id} (this version knows 0..{GateNames.ById.Length - 1})");
        GateKind kind = GateNames.ById[id];
        string name = GateDefinition.Of(kind).Name;
        int[] q = ToInts(qubits, name, "qubit");
        int[] c = ToInts(controls, name, "control qubit");
        Gate gate;
        switch (kind)
        {
            case GateKind.Unitary:
                if (parameters.Length != 0) throw CApiException.Invalid($"Unitary takes no parameters, got {parameters.Length}");
                if (q.Length == 0) throw CApiException.Invalid("Unitary needs at least one target qubit");
                gate = Gate.Unitary(ToComplex(matrix), q);
                break;
            case GateKind.GeneralizedfSim:
                if (q.Length != 2) throw CApiException.Invalid($"GeneralizedfSim acts on 2 qubit(s), got {q.Length}");
                if (parameters.Length != 1) throw CApiException.Invalid($"GeneralizedfSim takes 1 parameter(s) (phi) and a 2x2 matrix, got {parameters.Length} parameter(s)");
                gate = Gate.GeneralizedfSim(q[0], q[1], ToComplex(matrix), angles is null ? parameters[0] : angles[0]);
                break;
            default:
                if (!matrix.IsEmpty) throw CApiException.Invalid($"{name} takes no matrix (only Unitary and GeneralizedfSim do)");
                gate = angles is null ? Gate.Create(kind, q, parameters) : Gate.Parametrized(kind, q, angles);
                break;
        }
        return c.Length == 0 ? gate : gate.Controlled(c);
    }

    /// <summary>The symbolic angles of a gate's parameters, or null when none uses a circuit parameter.</summary>
    private static Angle[]? Angles(ReadOnlySpan<double> parameters, ReadOnlySpan<int> symbols, ReadOnlySpan<double> coefficients,
        IReadOnlyList<Parameter>? circuitParameters)
    {
        if (symbols.IsEmpty) return null;
        if (symbols.Length != parameters.Length || (!coefficients.IsEmpty && coefficients.Length != parameters.Length))
        {
            throw CApiException.Invalid("param_symbols and param_coefficients must have one entry per parameter");
        }
        int count = circuitParameters?.Count ?? 0;
        Angle[]? angles = null;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (symbols[i] < -1 || symbols[i] >= count)
            {
                throw CApiException.Invalid($"parameter {i + 1}: symbol {symbols[i]} is not a parameter of the circuit (it has {count}: 0..{count - 1}, or -1 for none)");
            }
            if (symbols[i] < 0) continue;
            double k = coefficients.IsEmpty ? 1 : coefficients[i];
            if (!double.IsFinite(k)) throw CApiException.Invalid($"parameter {i + 1}: coefficient {k} is not a finite number");
            angles ??= [.. parameters.ToArray().Select(v => Angle.Of(v))];
            angles[i] = parameters[i] + k * circuitParameters![symbols[i]];
        }
        return angles;
    }

    /// <summary>Builds the gate of one qiboaccel_gate_record of a batch.</summary>
    public static Gate FromRecord(in GateRecord r, ReadOnlySpan<uint> qubits, ReadOnlySpan<double> parameters, ReadOnlySpan<double> matrices,
        ReadOnlySpan<int> symbols = default, ReadOnlySpan<double> coefficients = default, IReadOnlyList<Parameter>? circuitParameters = null)
    {
        if ((r.Flags & ~Flags.GateRecordFlagsV10) != 0) throw CApiException.Invalid($"flags 0x{r.Flags:x} has bits this version does not know");
        if (r.Reserved != 0) throw CApiException.Invalid("reserved must be 0");
        ulong nq = (ulong)r.NQubits + r.NControls;
        if (r.QubitsOffset + nq > (ulong)qubits.Length)
        {
            throw CApiException.Invalid($"qubits [{r.QubitsOffset}, {r.QubitsOffset + nq}) run past the {qubits.Length} qubit reference(s) of the batch");
        }
        if (r.ParamsOffset + (ulong)r.NParams > (ulong)parameters.Length)
        {
            throw CApiException.Invalid($"params [{r.ParamsOffset}, {r.ParamsOffset + (ulong)r.NParams}) run past the {parameters.Length} parameter(s) of the batch");
        }
        ReadOnlySpan<double> matrix = default;
        if (r.MatrixOffset >= 0)
        {
            ulong end = (ulong)r.MatrixOffset + r.NMatrixValues;
            if (end * 2 > (ulong)matrices.Length)
            {
                throw CApiException.Invalid($"matrix [{r.MatrixOffset}, {end}) runs past the {matrices.Length / 2} complex value(s) of the batch");
            }
            matrix = matrices.Slice((int)(r.MatrixOffset * 2), (int)(r.NMatrixValues * 2));
        }
        else if (r.MatrixOffset != -1 || r.NMatrixValues != 0)
        {
            throw CApiException.Invalid($"matrix_offset is {r.MatrixOffset} with n_matrix_values {r.NMatrixValues} (use -1 and 0 for no matrix)");
        }
        var all = qubits.Slice((int)r.QubitsOffset, (int)nq);
        var range = new Range((int)r.ParamsOffset, (int)(r.ParamsOffset + r.NParams));
        return Build(r.Gate, all[..(int)r.NQubits], all[(int)r.NQubits..], parameters[range], matrix,
            symbols.IsEmpty ? default : symbols[range], coefficients.IsEmpty ? default : coefficients[range], circuitParameters);
    }

    /// <summary>Checks the gate's qubits against the circuit before anything is appended.</summary>
    public static void CheckRange(Gate gate, int nQubits)
    {
        foreach (int q in gate.Qubits)
        {
            if (q >= nQubits) throw CApiException.Invalid($"{gate.Name}: qubit {q} is out of range for a circuit of {nQubits} qubit(s) (valid: 0..{nQubits - 1})");
        }
    }

    private static int[] ToInts(ReadOnlySpan<uint> values, string gate, string what)
    {
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i] <= int.MaxValue ? (int)values[i] : throw CApiException.Invalid($"{gate}: {what} {values[i]} is out of range");
        }
        return result;
    }

    private static Complex[] ToComplex(ReadOnlySpan<double> values)
    {
        var result = new Complex[values.Length / 2];
        for (int i = 0; i < result.Length; i++) result[i] = new Complex(values[2 * i], values[2 * i + 1]);
        return result;
    }
}
