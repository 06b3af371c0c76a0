namespace QiboAccel.Cpu.Circuits;

/// <summary>
/// One step of a state_apply plan: either one operation applied on its own (a full pass over the state, the
/// kernels' ordinary path), or a cache-blocked pass that applies several operations to one cache-sized block of
/// the state at a time.
/// </summary>
internal sealed class PlannedPass(DecodedOp[] ops, ulong inner)
{
    /// <summary>The operations, in the order they are applied.</summary>
    public DecodedOp[] Ops { get; } = ops;

    /// <summary>Amplitude bits that vary inside one block (0 for a single-op pass).</summary>
    public ulong Inner { get; } = inner;

    /// <summary>True for a cache-blocked pass.</summary>
    public bool Blocked => Inner != 0;
}
