using QiboAccel.Abi;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// A 64-bit FNV-1a digest of one call's arguments, compared across ranks by <see cref="Communicator.Agree"/> so that
/// ranks asked different things fail with a clear error instead of pairing unrelated collectives.
/// </summary>
internal sealed class CallSignature
{
    private ulong _hash = 14695981039346656037UL;

    /// <summary>Starts a digest for the entry point <paramref name="call"/>.</summary>
    public CallSignature(string call)
    {
        foreach (char c in call) Add((long)c);
    }

    /// <summary>The digest so far.</summary>
    public ulong Value => _hash;

    /// <summary>Mixes in 64 bits.</summary>
    public CallSignature Add(ulong value)
    {
        for (int i = 0; i < 8; i++)
        {
            _hash ^= (value >> (8 * i)) & 0xff;
            _hash *= 1099511628211UL;
        }
        return this;
    }

    /// <summary>Mixes in a signed integer.</summary>
    public CallSignature Add(long value) => Add((ulong)value);

    /// <summary>Mixes in a double's bits.</summary>
    public CallSignature Add(double value) => Add(BitConverter.DoubleToUInt64Bits(value));

    /// <summary>Digest of a batch of operations (kinds, qubits, parameters, matrices, classical bits) and its random-number count.</summary>
    public static unsafe ulong OfBatch(List<DecodedOp> ops, long randoms)
    {
        var s = new CallSignature("state_apply").Add(ops.Count).Add(randoms);
        foreach (DecodedOp op in ops)
        {
            s.Add((long)op.Kind).Add(op.Targets.Length).Add(op.Controls.Length).Add(op.Cbit);
            foreach (int t in op.Targets) s.Add(t);
            foreach (int c in op.Controls) s.Add(c);
            foreach (double p in op.Params) s.Add(p);
            long values = op.Kind switch
            {
                QiboOpKind.Matrix => 2L << (2 * op.Targets.Length),
                QiboOpKind.Diagonal => 2L << op.Targets.Length,
                QiboOpKind.GeneralizedFSim => 8,
                _ => 0,
            };
            for (long i = 0; i < values && op.Matrix != null; i++) s.Add(op.Matrix[i]);
        }
        return s.Value;
    }
}
