namespace QiboAccel.Gpu.Launch;

/// <summary>
/// The variant of a reduction kernel (probabilities, MEASURE's decision, inner products, expectation values): how it
/// reads the state and what it sums in. The member names are the kernels' suffixes (MarginalPartial_F32D, ...).
/// </summary>
internal enum SumVariant
{
    /// <summary>A complex128 state, summed in double.</summary>
    F64,

    /// <summary>
    /// A complex64 state summed in compensated (Kahan) float: only on devices without fp64, where the ABI's promise of
    /// double sums cannot be kept (backends/gpu/README.md gives the error bound).
    /// </summary>
    F32,

    /// <summary>A complex64 state, each stored float widened to double and summed in double (the ABI's rule).</summary>
    F32D,
}
