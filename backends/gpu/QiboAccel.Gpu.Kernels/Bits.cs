namespace QiboAccel.Gpu.Kernels;

/// <summary>Index arithmetic shared by the kernels (plain integer code; runs on the device and on the host).</summary>
public static class Bits
{
    /// <summary>
    /// Spreads the bits of <paramref name="index"/> over the positions NOT set in <paramref name="mask"/>: inserts a
    /// zero bit at every set position of the mask, from the lowest up. Enumerating index = 0, 1, 2, ... therefore
    /// visits, in increasing order, every basis index whose <paramref name="mask"/> bits are all zero.
    /// </summary>
    public static long InsertZeros(long index, long mask)
    {
        while (mask != 0)
        {
            long low = mask & -mask;
            index = ((index & ~(low - 1)) << 1) | (index & (low - 1));
            mask &= mask - 1;
        }
        return index;
    }

    /// <summary>
    /// Deposits the low bits of <paramref name="value"/> into the set positions of <paramref name="mask"/>, lowest
    /// bit of the value into the lowest position (x86's PDEP).
    /// </summary>
    /// <remarks>
    /// Branch-free on the value: the loop runs over the mask (a kernel parameter, the same in every thread) and the
    /// value's bit selects through an arithmetic mask. An <c>if</c> on the value would be a thread-dependent branch,
    /// which ILGPU emits as <c>bra.uni</c> (the generator refuses those).
    /// </remarks>
    public static long Deposit(long value, long mask)
    {
        long result = 0;
        while (mask != 0)
        {
            long low = mask & -mask;
            result |= low & -(value & 1);
            value >>= 1;
            mask &= mask - 1;
        }
        return result;
    }
}
