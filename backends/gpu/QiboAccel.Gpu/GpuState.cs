using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Gpu.Devices;
using QiboAccel.Gpu.Launch;

namespace QiboAccel.Gpu;

/// <summary>
/// A state vector in device memory: 2^n interleaved (re, im) pairs of the state's precision. It stays on the device
/// between calls; amplitudes and results cross to the host only when read. A state_apply batch is planned on the
/// host (each operation routed to its kernel, every matrix gathered into one array), the matrices are uploaded in
/// one copy, and the launches are enqueued in order on the state's own queue; only MEASURE waits, for its p0.
/// </summary>
internal sealed unsafe class GpuState : IDisposable
{
    private readonly GpuBackend _backend;
    private readonly DeviceQueue _queue;
    private readonly int _elementSize;
    private DeviceBuffer? _amplitudes;
    private DeviceBuffer? _consts;
    private DeviceBuffer? _masks;
    private readonly DeviceBuffer?[] _scratch = new DeviceBuffer?[2];

    public GpuState(GpuBackend backend, int nQubits, QiboPrecision precision)
    {
        _backend = backend;
        NQubits = nQubits;
        Precision = precision;
        Single = precision == QiboPrecision.Complex64;
        _elementSize = Single ? sizeof(float) : sizeof(double);
        Device device = backend.Device;
        ulong bytes = (1UL << nQubits) * 2 * (ulong)_elementSize;
        _queue = device.CreateQueue();
        try
        {
            string what = $"a {nQubits}-qubit {Name(precision)} state";
            _amplitudes = device.Allocate(bytes, _elementSize, what);
            try
            {
                Reset();
            }
            catch (GpuException e) when (e.IsAllocationFailure)
            {
                // OpenCL drivers may allocate lazily, on first use: a refusal then shows up here.
                throw GpuException.OutOfMemory($"out of device memory: cannot allocate {Device.Format(bytes)} ({bytes} bytes) for {what} " +
                    $"on {device.Id} (device memory {Device.Format(device.GlobalMemory)}): {e.Message}");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Number of qubits.</summary>
    public int NQubits { get; }

    /// <summary>Number of amplitudes.</summary>
    public long Length => 1L << NQubits;

    /// <summary>The precision.</summary>
    public QiboPrecision Precision { get; }

    /// <summary>True for complex64.</summary>
    public bool Single { get; }

    /// <summary>The backend the state was created on.</summary>
    public GpuBackend Backend => _backend;

    private DeviceBuffer Amplitudes => _amplitudes ?? throw GpuException.Invalid("the state was destroyed");

    /// <summary>"complex128" or "complex64".</summary>
    public static string Name(QiboPrecision precision) => precision == QiboPrecision.Complex64 ? "complex64" : "complex128";

    /// <summary>Sets the state to |0...0&gt;.</summary>
    public void Reset()
    {
        Kernels.InitBasis(_queue, Single, Length, Amplitudes, 0);
        _queue.Finish();
    }

    /// <summary>Copies amplitudes [offset, offset + count) to <paramref name="destination"/>.</summary>
    public void GetAmplitudes(ulong offset, ulong count, void* destination) =>
        _queue.Read(Amplitudes, offset * 2 * (ulong)_elementSize, destination, count * 2 * (ulong)_elementSize);

    /// <summary>Copies amplitudes [offset, offset + count) from <paramref name="source"/>.</summary>
    public void SetAmplitudes(ulong offset, ulong count, void* source)
    {
        _queue.Write(Amplitudes, offset * 2 * (ulong)_elementSize, source, count * 2 * (ulong)_elementSize);
        _queue.Finish();
    }

    // ---- state_apply ----------------------------------------------------------------------------------------

    private enum Step : byte
    {
        Phase,
        X,
        Swap,
        OneQubit,
        TwoQubit,
        Dense,
        Diagonal,
        Measure,
    }

    /// <summary>One planned launch. Masks are amplitude-index bit masks.</summary>
    private struct Planned
    {
        public Step Step;
        public long OpIndex;
        public long Threads;
        public long FixedMask;
        public long CtrlMask;
        public long A;
        public long B;
        public int K;
        public long MaskOffset;
        public long M;
        public double Re;
        public double Im;
        public int Cbit;
        public long RandomIndex;
    }

    /// <summary>Applies validated operations in order; device failures name the operation.</summary>
    public void Apply(List<DecodedOp> ops, double* randoms, byte* cbits)
    {
        if (ops.Count == 0) return;
        var plan = new List<Planned>(ops.Count);
        var consts = new List<double>();
        var masks = new List<long>();
        foreach (DecodedOp op in ops) PlanOp(op, plan, consts, masks);
        if (plan.Count == 0) return;

        DeviceBuffer constBuffer = Upload(ref _consts, CollectionsMarshal.AsSpan(consts));
        DeviceBuffer maskBuffer = UploadMasks(CollectionsMarshal.AsSpan(masks));
        DeviceBuffer state = Amplitudes;
        long current = -1;
        try
        {
            foreach (Planned p in plan)
            {
                current = p.OpIndex;
                switch (p.Step)
                {
                    case Step.Phase:
                        Kernels.ApplyPhase(_queue, Single, p.Threads, state, p.FixedMask, p.A, p.Re, p.Im);
                        break;
                    case Step.X:
                        Kernels.ApplyX(_queue, Single, p.Threads, state, p.FixedMask, p.CtrlMask, p.A);
                        break;
                    case Step.Swap:
                        Kernels.ApplySwap(_queue, Single, p.Threads, state, p.FixedMask, p.CtrlMask, p.A, p.B);
                        break;
                    case Step.OneQubit:
                        Kernels.Apply1Q(_queue, Single, p.Threads, state, constBuffer, p.FixedMask, p.CtrlMask, p.A, p.M);
                        break;
                    case Step.TwoQubit:
                        Kernels.Apply2Q(_queue, Single, p.Threads, state, constBuffer, p.FixedMask, p.CtrlMask, p.A, p.B, p.M);
                        break;
                    case Step.Dense:
                        Kernels.ApplyDense(_queue, Single, p.Threads, state, constBuffer, maskBuffer, p.FixedMask, p.CtrlMask, p.K, p.MaskOffset, p.M);
                        break;
                    case Step.Diagonal:
                        Kernels.ApplyDiagonal(_queue, Single, p.Threads, state, constBuffer, maskBuffer, p.FixedMask, p.CtrlMask, p.K, p.MaskOffset, p.M);
                        break;
                    case Step.Measure:
                        Measure(p, randoms[p.RandomIndex], cbits);
                        break;
                }
            }
            current = -1;
            _queue.Finish();
        }
        catch (GpuException e)
        {
            throw e.At(current);
        }
    }

    private void PlanOp(in DecodedOp op, List<Planned> plan, List<double> consts, List<long> masks)
    {
        long ctrl = 0;
        foreach (int c in op.Controls) ctrl |= 1L << c;
        int n = NQubits, nc = op.Controls.Length;
        switch (op.Kind)
        {
            case QiboOpKind.I:
                return;
            case QiboOpKind.Measure:
                plan.Add(new Planned
                {
                    Step = Step.Measure, OpIndex = op.Index, A = 1L << op.Targets[0], Cbit = op.Cbit, RandomIndex = op.RandomIndex,
                });
                return;
            case QiboOpKind.X:
            {
                long t = 1L << op.Targets[0];
                plan.Add(new Planned { Step = Step.X, OpIndex = op.Index, Threads = 1L << (n - 1 - nc), FixedMask = ctrl | t, CtrlMask = ctrl, A = t });
                return;
            }
            case QiboOpKind.Swap:
            {
                long a = 1L << op.Targets[0], b = 1L << op.Targets[1];
                plan.Add(new Planned { Step = Step.Swap, OpIndex = op.Index, Threads = 1L << (n - 2 - nc), FixedMask = ctrl | a | b, CtrlMask = ctrl, A = a, B = b });
                return;
            }
            case QiboOpKind.Diagonal:
                PlanDiagonal(op, ctrl, new ReadOnlySpan<double>(op.Matrix, 2 << op.Targets.Length), plan, consts, masks);
                return;
            case QiboOpKind.Matrix:
                PlanMatrix(op, ctrl, new ReadOnlySpan<double>(op.Matrix, 2 << (2 * op.Targets.Length)), plan, consts, masks);
                return;
        }
        Complex[] block = [];
        if (op.Kind == QiboOpKind.GeneralizedFSim)
        {
            block = new Complex[4];
            for (int i = 0; i < 4; i++) block[i] = new Complex(op.Matrix[2 * i], op.Matrix[2 * i + 1]);
        }
        Complex[] matrix = OpMatrices.Of(op.Kind, op.Params, block);
        int dim = 1 << op.Targets.Length;
        if (OpMatrices.IsDiagonal(op.Kind))
        {
            var diagonal = new double[2 * dim];
            for (int i = 0; i < dim; i++)
            {
                diagonal[2 * i] = matrix[i * dim + i].Real;
                diagonal[2 * i + 1] = matrix[i * dim + i].Imaginary;
            }
            PlanDiagonal(op, ctrl, diagonal, plan, consts, masks);
            return;
        }
        var dense = new double[2 * matrix.Length];
        for (int i = 0; i < matrix.Length; i++)
        {
            dense[2 * i] = matrix[i].Real;
            dense[2 * i + 1] = matrix[i].Imaginary;
        }
        PlanMatrix(op, ctrl, dense, plan, consts, masks);
    }

    /// <summary>Routes a dense matrix: diagonal ones, X and SWAP to their specialisations, else by size.</summary>
    private void PlanMatrix(in DecodedOp op, long ctrl, ReadOnlySpan<double> m, List<Planned> plan, List<double> consts, List<long> masks)
    {
        int k = op.Targets.Length, dim = 1 << k, n = NQubits, nc = op.Controls.Length;
        if (MatrixShape.DiagonalOrNull(m, dim) is { } d)
        {
            PlanDiagonal(op, ctrl, d, plan, consts, masks);
            return;
        }
        long targets = 0;
        foreach (int t in op.Targets) targets |= 1L << t;
        var step = new Planned { OpIndex = op.Index, Threads = 1L << (n - k - nc), FixedMask = ctrl | targets, CtrlMask = ctrl };
        if (k == 1 && m.SequenceEqual([0, 0, 1, 0, 1, 0, 0, 0]))
        {
            step.Step = Step.X;
            step.A = targets;
        }
        else if (k == 2 && m.SequenceEqual(SwapMatrix))
        {
            step.Step = Step.Swap;
            step.A = 1L << op.Targets[0];
            step.B = 1L << op.Targets[1];
        }
        else
        {
            step.M = consts.Count;
            foreach (double v in m) consts.Add(v);
            switch (k)
            {
                case 1:
                    step.Step = Step.OneQubit;
                    step.A = targets;
                    break;
                case 2:
                    step.Step = Step.TwoQubit;
                    step.A = 1L << op.Targets[0];
                    step.B = 1L << op.Targets[1];
                    break;
                default:
                    if (k > GpuBackend.MaxMatrixTargets)
                        throw GpuException.Unsupported($"op {op.Index}: a {k}-qubit matrix; this backend applies matrices on at most {GpuBackend.MaxMatrixTargets}", op.Index);
                    step.Step = Step.Dense;
                    step.K = k;
                    step.MaskOffset = masks.Count;
                    foreach (int t in op.Targets) masks.Add(1L << t);
                    break;
            }
        }
        plan.Add(step);
    }

    private static readonly double[] SwapMatrix =
    [
        1, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 1, 0, 0, 0,
        0, 0, 1, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 1, 0,
    ];

    /// <summary>
    /// Routes a diagonal: the identity is dropped, diag(1, ..., 1, phase) (Z, S, T, U1, CZ, ...) multiplies one
    /// amplitude in 2^k by the phase, anything else goes to the general diagonal kernel.
    /// </summary>
    private void PlanDiagonal(in DecodedOp op, long ctrl, ReadOnlySpan<double> d, List<Planned> plan, List<double> consts, List<long> masks)
    {
        int k = op.Targets.Length, dim = 1 << k, n = NQubits, nc = op.Controls.Length;
        bool leadingOnes = true;
        for (int i = 0; i < dim - 1 && leadingOnes; i++) leadingOnes = d[2 * i] == 1 && d[2 * i + 1] == 0;
        if (leadingOnes)
        {
            double re = d[2 * (dim - 1)], im = d[2 * (dim - 1) + 1];
            if (re == 1 && im == 0) return;
            long ones = ctrl;
            foreach (int t in op.Targets) ones |= 1L << t;
            plan.Add(new Planned { Step = Step.Phase, OpIndex = op.Index, Threads = 1L << (n - k - nc), FixedMask = ones, A = ones, Re = re, Im = im });
            return;
        }
        var step = new Planned
        {
            Step = Step.Diagonal, OpIndex = op.Index, Threads = 1L << (n - nc), FixedMask = ctrl, CtrlMask = ctrl, K = k,
            MaskOffset = masks.Count, M = consts.Count,
        };
        foreach (int t in op.Targets) masks.Add(1L << t);
        foreach (double v in d) consts.Add(v);
        plan.Add(step);
    }

    /// <summary>
    /// The header's MEASURE: p0 = P(target = 0) / norm, outcome 1 iff r &gt;= p0, collapse and renormalise (scale
    /// 1/sqrt(P(outcome))), write the classical bit.
    /// </summary>
    private void Measure(in Planned p, double r, byte* cbits)
    {
        double* probabilities = stackalloc double[2];
        int bit = BitOperations.TrailingZeroCount(p.A);
        Marginal([bit], probabilities);
        double total = probabilities[0] + probabilities[1];
        if (!(total > 0) || double.IsInfinity(total))
            throw GpuException.Invalid($"op {p.OpIndex} (MEASURE): the state's norm is {total}; cannot measure it", p.OpIndex);
        double p0 = probabilities[0] / total;
        int outcome = r >= p0 ? 1 : 0;
        double scale = 1 / Math.Sqrt(outcome == 0 ? probabilities[0] : probabilities[1]);
        Kernels.Collapse(_queue, Single, Length / 2, Amplitudes, p.A, outcome == 1 ? p.A : 0, scale);
        if (p.Cbit >= 0) cbits[p.Cbit] = (byte)outcome;
    }

    // ---- probabilities and sampling -------------------------------------------------------------------------

    /// <summary>
    /// Fills output[0 .. 2^bits.Length) with the marginal probabilities of amplitude bits <paramref name="bits"/>
    /// (first listed = most significant bit of the outcome). The device sums |a|^2 per outcome into partial sums
    /// (<see cref="Kernels.MarginalPartial"/>), folds them down to at most 64 per outcome
    /// (<see cref="Kernels.SumRuns"/>), and the host adds those in double, always in the same order.
    /// </summary>
    public void Marginal(ReadOnlySpan<int> bits, double* output)
    {
        int m = bits.Length, n = NQubits;
        long chosen = 0;
        foreach (int b in bits) chosen |= 1L << b;
        int free = n - m;
        int groupBits = Math.Clamp(16 - m, 0, free);
        long perThread = 1L << (free - groupBits);
        long count = 1L << (m + groupBits);
        int current = 0;
        DeviceBuffer first = Scratch(0, count);
        Kernels.MarginalPartial(_queue, Single, count, Amplitudes, first, chosen, groupBits, perThread);
        while (groupBits > 6)
        {
            int fold = Math.Min(groupBits - 6, 8);
            long next = count >> fold;
            DeviceBuffer input = Scratch(current, count), result = Scratch(1 - current, next);
            Kernels.SumRuns(_queue, Single, next, input, result, 1L << fold);
            current = 1 - current;
            count = next;
            groupBits -= fold;
        }
        long outcomes = 1L << m, groups = 1L << groupBits;
        double[] compressed = new double[outcomes];
        if (Single)
        {
            float[] values = new float[count];
            fixed (float* v = values) _queue.Read(Scratch(current, count), 0, v, (ulong)count * sizeof(float));
            for (long o = 0; o < outcomes; o++)
            {
                double s = 0;
                for (long g = 0; g < groups; g++) s += values[o * groups + g];
                compressed[o] = s;
            }
        }
        else
        {
            double[] values = new double[count];
            fixed (double* v = values) _queue.Read(Scratch(current, count), 0, v, (ulong)count * sizeof(double));
            for (long o = 0; o < outcomes; o++)
            {
                double s = 0;
                for (long g = 0; g < groups; g++) s += values[o * groups + g];
                compressed[o] = s;
            }
        }
        Native.SignalGuard.Repair();

        // compressed[o]: bit j of o is the j-th lowest chosen amplitude bit. Reorder to the listed order.
        int[] sorted = bits.ToArray();
        Array.Sort(sorted);
        var position = new int[m];
        bool identity = true;
        for (int i = 0; i < m; i++)
        {
            position[i] = Array.IndexOf(sorted, bits[i]);
            identity &= position[i] == m - 1 - i;
        }
        if (identity)
        {
            compressed.AsSpan().CopyTo(new Span<double>(output, (int)outcomes));
            return;
        }
        for (long o = 0; o < outcomes; o++)
        {
            long listed = 0;
            for (int i = 0; i < m; i++) listed |= ((o >> position[i]) & 1) << (m - 1 - i);
            output[listed] = compressed[o];
        }
    }

    /// <summary>
    /// Shots drawn from the marginal of <paramref name="bits"/> with the header's exact rule: cumulative sums
    /// p[0] + ... + p[i] in increasing i in double; shot s is the smallest i with r_s * total below the i-th sum.
    /// </summary>
    public void Sample(ReadOnlySpan<int> bits, ulong shots, double* randoms, ulong* outcomes)
    {
        for (ulong s = 0; s < shots; s++)
        {
            double r = randoms[s];
            if (!(r >= 0 && r < 1)) throw GpuException.Invalid($"sample: randoms[{s}] = {r} is not in [0, 1)");
        }
        long size = 1L << bits.Length;
        double[] cumulative;
        try
        {
            cumulative = new double[size];
        }
        catch (OutOfMemoryException)
        {
            throw GpuException.OutOfMemory($"out of host memory: cannot allocate {size * sizeof(double)} bytes for the marginal distribution of {bits.Length} qubits");
        }
        fixed (double* c = cumulative)
        {
            Marginal(bits, c);
            for (long i = 1; i < size; i++) c[i] += c[i - 1];
            double total = c[size - 1];
            if (!(total > 0) || double.IsInfinity(total))
                throw GpuException.Invalid($"sample: the state's norm is {total}; cannot sample from it");
            // r < 1 guarantees r * total < total, but rounding can make them equal: such a shot falls on the last
            // outcome with non-zero probability (the first whose cumulative sum reaches the total).
            long last = FirstAbove(c, size, total, inclusive: true);
            for (ulong s = 0; s < shots; s++)
            {
                long i = FirstAbove(c, size, randoms[s] * total, inclusive: false);
                outcomes[s] = (ulong)(i < size ? i : last);
            }
        }
    }

    /// <summary>Smallest i with x &lt; c[i] (or x &lt;= c[i] when inclusive); <paramref name="size"/> if none.</summary>
    private static long FirstAbove(double* c, long size, double x, bool inclusive)
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

    // ---- device buffers -------------------------------------------------------------------------------------

    private DeviceBuffer Scratch(int which, long elements)
    {
        ref DeviceBuffer? buffer = ref _scratch[which];
        if (buffer == null || buffer.Elements < elements)
        {
            buffer?.Dispose();
            buffer = null;
            buffer = _backend.Device.Allocate((ulong)Math.Max(elements, 64) * (ulong)_elementSize, _elementSize, "probability partial sums");
        }
        return buffer;
    }

    /// <summary>Copies the batch's matrices to the device in the state's precision (one copy per batch).</summary>
    private DeviceBuffer Upload(ref DeviceBuffer? buffer, ReadOnlySpan<double> values)
    {
        long elements = Math.Max(values.Length, 64);
        if (buffer == null || buffer.Elements < values.Length)
        {
            buffer?.Dispose();
            buffer = null;
            buffer = _backend.Device.Allocate((ulong)Math.Max(elements, 2L * values.Length) * (ulong)_elementSize, _elementSize, "the batch's matrices");
        }
        if (values.Length == 0) return buffer;
        if (Single)
        {
            float[] narrow = new float[values.Length];
            for (int i = 0; i < values.Length; i++) narrow[i] = (float)values[i];
            fixed (float* p = narrow) _queue.Write(buffer, 0, p, (ulong)narrow.Length * sizeof(float));
        }
        else
        {
            fixed (double* p = values) _queue.Write(buffer, 0, p, (ulong)values.Length * sizeof(double));
        }
        return buffer;
    }

    private DeviceBuffer UploadMasks(ReadOnlySpan<long> values)
    {
        if (_masks == null || _masks.Elements < values.Length)
        {
            _masks?.Dispose();
            _masks = null;
            _masks = _backend.Device.Allocate((ulong)Math.Max(64, 2L * values.Length) * sizeof(long), sizeof(long), "the batch's target masks");
        }
        if (values.Length > 0)
        {
            fixed (long* p = values) _queue.Write(_masks, 0, p, (ulong)values.Length * sizeof(long));
        }
        return _masks;
    }

    /// <summary>Frees the device memory and the queue.</summary>
    public void Dispose()
    {
        _queue.Dispose();
        _amplitudes?.Dispose();
        _amplitudes = null;
        _consts?.Dispose();
        _consts = null;
        _masks?.Dispose();
        _masks = null;
        for (int i = 0; i < _scratch.Length; i++)
        {
            _scratch[i]?.Dispose();
            _scratch[i] = null;
        }
    }
}
