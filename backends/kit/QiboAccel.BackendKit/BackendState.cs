using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// One state (a qibo_state*). The kit calls these methods only with arguments it has checked: a live state, ranges
/// inside the state, non-NULL buffers, valid qubit lists, validated operation records and random numbers in [0, 1).
/// Methods report failures by throwing <see cref="BackendFault"/>; the kit turns any exception into an error object.
/// </summary>
public abstract unsafe class BackendState : IDisposable
{
    /// <summary>A state of <paramref name="nQubits"/> qubits and <paramref name="precision"/>.</summary>
    protected BackendState(int nQubits, QiboPrecision precision)
    {
        NQubits = nQubits;
        Precision = precision;
    }

    /// <summary>Number of qubits.</summary>
    public int NQubits { get; }

    /// <summary>complex128 or complex64.</summary>
    public QiboPrecision Precision { get; }

    /// <summary>2^n amplitudes.</summary>
    public ulong Length => 1UL << NQubits;

    /// <summary>The capabilities of the backend instance that created the state (set by the kit).</summary>
    internal BackendCapabilities Owner { get; set; } = null!;

    /// <summary>Copies amplitudes [offset, offset + count) (count &gt; 0) into <paramref name="destination"/>, in the state's precision.</summary>
    public abstract void GetAmplitudes(ulong offset, ulong count, void* destination);

    /// <summary>Overwrites amplitudes [offset, offset + count) (count &gt; 0) from <paramref name="source"/>, in the state's precision.</summary>
    public abstract void SetAmplitudes(ulong offset, ulong count, void* source);

    /// <summary>
    /// Applies <paramref name="batch"/>'s operations (at least one) in order. They are the valid leading records of
    /// the caller's circuit; when a later record is invalid the kit reports it after this returns, so the state
    /// holds the operations before it, as the header requires.
    /// </summary>
    public abstract void Apply(in CircuitBatch batch);

    /// <summary>
    /// Applies <paramref name="args"/>' circuit when it is, byte for byte, one this state's backend prepared earlier
    /// (kept from an earlier <see cref="Apply"/>), and returns true; returns false to have the circuit validated, decoded
    /// and applied as usual. The default keeps nothing. A backend that keeps prepared circuits keeps only those whose
    /// result depends on nothing but the records (no MEASURE: random numbers and classical bits are not in the image).
    /// state_apply asks this first on every call; when it returns false, the <see cref="Apply"/> of the same call (if
    /// any record is valid) follows, so a backend may pass what it learnt of the circuit here on to that Apply.
    /// </summary>
    public virtual bool TryApplyPrepared(QiboStateApplyArgs* args) => false;

    /// <summary>state_reset (with <see cref="OptionalSlots.StateReset"/>): back to |0...0&gt;.</summary>
    public virtual void Reset() => throw BackendFault.Unsupported("state_reset is not implemented by this backend");

    /// <summary>
    /// state_probabilities (with <see cref="OptionalSlots.StateProbabilities"/>): writes the 2^count marginal
    /// probabilities of <paramref name="qubits"/> (first listed = most significant bit of the outcome) to
    /// <paramref name="output"/>: sums of |amplitude|² as stored (not normalised), accumulated in double.
    /// </summary>
    public virtual void Probabilities(in QubitSelection qubits, double* output) =>
        throw BackendFault.Unsupported("state_probabilities is not implemented by this backend");

    /// <summary>
    /// state_sample (with <see cref="OptionalSlots.StateSample"/>): <paramref name="shots"/> (&gt; 0) outcomes of
    /// <paramref name="qubits"/> by the header's rule, without changing the state; every random number is in [0, 1).
    /// </summary>
    public virtual void Sample(in QubitSelection qubits, ulong shots, double* randoms, ulong* outcomes) =>
        throw BackendFault.Unsupported("state_sample is not implemented by this backend");

