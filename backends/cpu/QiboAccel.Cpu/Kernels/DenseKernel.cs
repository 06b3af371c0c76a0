using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.Cpu.Kernels.Simd;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Kernels;

/// <summary>
/// A dense 2^k x 2^k matrix on k targets (2-qubit gates, MATRIX) with any number of controls. For every index with
/// the targets 0 and the controls 1, the 2^k vectors of the target subspace are loaded, multiplied by the matrix and
/// stored back. Mostly-dense matrices go through a row-blocked loop (4 rows at a time, separate real and imaginary
/// accumulators: 8 independent FMA chains); sparse ones through a term list that skips zero entries.
/// Runs on the widest vector; targets or controls among the lane bits go through <see cref="DenseLaneJob{T, TV, TOps}"/>.
/// </summary>
internal static unsafe class DenseKernel
{
    /// <summary>
    /// Applies the row-major complex matrix <paramref name="m"/> (interleaved doubles, 4^k complex values) to
    /// <paramref name="targets"/> (first = most significant bit of the matrix index).
    /// </summary>
    public static void Apply<T>(in KernelState<T> state, int[] targets, int[] controls, ReadOnlySpan<double> m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var visitor = new Visitor<T> { State = state, Targets = targets, Controls = controls, Matrix = m.ToArray() };
        // Lanes may hold targets and controls (DenseLaneJob), but a vector must not be wider than the state (or the
        // cache block it runs on): with 2^LaneBits > 2^n amplitudes the unit count 2^(n - LaneBits - fixed) is not defined.
        SimdSelect.Dispatch<T, Visitor<T>>(ref visitor, state.MaxBits, state.NQubits);
    }

    private struct Visitor<T> : IKernelVisitor<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public KernelState<T> State;
        public int[] Targets;
        public int[] Controls;
        public double[] Matrix;

