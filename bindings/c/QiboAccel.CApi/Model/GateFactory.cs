using System.Numerics;
using QiboAccel.CApi.Interop;
using QiboAccel.Gates;

namespace QiboAccel.CApi.Model;

/// <summary>Turns what C passes (a gate value, qubits, controls, parameters, a matrix) into a checked core <see cref="Gate"/>.</summary>
internal static class GateFactory
{
    /// <summary>Builds a gate; every inconsistency is an exception with a one-line message naming the gate.</summary>
    public static Gate Build(uint id, ReadOnlySpan<uint> qubits, ReadOnlySpan<uint> controls, ReadOnlySpan<double> parameters,
        ReadOnlySpan<double> matrix)
    {
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
                gate = Gate.GeneralizedfSim(q[0], q[1], ToComplex(matrix), parameters[0]);
                break;
            default:
                if (!matrix.IsEmpty) throw CApiException.Invalid($"{name} takes no matrix (only Unitary and GeneralizedfSim do)");
                gate = Gate.Create(kind, q, parameters);
                break;
        }
        return c.Length == 0 ? gate : gate.Controlled(c);
    }

    /// <summary>Builds the gate of one qiboaccel_gate_record of a batch.</summary>
    public static Gate FromRecord(in GateRecord r, ReadOnlySpan<uint> qubits, ReadOnlySpan<double> parameters, ReadOnlySpan<double> matrices)
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
        return Build(r.Gate, all[..(int)r.NQubits], all[(int)r.NQubits..], parameters.Slice((int)r.ParamsOffset, (int)r.NParams), matrix);
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