    /// <summary>
    /// state_copy (ABI 1.1, with <see cref="OptionalSlots.StateCopy"/>): overwrites <paramref name="destination"/> — a
    /// state of the same backend instance, qubit count and precision, never this one — with this state's amplitudes.
    /// </summary>
    public virtual void CopyTo(BackendState destination) =>
        throw BackendFault.Unsupported("state_copy is not implemented by this backend");

    /// <summary>
    /// state_inner_product (ABI 1.1, with <see cref="OptionalSlots.StateInnerProduct"/>): ⟨this|<paramref name="ket"/>⟩
    /// summed in double, <paramref name="ket"/> a state of the same instance, qubit count and precision (possibly this).
    /// </summary>
    public virtual (double Re, double Im) InnerProduct(BackendState ket) =>
        throw BackendFault.Unsupported("state_inner_product is not implemented by this backend");

    /// <summary>
    /// state_expectation (ABI 1.1, with <see cref="OptionalSlots.StateExpectation"/>): Σ c·⟨ψ|P|ψ⟩ over the validated
    /// <paramref name="terms"/> (at least one), in double, not normalised.
    /// </summary>
    public virtual double Expectation(ReadOnlySpan<PauliString> terms) =>
        throw BackendFault.Unsupported("state_expectation is not implemented by this backend");

    /// <summary>state_destroy: frees the state.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>
/// One validated qibo_pauli_term in amplitude-index form: P|b⟩ = i^<see cref="YCount"/> · (−1)^popcount(b &amp;
/// <see cref="Sign"/>) · |b XOR <see cref="Flip"/>⟩, so ⟨ψ|P|ψ⟩ = Σ_b conj(ψ[b ^ Flip]) · i^YCount · (−1)^popcount(b &amp; Sign) · ψ[b].
/// </summary>
/// <param name="Coefficient">The real coefficient.</param>
/// <param name="Flip">Index bits of the X and Y factors (bit n − 1 − q for qubit q).</param>
/// <param name="Sign">Index bits of the Y and Z factors.</param>
/// <param name="YCount">Number of Y factors.</param>
public readonly record struct PauliString(double Coefficient, ulong Flip, ulong Sign, int YCount)
{
    /// <summary>i^YCount as (re, im): 1, i, −1, −i.</summary>
    public (double Re, double Im) YPhase => (YCount & 3) switch { 0 => (1, 0), 1 => (0, 1), 2 => (-1, 0), _ => (0, -1) };
}

/// <summary>A validated list of distinct qubits of a state (state_probabilities, state_sample).</summary>
public readonly unsafe struct QubitSelection
{
    internal QubitSelection(uint* qubits, int[] bits)
    {
        Qubits = qubits;
        Bits = bits;
    }

    /// <summary>The caller's qubit indices (valid during the call).</summary>
    public uint* Qubits { get; }

    /// <summary>Number of qubits listed.</summary>
    public int Count => Bits.Length;

    /// <summary>The listed qubits as amplitude bit positions (bit = n - 1 - qubit), in the listed order.</summary>
    public int[] Bits { get; }
}

/// <summary>What state_apply hands a state: the valid operation records, decoded, and the caller's buffers.</summary>
public readonly unsafe struct CircuitBatch
{
    internal CircuitBatch(QiboStateApplyArgs* args, List<DecodedOp> ops)
    {
        Args = args;
        Ops = ops;
    }

    /// <summary>The caller's arguments (circuit, randoms, cbits), valid during the call.</summary>
    public QiboStateApplyArgs* Args { get; }

    /// <summary>The caller's circuit; <see cref="Ops"/> are its first records (read with stride op_size).</summary>
    public QiboCircuit* Circuit => Args->Circuit;

    /// <summary>The records to apply, decoded: the circuit's first <c>Ops.Count</c>.</summary>
    public List<DecodedOp> Ops { get; }

    /// <summary>Random numbers for MEASURE, in order (<see cref="DecodedOp.RandomIndex"/> indexes them).</summary>
    public double* Randoms => Args->Randoms;

    /// <summary>Classical bits written by MEASURE (<see cref="DecodedOp.Cbit"/> indexes them); NULL when none is written.</summary>
    public byte* Cbits => Args->Cbits;
}
