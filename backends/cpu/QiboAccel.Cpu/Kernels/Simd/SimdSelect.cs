using System.Numerics;
using System.Runtime.Intrinsics;

namespace QiboAccel.Cpu.Kernels.Simd;

/// <summary>A kernel instantiated for the vector width <see cref="SimdSelect"/> picks.</summary>
internal interface IKernelVisitor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs the kernel with vector type <typeparamref name="TV"/>.</summary>
    void Visit<TV, TOps>() where TV : unmanaged where TOps : struct, IVecOps<TV, T>;
}

/// <summary>Picks the widest accelerated vector width allowed by the backend options and by the operation.</summary>
internal static class SimdSelect
{
    /// <summary>
    /// Calls <paramref name="visitor"/> with the widest width that is accelerated, at most <paramref name="maxBits"/>
    /// wide (0 = scalar), and holds at most 2^<paramref name="maxLaneBits"/> complex values per vector.
    /// </summary>
    public static void Dispatch<T, TVisitor>(ref TVisitor visitor, int maxBits, int maxLaneBits)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVisitor : struct, IKernelVisitor<T>
    {
        if (maxBits >= 512 && Vec512Ops<T>.IsAccelerated && Vec512Ops<T>.LaneBits <= maxLaneBits)
            visitor.Visit<Vector512<T>, Vec512Ops<T>>();
        else if (maxBits >= 256 && Vec256Ops<T>.IsAccelerated && Vec256Ops<T>.LaneBits <= maxLaneBits)
            visitor.Visit<Vector256<T>, Vec256Ops<T>>();
        else if (maxBits >= 128 && Vec128Ops<T>.IsAccelerated && Vec128Ops<T>.LaneBits <= maxLaneBits)
            visitor.Visit<Vector128<T>, Vec128Ops<T>>();
        else
            visitor.Visit<Cpx<T>, ScalarOps<T>>();
    }

    /// <summary>The widest accelerated width not above <paramref name="maxBits"/> (0 when only scalar code runs).</summary>
    public static int EffectiveBits(int maxBits)
    {
        if (maxBits >= 512 && Vector512.IsHardwareAccelerated) return 512;
        if (maxBits >= 256 && Vector256.IsHardwareAccelerated) return 256;
        if (maxBits >= 128 && Vector128.IsHardwareAccelerated) return 128;
        return 0;
    }
}
