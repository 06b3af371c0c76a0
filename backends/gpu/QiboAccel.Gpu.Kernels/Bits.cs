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

    /// <summary>popcount(<paramref name="value"/>) mod 2, branch-free (shifts and XORs only).</summary>
    public static long Parity(long value)
    {
        value ^= value >> 32;
        value ^= value >> 16;
        value ^= value >> 8;
        value ^= value >> 4;
        value ^= value >> 2;
        value ^= value >> 1;
        return value & 1;
    }
}
