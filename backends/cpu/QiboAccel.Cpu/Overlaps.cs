using System.Numerics;
using System.Runtime.Intrinsics;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu;

/// <summary>
/// ABI 1.1's state-to-state operations on the CPU: copies, inner products ⟨a|b⟩ and expectation values of Pauli
/// strings, all on the pool. Sums are accumulated in double (complex64 amplitudes are widened first) per chunk, and
/// the chunks are added in chunk order, so results do not depend on timing.
/// </summary>
internal static unsafe class Overlaps
{
    /// <summary>destination := source (both 2^n amplitudes of <typeparamref name="T"/>).</summary>
    public static void Copy<T>(T* source, T* destination, int nQubits, WorkerPool pool) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long length = 1L << nQubits;
        pool.Run(new CopyJob<T>(source, destination), length, 2 * length);
    }

    /// <summary>Σ conj(a[i])·b[i].</summary>
    public static (double Re, double Im) InnerProduct<T>(T* a, T* b, int nQubits, WorkerPool pool) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long length = 1L << nQubits;
        var job = new InnerProductJob<T>(a, b, pool.ChunksFor(length, 2 * length));
        pool.Run(job, length, 2 * length);
        double re = 0, im = 0;
        for (int c = 0; c < job.Re.Length; c++)
        {
            re += job.Re[c];
            im += job.Im[c];
        }
        return (re, im);
    }

    /// <summary>Σ_t c_t·⟨ψ|P_t|ψ⟩; terms with the same flip pattern share one pass.</summary>
    public static double Expectation<T>(T* data, int nQubits, ReadOnlySpan<PauliString> terms, WorkerPool pool)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double total = 0;
        foreach (var group in terms.ToArray().GroupBy(t => t.Flip)) total += PauliSum(data, data, nQubits, group.Key, [.. group], 0, pool);
        return total;
    }

    /// <summary>
    /// Σ_b Re(conj(bra[b ^ flip])·i^y_t·ket[b])·c_t·(−1)^popcount((indexBase | b) &amp; sign_t) over the 2^nQubits
    /// indices b of <paramref name="ket"/> and the <paramref name="terms"/> (their own flips are ignored: they share
    /// <paramref name="flip"/>, which must stay below 2^nQubits). With bra = ket and indexBase = 0 it is
    /// Σ_t c_t·⟨ψ|P_t|ψ⟩; the mpi mode passes a slice, or a chunk of one, as the ket, the partner rank's matching chunk
    /// as the bra, and the chunk's place in the slice as <paramref name="indexBase"/> (a multiple of 2^nQubits).
    /// </summary>
    public static double PauliSum<T>(T* bra, T* ket, int nQubits, ulong flip, PauliString[] terms, ulong indexBase, WorkerPool pool)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long length = 1L << nQubits;
        var job = new ExpectationJob<T>(bra, ket, flip, terms, indexBase, pool.ChunksFor(length, length));
        pool.Run(job, length, length);
        double total = 0;
        foreach (double part in job.Parts) total += part;
        return total;
    }

    private sealed class CopyJob<T>(T* source, T* destination) : IRangeJob where T : unmanaged
    {
        public void Run(int chunk, long begin, long end)
        {
            long bytes = (end - begin) * 2 * sizeof(T);
            Buffer.MemoryCopy(source + 2 * begin, destination + 2 * begin, bytes, bytes);
        }
    }

    private sealed class InnerProductJob<T>(T* a, T* b, int chunks) : IRangeJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly double[] Re = new double[chunks], Im = new double[chunks];

        public void Run(int chunk, long begin, long end)
        {
            double re = 0, im = 0;
            long i = begin;
            if (typeof(T) == typeof(double) && Vector256.IsHardwareAccelerated)
            {
                // Two amplitudes per vector: [ar0, ai0, ar1, ai1]·[br0, bi0, br1, bi1] sums to the real part; against
                // b with re/im swapped, even lanes minus odd lanes give the imaginary part.
                Vector256<double> sumRe = default, sumIm = default;
                double* pa = (double*)a, pb = (double*)b;
                for (; i + 2 <= end; i += 2)
                {
                    Vector256<double> va = Vector256.Load(pa + 2 * i), vb = Vector256.Load(pb + 2 * i);
                    sumRe = Vector256.MultiplyAddEstimate(va, vb, sumRe);
                    sumIm = Vector256.MultiplyAddEstimate(va, Vector256.Shuffle(vb, Vector256.Create(1L, 0, 3, 2)), sumIm);
                }
                re = sumRe[0] + sumRe[1] + sumRe[2] + sumRe[3];
                im = sumIm[0] - sumIm[1] + sumIm[2] - sumIm[3];
            }
            for (; i < end; i++)
            {
                double ar = double.CreateTruncating(a[2 * i]), ai = double.CreateTruncating(a[2 * i + 1]);
                double br = double.CreateTruncating(b[2 * i]), bi = double.CreateTruncating(b[2 * i + 1]);
                re += ar * br + ai * bi;
                im += ar * bi - ai * br;
            }
            Re[chunk] = re;
            Im[chunk] = im;
        }
    }

    /// <summary>Σ_b Re(conj(bra[b ^ flip])·ket[b]·i^y)·Σ_t c_t·(−1)^popcount((indexBase | b) &amp; sign_t) over one chunk of b.</summary>
    private sealed class ExpectationJob<T>(T* bra, T* ket, ulong flip, PauliString[] terms, ulong indexBase, int chunks) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly double[] Parts = new double[chunks];

        public void Run(int chunk, long begin, long end)
        {
            double sum = 0;
            for (long b = begin; b < end; b++)
            {
                long partner = b ^ (long)flip;
                double pr = double.CreateTruncating(bra[2 * partner]), pi = double.CreateTruncating(bra[2 * partner + 1]);
                double br = double.CreateTruncating(ket[2 * b]), bi = double.CreateTruncating(ket[2 * b + 1]);
                // z = conj(bra[partner])·ket[b]
                double zr = pr * br + pi * bi, zi = pr * bi - pi * br;
                ulong index = indexBase | (ulong)b;
                foreach (PauliString t in terms)
                {
                    // Re(i^y·z): y = 0: zr, 1: −zi, 2: −zr, 3: zi.
                    double rotated = (t.YCount & 3) switch { 0 => zr, 1 => -zi, 2 => -zr, _ => zi };
                    sum += (BitOperations.PopCount(index & t.Sign) & 1) == 0 ? t.Coefficient * rotated : -t.Coefficient * rotated;
                }
            }
            Parts[chunk] = sum;
        }
    }
}
