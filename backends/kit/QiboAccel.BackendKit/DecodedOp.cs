using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// One validated operation record. Qubits are already amplitude bit positions (bit = n - 1 - qubit); the matrix
/// pointer points into the caller's circuit and is valid for the duration of the state_apply call.
/// </summary>
public readonly unsafe struct DecodedOp
{
    /// <summary>Index of the record in the circuit.</summary>
    public required long Index { get; init; }

    /// <summary>The operation kind.</summary>
    public required QiboOpKind Kind { get; init; }

    /// <summary>Target bit positions, first = most significant bit of the matrix index.</summary>
    public required int[] Targets { get; init; }

    /// <summary>Control bit positions.</summary>
    public required int[] Controls { get; init; }

    /// <summary>The record's matrix (interleaved complex128) for MATRIX, DIAGONAL and GENERALIZED_FSIM; else NULL.</summary>
    public double* Matrix { get; init; }

    /// <summary>
    /// The record's params[0..3] (pointing into the caller's circuit like <see cref="Matrix"/>, so decoding a record
    /// allocates no array for them); NULL for operations a backend makes itself, whose <see cref="Params"/> are zeros.
    /// </summary>
    public double* ParamValues { get; init; }

    /// <summary>params[0..3]: the record's, or four zeros when <see cref="ParamValues"/> is NULL.</summary>
    public ReadOnlySpan<double> Params => ParamValues == null ? NoParams : new ReadOnlySpan<double>(ParamValues, 4);

    private static ReadOnlySpan<double> NoParams => [0, 0, 0, 0];

    /// <summary>MEASURE: classical bit to write, or -1.</summary>
    public int Cbit { get; init; }

    /// <summary>MEASURE: index of the random number it consumes.</summary>
    public long RandomIndex { get; init; }
}
