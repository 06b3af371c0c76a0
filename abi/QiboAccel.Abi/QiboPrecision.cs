// Ported from abi/include/qibo/backend.h (qibo_precision, qibo_state_kind).
namespace QiboAccel.Abi;

/// <summary>qibo_precision; values are bits so capability masks can OR them.</summary>
[System.Flags]
public enum QiboPrecision : uint
{
    /// <summary>QIBO_PRECISION_COMPLEX128: interleaved double pairs (default).</summary>
    Complex128 = 1,
    /// <summary>QIBO_PRECISION_COMPLEX64: interleaved float pairs.</summary>
    Complex64 = 2,
}

/// <summary>qibo_state_kind; capability masks use bit (1 &lt;&lt; kind).</summary>
public enum QiboStateKind : uint
{
    /// <summary>QIBO_STATE_VECTOR</summary>
    Vector = 0,
    /// <summary>QIBO_STATE_DENSITY_MATRIX (reserved for ABI 1.x).</summary>
    DensityMatrix = 1,
}
