using System.Runtime.CompilerServices;

namespace QiboAccel.Cpu.Kernels;

/// <summary>What a kernel does to one run of consecutive units (vectors) of the state: the kernel's body.</summary>
/// <typeparam name="T">double or float.</typeparam>
internal unsafe interface IRunBody<T> where T : unmanaged
{
    /// <summary>Applies the kernel to <paramref name="count"/> consecutive units starting at <paramref name="p"/>.</summary>
    void Run(T* p, long count);
}

/// <summary>
/// The one walk over amplitude indices that every kernel shares. A kernel's job is a range [begin, end) of unit
/// numbers k; its <see cref="BitInserter"/> maps k to the unit whose fixed bits (targets at their pattern, controls
/// at 1) are set. Consecutive k below the lowest fixed bit map to consecutive units, so the walk hands the body whole
/// runs and pays for the bit insertion once per run (and, inside a super-run, only an add). Bodies are structs, so
/// each kernel's loop is compiled with its body inlined.
/// </summary>
internal static unsafe class IndexRuns
{
    /// <summary>Applies <paramref name="body"/> to every run of units k in [begin, end) of the state at <paramref name="data"/>.</summary>
    /// <param name="inserter">The kernel's fixed bits, in units.</param>
    /// <param name="data">The state (or block) the units index.</param>
    /// <param name="unitShift">log2 of the T elements per unit.</param>
    /// <param name="begin">First unit number.</param>
    /// <param name="end">One past the last unit number.</param>
    /// <param name="body">The kernel body.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Walk<T, TBody>(in BitInserter inserter, T* data, int unitShift, long begin, long end, ref TBody body)
        where T : unmanaged
        where TBody : struct, IRunBody<T>
    {
        long runMask = inserter.RunLength - 1;
        for (long k = begin, index = inserter.Insert(begin); k < end;)
        {
            long runEnd = Math.Min(end, (k | runMask) + 1), count = runEnd - k;
            body.Run(data + (index << unitShift), count);
            k = runEnd;
            index = inserter.Advance(index, count, k);
        }
    }
}
