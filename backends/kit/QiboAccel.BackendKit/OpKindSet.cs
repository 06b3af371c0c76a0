using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>A set of operation kinds as qibo_backend_info.native_ops holds it: bit (kind % 64) of word (kind / 64).</summary>
/// <param name="Word0">native_ops[0]: kinds 0..63.</param>
/// <param name="Word1">native_ops[1]: kinds 64..127.</param>
public readonly record struct OpKindSet(ulong Word0, ulong Word1)
{
    /// <summary>Every kind ABI 1.0 defines: MATRIX, DIAGONAL, MEASURE and the fixed unitaries I..RZZ.</summary>
    public static OpKindSet AllOf1_0
    {
        get
        {
            var set = Of(QiboOpKind.Matrix, QiboOpKind.Diagonal, QiboOpKind.Measure);
            for (var kind = QiboOpKind.I; kind <= QiboOpKind.RZZ; kind++) set = set.With(kind);
            return set;
        }
    }

    /// <summary>The set of <paramref name="kinds"/>.</summary>
    public static OpKindSet Of(params ReadOnlySpan<QiboOpKind> kinds)
    {
        var set = default(OpKindSet);
        foreach (QiboOpKind kind in kinds) set = set.With(kind);
        return set;
    }

    /// <summary>This set and <paramref name="kind"/> (which must be below QIBO_OP_KIND_COUNT).</summary>
    public OpKindSet With(QiboOpKind kind)
    {
        uint k = (uint)kind;
        if (k >= (uint)QiboOpKind.KindCount) throw new ArgumentOutOfRangeException(nameof(kind), kind, "kinds are below 128");
        return k < 64 ? this with { Word0 = Word0 | (1UL << (int)k) } : this with { Word1 = Word1 | (1UL << (int)(k - 64)) };
    }

    /// <summary>True when <paramref name="kind"/> is in the set.</summary>
    public bool Contains(QiboOpKind kind)
    {
        uint k = (uint)kind;
        if (k >= (uint)QiboOpKind.KindCount) return false;
        return ((k < 64 ? Word0 : Word1) & (1UL << (int)(k % 64))) != 0;
    }
}
