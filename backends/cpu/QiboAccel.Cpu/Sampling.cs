using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.Cpu.Kernels;

namespace QiboAccel.Cpu;

/// <summary>
/// Shots drawn from the marginal distribution of chosen qubits with the header's exact rule: the cumulative sums
/// p[0] + ... + p[i] are formed in increasing i in double, and shot s is the smallest i with r_s * total below the
/// i-th sum (binary search). The state is not changed.
/// </summary>
internal static unsafe class Sampling
{
    /// <summary>Writes <paramref name="shots"/> outcome indices for amplitude bits <paramref name="bits"/>.</summary>
    public static void Sample<T>(in KernelState<T> state, ReadOnlySpan<int> bits, ulong shots, double* randoms, ulong* outcomes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long size = 1L << bits.Length;
        ulong bytes = (ulong)size * sizeof(double);
        double* cumulative;
        try
        {
            cumulative = (double*)NativeMemory.Alloc((nuint)bytes);
        }
        catch (OutOfMemoryException)
        {
            throw CpuException.OutOfMemory(bytes, $"the marginal distribution of {bits.Length} qubits");
        }
        try
        {
            Probabilities.Compute(state, bits, cumulative);
            FromMarginal(cumulative, size, shots, randoms, outcomes);
        }
        finally
        {
            NativeMemory.Free(cumulative);
        }
    }

    /// <summary>
    /// The header's rule on a marginal distribution of <paramref name="size"/> outcomes, which is turned into its
    /// cumulative sums in place: shot s is the smallest i with randoms[s] * total below the i-th sum.
    /// </summary>
    public static void FromMarginal(double* cumulative, long size, ulong shots, double* randoms, ulong* outcomes)
    {
        for (long i = 1; i < size; i++) cumulative[i] += cumulative[i - 1];
        double total = cumulative[size - 1];
        if (!(total > 0) || double.IsInfinity(total))
            throw CpuException.Invalid($"sample: the state's norm is {total}; cannot sample from it");
        // r < 1 guarantees r * total < total, but rounding can make them equal: such a shot falls on the last
        // outcome with non-zero probability (the first whose cumulative sum reaches the total).
        long last = FirstAbove(cumulative, size, total, inclusive: true);
        for (ulong s = 0; s < shots; s++)
        {
            long i = FirstAbove(cumulative, size, randoms[s] * total, inclusive: false);
            outcomes[s] = (ulong)(i < size ? i : last);
        }
    }

    /// <summary>Smallest i with x &lt; c[i] (or x &lt;= c[i] when inclusive); <paramref name="size"/> if none.</summary>
    public static long FirstAbove(double* c, long size, double x, bool inclusive)
    {
        long lo = 0, hi = size;
        while (lo < hi)
        {
            long mid = lo + ((hi - lo) >> 1);
            bool above = inclusive ? x <= c[mid] : x < c[mid];
            if (above) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }
}