        public readonly void Visit<TV, TOps>() where TV : unmanaged where TOps : struct, IVecOps<TV, T>
        {
            int lowest = int.MaxValue;
            foreach (int t in Targets) lowest = Math.Min(lowest, t);
            foreach (int c in Controls) lowest = Math.Min(lowest, c);
            if (lowest < TOps.LaneBits)
            {
                var lanes = new DenseLaneJob<T, TV, TOps>(State, Targets, Controls, Matrix);
                State.Run(lanes, lanes.Total, lanes.Amplitudes);
                return;
            }
            var job = new Job<T, TV, TOps>(State, Targets, Controls, Matrix);
            State.Run(job, job.Total, job.Total << (TOps.LaneBits + Targets.Length));
        }
    }

    private sealed class Job<T, TV, TOps> : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged
        where TOps : struct, IVecOps<TV, T>
    {
        private readonly T* _data;
        private readonly BitInserter _inserter;
        private readonly int _dim;
        private readonly long[] _offsets;     // T elements from the base vector to the vector of column c
        private readonly int[] _rowStart;     // terms of row r: [_rowStart[r], _rowStart[r + 1])
        private readonly int[] _termColumn;
        private readonly bool[] _termComplex;
        private readonly T[] _coefficients;   // per term: re, im (broadcast in the loop; lanes share them)
        private readonly T[]? _re, _im;        // dense mode: the full matrix, row-major

        public Job(in KernelState<T> state, int[] targets, int[] controls, double[] m)
        {
            int laneBits = TOps.LaneBits, k = targets.Length;
            _data = state.Data;
            _dim = 1 << k;

            Span<int> fixedBits = stackalloc int[k + controls.Length];
            long values = 0;
            int n = 0;
            foreach (int t in targets) fixedBits[n++] = t - laneBits;
            foreach (int c in controls)
            {
                fixedBits[n++] = c - laneBits;
                values |= 1L << (c - laneBits);
            }
            _inserter = new BitInserter(fixedBits, values);
            Total = 1L << (state.NQubits - laneBits - n);

            _offsets = new long[_dim];
            for (int c = 0; c < _dim; c++)
            {
                long offset = 0;
                for (int i = 0; i < k; i++)
                {
                    if (((c >> (k - 1 - i)) & 1) != 0) offset += 1L << (targets[i] - laneBits);
                }
                _offsets[c] = offset << (laneBits + 1);
            }

            _rowStart = new int[_dim + 1];
            var columns = new List<int>();
            var complex = new List<bool>();
            var coefficients = new List<T>();
            for (int r = 0; r < _dim; r++)
            {
                _rowStart[r] = columns.Count;
                for (int c = 0; c < _dim; c++)
                {
                    double re = m[2 * (r * _dim + c)], im = m[2 * (r * _dim + c) + 1];
                    if (re == 0 && im == 0) continue;
                    columns.Add(c);
                    complex.Add(im != 0);
                    coefficients.Add(T.CreateTruncating(re));
                    coefficients.Add(T.CreateTruncating(im));
                }
            }
            _rowStart[_dim] = columns.Count;
            if (columns.Count * 4L >= (long)_dim * _dim || DenseRegisterBodies.Handles(_dim))
            {
                _re = new T[_dim * _dim];
                _im = new T[_dim * _dim];
                for (int i = 0; i < _dim * _dim; i++)
                {
                    _re[i] = T.CreateTruncating(m[2 * i]);
                    _im[i] = T.CreateTruncating(m[2 * i + 1]);
                }
            }
            _termColumn = [.. columns];
            _termComplex = [.. complex];
            _coefficients = [.. coefficients];
        }

        public long Total { get; }

        public void Run(int chunk, long begin, long end)
        {
            int w = 2 << TOps.LaneBits, dim = _dim;
            T* signPattern = stackalloc T[w];
            for (int j = 0; j < w; j += 2)
            {
                signPattern[j] = -T.One;
                signPattern[j + 1] = T.One;
            }
            if (_re != null && DenseRegisterBodies.Handles(dim))
            {
                RunInRegisters(begin, end, TOps.Load(signPattern));
                return;
            }
            TV* scratch = (TV*)NativeMemory.AlignedAlloc((nuint)(2 * dim * sizeof(TV)), 64);
            try
            {
                fixed (long* offsets = _offsets)
                fixed (int* rowStart = _rowStart)
                fixed (int* termColumn = _termColumn)
                fixed (bool* termComplex = _termComplex)
                fixed (T* coefficients = _coefficients)
                fixed (T* denseRe = _re)
                fixed (T* denseIm = _im)
                {
                    var body = new Body
                    {
                        W = w, Dim = dim, Signs = TOps.Load(signPattern),
                        V = scratch, IV = scratch + dim, Offsets = offsets, RowStart = rowStart, TermColumn = termColumn,
                        TermComplex = termComplex, Coefficients = coefficients, DenseRe = denseRe, DenseIm = denseIm,
                    };
                    IndexRuns.Walk(_inserter, BlockContext.Resolve(_data), TOps.LaneBits + 1, begin, end, ref body);
                }
            }
            finally
            {
                NativeMemory.AlignedFree(scratch);
            }
        }

        private void RunInRegisters(long begin, long end, TV signs)
        {
            int w = 2 << TOps.LaneBits;
            T* data = BlockContext.Resolve(_data);
            long[] o = _offsets;
            fixed (T* re = _re, im = _im)
            {
                if (_dim == 4)
                {
                    var body = new DenseRegisterBodies.Dense4<T, TV, TOps>
                    {
                        W = w, O1 = o[1], O2 = o[2], O3 = o[3], Signs = signs, Re = re, Im = im,
                    };
                    IndexRuns.Walk(_inserter, data, TOps.LaneBits + 1, begin, end, ref body);
                }
                else
                {
                    var body = new DenseRegisterBodies.Dense8<T, TV, TOps>
                    {
                        W = w, O1 = o[1], O2 = o[2], O3 = o[3], O4 = o[4], O5 = o[5], O6 = o[6], O7 = o[7],
                        Signs = signs, Re = re, Im = im,
                    };
                    IndexRuns.Walk(_inserter, data, TOps.LaneBits + 1, begin, end, ref body);
                }
            }
        }

        /// <summary>
        /// The 2^k vectors of each unit's target subspace, multiplied by the matrix: 4 rows at a time from the full
        /// matrix (8 independent FMA chains), or row by row over the non-zero terms of a sparse one.
        /// </summary>
        private struct Body : IRunBody<T>
        {
            public int W, Dim;
            public TV Signs;
            public TV* V, IV;   // IV[c] = i * V[c] = (-im, re)
            public long* Offsets;
            public int* RowStart, TermColumn;
            public bool* TermComplex;
            public T* Coefficients, DenseRe, DenseIm;

            public readonly void Run(T* p, long count)
            {
                int w = W, dim = Dim;
                TV signs = Signs;
                TV* v = V, iv = IV;
                long* offsets = Offsets;
                T* denseRe = DenseRe, denseIm = DenseIm;
                for (T* stop = p + count * w; p < stop; p += w)
                {
                    for (int c = 0; c < dim; c++)
                    {
                        TV x = TOps.Load(p + offsets[c]);
                        v[c] = x;
                        iv[c] = TOps.Mul(TOps.SwapReIm(x), signs);
                    }
                    if (denseRe != null)
                    {
                        for (int r = 0; r < dim; r += 4)
                        {
                            T* re = denseRe + r * dim, im = denseIm + r * dim;
                            TV a0 = default, a1 = default, a2 = default, a3 = default;
                            TV b0 = default, b1 = default, b2 = default, b3 = default;
                            for (int c = 0; c < dim; c++)
                            {
                                TV x = v[c], y = iv[c];
                                a0 = TOps.MulAdd(TOps.Broadcast(re[c]), x, a0);
                                b0 = TOps.MulAdd(TOps.Broadcast(im[c]), y, b0);
                                a1 = TOps.MulAdd(TOps.Broadcast(re[dim + c]), x, a1);
                                b1 = TOps.MulAdd(TOps.Broadcast(im[dim + c]), y, b1);
                                a2 = TOps.MulAdd(TOps.Broadcast(re[2 * dim + c]), x, a2);
                                b2 = TOps.MulAdd(TOps.Broadcast(im[2 * dim + c]), y, b2);
                                a3 = TOps.MulAdd(TOps.Broadcast(re[3 * dim + c]), x, a3);
                                b3 = TOps.MulAdd(TOps.Broadcast(im[3 * dim + c]), y, b3);
                            }
                            TOps.Store(p + offsets[r], TOps.Add(a0, b0));
                            TOps.Store(p + offsets[r + 1], TOps.Add(a1, b1));
                            TOps.Store(p + offsets[r + 2], TOps.Add(a2, b2));
                            TOps.Store(p + offsets[r + 3], TOps.Add(a3, b3));
                        }
                        continue;
                    }
                    for (int r = 0; r < dim; r++)
                    {
                        TV a = default, b = default;
                        for (int t = RowStart[r]; t < RowStart[r + 1]; t++)
                        {
                            int c = TermColumn[t];
                            a = TOps.MulAdd(TOps.Broadcast(Coefficients[2 * t]), v[c], a);
                            if (TermComplex[t]) b = TOps.MulAdd(TOps.Broadcast(Coefficients[2 * t + 1]), iv[c], b);
                        }
                        TOps.Store(p + offsets[r], TOps.Add(a, b));
                    }
                }
            }
        }
    }
}
