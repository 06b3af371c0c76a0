using System.Numerics;
using QiboAccel.Cpu.Kernels;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu;

/// <summary>
/// Marginal probabilities of chosen qubits, always accumulated in double. out[i] sums |a|^2 over the amplitudes
/// whose chosen bits spell i, the first chosen qubit being the most significant bit of i.
/// Few chosen qubits (the common case, MEASURE included): each thread sums a contiguous part of the state into a
/// private histogram (runs of amplitudes share the chosen bits at or above bit 3; the bits below are resolved per
/// lane), and the histograms are added in part order, so results do not depend on timing.
/// Many chosen qubits: threads split the outcomes and sum each one over the other qubits.
/// </summary>
internal static unsafe class Probabilities
{
    private const int MaxHistogramBits = 16;

    /// <summary>Fills out[0 .. 2^bits.Length) with the marginal of amplitude bits <paramref name="bits"/>.</summary>
    public static void Compute<T>(in KernelState<T> state, ReadOnlySpan<int> bits, double* output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = bits.Length;
        long outcomes = 1L << m;
        System.Runtime.InteropServices.NativeMemory.Clear(output, (nuint)outcomes * sizeof(double));
        if (state.NQubits < 3)
        {
            for (long i = 0; i < state.Length; i++)
            {
                double re = double.CreateTruncating(state.Data[2 * i]), im = double.CreateTruncating(state.Data[2 * i + 1]);
                output[Gather(i, bits)] += re * re + im * im;
            }
            return;
        }
        if (m <= MaxHistogramBits)
        {
            long octets = 1L << (state.NQubits - 3);
            var job = new HistogramJob<T>(state, bits.ToArray(), state.Pool.ChunksFor(octets, state.Length));
            state.Pool.Run(job, octets, state.Length);
            job.Reduce(output);
        }
        else if (IsLeadingInOrder(bits, state.NQubits))
        {
            // The first m qubits in order (all of them, when sampling every qubit): outcome o is the contiguous run
            // of amplitudes [o << (n-m), (o+1) << (n-m)). One pass, instead of a gather per outcome.
            var job = new ContiguousJob<T>(state, m, output);
            state.Pool.Run(job, outcomes, state.Length);
        }
        else
        {
            var job = new OutcomeJob<T>(state, bits.ToArray(), output);
            state.Pool.Run(job, outcomes, state.Length);
        }
    }

    /// <summary>Whether <paramref name="bits"/> are the first qubits in order (amplitude bits n-1, n-2, ...).</summary>
    public static bool IsLeadingInOrder(ReadOnlySpan<int> bits, int nQubits)
    {
        for (int i = 0; i < bits.Length; i++)
        {
            if (bits[i] != nQubits - 1 - i) return false;
        }
        return true;
    }

    private sealed class ContiguousJob<T>(in KernelState<T> state, int m, double* output) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _data = state.Data;
        private readonly int _shift = state.NQubits - m;
        private readonly double* _output = output;

        public void Run(int chunk, long begin, long end)
        {
            if (_shift == 0)
            {
                for (long o = begin; o < end; o++)
                {
                    double re = double.CreateTruncating(_data[2 * o]), im = double.CreateTruncating(_data[2 * o + 1]);
                    _output[o] = re * re + im * im;
                }
                return;
            }
            long run = 1L << _shift;
            for (long o = begin; o < end; o++) _output[o] = SquareSums.Sum(_data + 2 * (o << _shift), run);
        }
    }

    /// <summary>The outcome index of amplitude <paramref name="index"/>: its chosen bits, first = most significant.</summary>
    private static long Gather(long index, ReadOnlySpan<int> bits)
    {
        long outcome = 0;
        foreach (int b in bits) outcome = (outcome << 1) | ((index >> b) & 1);
        return outcome;
    }

    private sealed class HistogramJob<T> : IRangeJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _data;
        private readonly int[] _bits;
        private readonly long[] _lowPattern = new long[8]; // outcome bits contributed by amplitude bits 0..2 of lane l
        private readonly long _runLength;                 // in octets (8 amplitudes)
        private readonly double[][] _histograms;

        public HistogramJob(in KernelState<T> state, int[] bits, int chunks)
        {
            _data = state.Data;
            _bits = bits;
            int m = bits.Length;
            long run = 1L << (state.NQubits - 3);
            for (int i = 0; i < m; i++)
            {
                if (bits[i] < 3)
                {
                    for (int l = 0; l < 8; l++) _lowPattern[l] |= (long)((l >> bits[i]) & 1) << (m - 1 - i);
                }
                else
                {
                    run = Math.Min(run, 1L << (bits[i] - 3));
                }
            }
            _runLength = run;
            _histograms = new double[chunks][];
        }

        public void Run(int chunk, long begin, long end)
        {
            int m = _bits.Length;
            var histogram = _histograms[chunk] = new double[1 << m];
            double* lanes = stackalloc double[8];
            long runMask = _runLength - 1;
            for (long k = begin; k < end;)
            {
                long runEnd = Math.Min(end, (k | runMask) + 1);
                long index = k << 3, high = 0;
                for (int i = 0; i < m; i++)
                {
                    if (_bits[i] >= 3) high |= ((index >> _bits[i]) & 1) << (m - 1 - i);
                }
                for (int l = 0; l < 8; l++) lanes[l] = 0;
                SquareSums.AddByLane(_data + 2 * index, (runEnd - k) << 3, lanes);
                for (int l = 0; l < 8; l++) histogram[high | _lowPattern[l]] += lanes[l];
                k = runEnd;
            }
        }

        public void Reduce(double* output)
        {
            foreach (double[]? histogram in _histograms)
            {
                if (histogram == null) continue;
                for (int i = 0; i < histogram.Length; i++) output[i] += histogram[i];
            }
        }
    }

    private sealed class OutcomeJob<T> : IRangeJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _data;
        private readonly int[] _bits;
        private readonly double* _output;
        private readonly BitInserter _inserter;
        private readonly long _terms;

        public OutcomeJob(in KernelState<T> state, int[] bits, double* output)
        {
            _data = state.Data;
            _bits = bits;
            _output = output;
            _inserter = new BitInserter(bits, 0);
            _terms = 1L << (state.NQubits - bits.Length);
        }

        public void Run(int chunk, long begin, long end)
        {
            BitInserter inserter = _inserter;
            long runMask = inserter.RunLength - 1;
            int m = _bits.Length;
            for (long o = begin; o < end; o++)
            {
                long values = 0;
                for (int i = 0; i < m; i++) values |= ((o >> (m - 1 - i)) & 1) << _bits[i];
                inserter.Values = values;
                double sum = 0;
                for (long k = 0; k < _terms;)
                {
                    long runEnd = Math.Min(_terms, (k | runMask) + 1);
                    sum += SquareSums.Sum(_data + 2 * inserter.Insert(k), runEnd - k);
                    k = runEnd;
                }
                _output[o] = sum;
            }
        }
    }
}
