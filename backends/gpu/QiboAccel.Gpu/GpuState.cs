using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Gpu.Devices;
using QiboAccel.Gpu.Launch;

namespace QiboAccel.Gpu;

/// <summary>
/// A state vector in device memory: 2^n interleaved (re, im) pairs of the state's precision. It stays on the device
/// between calls; amplitudes and results cross to the host only when read. A state_apply batch is planned on the
/// host (<see cref="GpuPlan"/>: fusion, then each operation routed to its kernel), its matrices and target masks go
/// to the device in one asynchronous copy from page-locked memory, and the launches are enqueued in order on the
/// state's own queue. MEASURE is decided on the device (reduction, decision with the host's random number,
/// collapse): the batch waits once, at its end, and reads every MEASURE's outcome in one copy.
/// Reductions (probabilities, sampling, MEASURE's p0, inner products, expectation values) sum in double for both
/// precisions: complex64 amplitudes are widened first (<see cref="SumVariant.F32D"/>), except on a device without
/// fp64, where complex64 sums are compensated float (<see cref="SumVariant.F32"/>; the README gives the bound).
/// Every public method leaves the state's queue idle when it returns, so another state's queue may read or write
/// this state's memory in between (inner products, copies).
/// </summary>
internal sealed unsafe class GpuState : IDisposable
{
    private readonly GpuBackend _backend;
    private readonly DeviceQueue _queue;
    private readonly int _elementSize;
    private readonly SumVariant _sums;
    private readonly int _sumSize;
    private DeviceBuffer? _amplitudes;
    private DeviceBuffer? _batch;
    private HostBuffer? _staging;
    private DeviceBuffer? _decisions;
    private DeviceBuffer? _bitMasks;
    private DeviceBuffer? _terms;
    private DeviceBuffer? _results;
    private readonly DeviceBuffer?[] _scratch = new DeviceBuffer?[2];

    /// <summary>Outcomes per window of a large marginal (2^22: the host and device buffers stay at 32 MiB).</summary>
    private const int WindowBits = 22;

    /// <summary>Reductions fold on the device until at most 2^6 partial sums per result are left.</summary>
    private const int FinalGroupBits = 6;

    public GpuState(GpuBackend backend, int nQubits, QiboPrecision precision)
    {
        _backend = backend;
        NQubits = nQubits;
        Precision = precision;
        Single = precision == QiboPrecision.Complex64;
        _elementSize = Single ? sizeof(float) : sizeof(double);
        Device device = backend.Device;
        _sums = !Single ? SumVariant.F64 : backend.Fp64 ? SumVariant.F32D : SumVariant.F32;
        _sumSize = _sums == SumVariant.F32 ? sizeof(float) : sizeof(double);
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

    /// <summary>True when this state's sums are compensated float (complex64 on a device without fp64), not double.</summary>
    public bool SumsInFloat => _sums == SumVariant.F32;

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

    /// <summary>Applies validated operations in order; device failures name the operation.</summary>
    public void Apply(List<DecodedOp> ops, double* randoms, byte* cbits)
    {
        if (ops.Count == 0) return;
        double[] prices = _backend.Options.FusionModel switch
        {
            "gpu" => Device.GpuDenseCost,
            "cpu" => Device.CpuDenseCost,
            _ => _backend.Device.DenseCost,
        };
        var plan = new GpuPlan(ops, NQubits, _backend.Options, prices, randoms, Single);
        if (plan.Steps.Count == 0) return;
        DeviceBuffer state = Amplitudes;
        long current = -1;
        try
        {
            (DeviceView consts, DeviceView masks) = Upload(plan);
            DeviceBuffer decisions = plan.Measures > 0 ? Decisions(plan.Measures) : state;
            foreach (Planned p in plan.Steps)
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
                        Kernels.Apply1Q(_queue, Single, p.Threads, state, consts, p.FixedMask, p.CtrlMask, p.A, p.M);
                        break;
                    case Step.TwoQubit:
                        Kernels.Apply2Q(_queue, Single, p.Threads, state, consts, p.FixedMask, p.CtrlMask, p.A, p.B, p.M);
                        break;
                    case Step.Dense:
                        Kernels.ApplyDense(_queue, Single, p.Threads, state, consts, masks, p.FixedMask, p.CtrlMask, p.K, p.MaskOffset, p.M);
                        break;
                    case Step.Diagonal:
                        Kernels.ApplyDiagonal(_queue, Single, p.Threads, state, consts, masks, p.FixedMask, p.CtrlMask, p.K, p.MaskOffset, p.M);
                        break;
                    case Step.Measure:
                        EnqueueMeasure(p, masks, decisions);
                        break;
                }
            }
            current = -1;
            _queue.Finish();
            if (plan.Measures > 0) ReadOutcomes(plan, decisions, cbits);
        }
        catch (GpuException e)
        {
            // Let what was enqueued (the asynchronous upload from the staging buffer included) drain before the
            // next batch reuses the buffers; a failure here says nothing new.
            try
            {
                _queue.Finish();
            }
            catch (GpuException)
            {
            }
            throw current >= 0 ? e.At(current) : e;
        }
        finally
        {
            plan.KeepAlive();
        }
    }

    /// <summary>
    /// The batch's matrices (in the state's precision) and target masks, as one asynchronous copy from the state's
    /// page-locked staging buffer into one device buffer: [matrices | masks], the masks 8-byte aligned.
    /// </summary>
    private (DeviceView Consts, DeviceView Masks) Upload(GpuPlan plan)
    {
        long constCount = plan.Consts.Count, maskCount = plan.Masks.Count;
        ulong constBytes = (ulong)(constCount * _elementSize), maskStart = (constBytes + 7) / 8 * 8;
        ulong bytes = maskStart + (ulong)maskCount * sizeof(long);
        if (_staging == null || _staging.Bytes < bytes)
        {
            _staging?.Dispose();
            _staging = null;
            _staging = _backend.Device.AllocateHost(Math.Max(bytes * 2, 4096));
        }
        if (_batch == null || _batch.Bytes < bytes)
        {
            _batch?.Dispose();
            _batch = null;
            _batch = _backend.Device.Allocate(Math.Max(bytes * 2, 4096), sizeof(long), "the batch's matrices and target masks");
        }
        byte* staging = (byte*)_staging.Pointer;
        if (Single)
        {
            float* f = (float*)staging;
            for (int i = 0; i < constCount; i++) f[i] = (float)plan.Consts[i];
        }
        else
        {
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(plan.Consts).CopyTo(new Span<double>(staging, (int)constCount));
        }
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(plan.Masks).CopyTo(new Span<long>(staging + maskStart, (int)maskCount));
        if (bytes > 0) _queue.WriteAsync(_batch, 0, _staging, bytes);
        return (new DeviceView(_batch, 0, constCount, _elementSize), new DeviceView(_batch, (long)(maskStart / sizeof(long)), maskCount, sizeof(long)));
    }

    private DeviceBuffer Decisions(int measures)
    {
        long elements = 3L * measures;
        if (_decisions == null || _decisions.Elements < elements)
        {
            _decisions?.Dispose();
            _decisions = null;
            _decisions = _backend.Device.Allocate((ulong)Math.Max(2 * elements, 64) * (ulong)_elementSize, _elementSize, "MEASURE outcomes");
        }
        return _decisions;
    }

    /// <summary>
    /// The header's MEASURE, on the device: P(target = 0) and P(target = 1) reduced to at most 64 partial sums each,
    /// then one thread decides (p0 = P0 / norm, outcome 1 iff r &gt;= p0, scale 1/sqrt(P(outcome))) and the
    /// collapse reads its decision. No host round trip.
    /// </summary>
    private void EnqueueMeasure(in Planned p, DeviceView masks, DeviceBuffer decisions)
    {
        (int buffer, long groups) = EnqueuePartials(masks, p.MaskOffset, 1, p.A, FinalGroupBits);
        // Float sums compare with r as a float plus the rest, so the comparison stays exact.
        double hi = SumsInFloat ? (float)p.Random : p.Random, lo = p.Random - hi;
        Kernels.MeasureDecide(_queue, _sums, 1, Scratch(buffer, 2 * groups), decisions, groups, p.Slot, hi, lo);
        Kernels.Collapse(_queue, Single, Length / 2, Amplitudes, decisions, p.A, p.Slot);
    }

    /// <summary>Reads every MEASURE's decision in one copy: classical bits, or the first MEASURE whose state had no norm.</summary>
    private void ReadOutcomes(GpuPlan plan, DeviceBuffer decisions, byte* cbits)
    {
        int count = 3 * plan.Measures;
        double[] read = new double[count];
        if (Single)
        {
            float[] f = new float[count];
            fixed (float* pf = f) _queue.Read(decisions, 0, pf, (ulong)count * sizeof(float));
            for (int i = 0; i < count; i++) read[i] = f[i];
        }
        else
        {
            fixed (double* pd = read) _queue.Read(decisions, 0, pd, (ulong)count * sizeof(double));
        }
        foreach (Planned p in plan.Steps)
        {
            if (p.Step != Step.Measure) continue;
            double outcome = read[3 * p.Slot], total = read[3 * p.Slot + 2];
            if (outcome is not (0 or 1))
                throw GpuException.Invalid($"op {p.OpIndex} (MEASURE): the state's norm is {total}; cannot measure it", p.OpIndex);
            if (p.Cbit >= 0) cbits[p.Cbit] = (byte)outcome;
        }
    }

    // ---- probabilities and sampling -------------------------------------------------------------------------

    /// <summary>Receives the marginal probabilities of outcomes [first, first + values.Length), in the listed order.</summary>
    private delegate void WindowSink(long first, ReadOnlySpan<double> values);

    /// <summary>
    /// Enqueues the first passes of a marginal over m listed bits (masks at masks[maskOffset ..]) and folds the
    /// partial sums until each outcome has 2^finalGroupBits of them (or fewer); returns the scratch buffer holding them
    /// (outcome o's at [o * groups ..]) and the number of groups. Threads: about <see cref="Device.ReductionThreads"/>,
    /// so the first pass fills the device whatever its size.
    /// </summary>
    private (int Buffer, long Groups) EnqueuePartials(DeviceView masks, long maskOffset, int m, long chosen, int finalGroupBits)
    {
        int free = NQubits - m;
        int targetBits = BitOperations.Log2((ulong)_backend.Device.ReductionThreads);
        int groupBits = Math.Clamp(targetBits - m, 0, free);
        long perThread = 1L << (free - groupBits);
        long count = 1L << (m + groupBits);
        Kernels.MarginalPartial(_queue, _sums, count, Amplitudes, Scratch(0, count), masks, 0, chosen, m, maskOffset, groupBits, perThread);
        return Fold(0, count, groupBits, finalGroupBits);
    }

    /// <summary>
    /// Folds <paramref name="count"/> partial sums in scratch buffer <paramref name="current"/>, 2^groupBits consecutive
    /// ones per result, until at most 2^finalGroupBits per result are left (runs of up to 2^8 per pass); returns the
    /// scratch buffer holding them and their number per result.
    /// </summary>
    private (int Buffer, long Groups) Fold(int current, long count, int groupBits, int finalGroupBits)
    {
        while (groupBits > finalGroupBits)
        {
            int fold = Math.Min(groupBits - finalGroupBits, 8);
            long next = count >> fold;
            DeviceBuffer input = Scratch(current, count), result = Scratch(1 - current, next);
            Kernels.SumRuns(_queue, SumsInFloat, next, input, result, 1L << fold);
            current = 1 - current;
            count = next;
            groupBits -= fold;
        }
        return (current, 1L << groupBits);
    }

    /// <summary>Reads <paramref name="count"/> sums from the start of a buffer of sums, as doubles.</summary>
    private double[] ReadSums(DeviceBuffer buffer, long count)
    {
        var values = new double[count];
        if (count == 0) return values;
        if (SumsInFloat)
        {
            var f = new float[count];
            fixed (float* pf = f) _queue.Read(buffer, 0, pf, (ulong)count * sizeof(float));
            for (long i = 0; i < count; i++) values[i] = f[i];
        }
        else
        {
            fixed (double* pd = values) _queue.Read(buffer, 0, pd, (ulong)count * sizeof(double));
        }
        return values;
    }

    /// <summary>
    /// The marginal probabilities of amplitude bits <paramref name="bits"/> (first listed = most significant bit of
    /// the outcome), delivered in windows of at most 2^22 outcomes in increasing order. The device sums |a|^2 per
    /// outcome in double (complex64 amplitudes widened first; compensated float only on a device without fp64) with
    /// compensated summation in a fixed order; the host adds the last partial sums (at most 64 per outcome) in double.
    /// Above 2^22 outcomes each window is computed alone, so no buffer, on the host or the device, has 2^m entries.
    /// </summary>
    private void Marginal(ReadOnlySpan<int> bits, WindowSink sink)
    {
        int m = bits.Length, n = NQubits;
        long chosen = 0;
        long* listed = stackalloc long[Math.Max(m, 1)];
        for (int i = 0; i < m; i++)
        {
            listed[i] = 1L << bits[i];
            chosen |= listed[i];
        }
        DeviceBuffer masks = BitMasks(listed, m);
        if (m >= WindowBits)
        {
            long window = 1L << WindowBits, perThread = 1L << (n - m);
            double* values = (double*)NativeMemory.Alloc((nuint)window, sizeof(double));
            void* raw = NativeMemory.Alloc((nuint)window, (nuint)_sumSize);
            try
            {
                for (long first = 0; first < 1L << m; first += window)
                {
                    DeviceBuffer partials = Scratch(0, window);
                    Kernels.MarginalPartial(_queue, _sums, window, Amplitudes, partials, masks, first, chosen, m, 0, 0, perThread);
                    _queue.Read(partials, 0, raw, (ulong)(window * _sumSize));
                    Widen(raw, values, window);
                    sink(first, new ReadOnlySpan<double>(values, (int)window));
                }
            }
            finally
            {
                NativeMemory.Free(values);
                NativeMemory.Free(raw);
                Native.SignalGuard.Repair();
            }
            return;
        }
        int finalGroupBits = Math.Clamp(12 - m, 0, 6);
        (int buffer, long groups) = EnqueuePartials(masks, 0, m, chosen, finalGroupBits);
        long outcomes = 1L << m, count = outcomes * groups;
        double* sums = (double*)NativeMemory.Alloc((nuint)outcomes, sizeof(double));
        try
        {
            double[] partialValues = ReadSums(Scratch(buffer, count), count);
            for (long o = 0; o < outcomes; o++)
            {
                double s = 0;
                for (long g = 0; g < groups; g++) s += partialValues[o * groups + g];
                sums[o] = s;
            }
            sink(0, new ReadOnlySpan<double>(sums, (int)outcomes));
        }
        finally
        {
            NativeMemory.Free(sums);
            Native.SignalGuard.Repair();
        }
    }

    private void Widen(void* raw, double* values, long count)
    {
        if (!SumsInFloat)
        {
            Buffer.MemoryCopy(raw, values, count * sizeof(double), count * sizeof(double));
            return;
        }
        float* f = (float*)raw;
        for (long i = 0; i < count; i++) values[i] = f[i];
    }

    /// <summary>Uploads the listed bits' masks for a marginal (a few bytes, synchronously).</summary>
    private DeviceBuffer BitMasks(long* listed, int m)
    {
        _bitMasks ??= _backend.Device.Allocate(64 * sizeof(long), sizeof(long), "the marginal's qubit masks");
        _queue.Write(_bitMasks, 0, listed, (ulong)m * sizeof(long));
        return _bitMasks;
    }

    /// <summary>Fills output[0 .. 2^bits.Length) with the marginal probabilities of <paramref name="bits"/>, first listed = most significant.</summary>
    public void Marginal(ReadOnlySpan<int> bits, double* output) =>
        Marginal(bits, (first, values) => values.CopyTo(new Span<double>(output + first, values.Length)));

    /// <summary>
    /// Shots drawn from the marginal of <paramref name="bits"/> with the header's exact rule: cumulative sums
    /// p[0] + ... + p[i] in increasing i in double; shot s is the smallest i with r_s * total below the i-th sum.
    /// Above 2^22 outcomes the marginal is streamed twice (once for the total, once with the shots in increasing order
    /// of r) instead of holding 2^m cumulative sums.
    /// </summary>
    public void Sample(ReadOnlySpan<int> bits, ulong shots, double* randoms, ulong* outcomes)
    {
        for (ulong s = 0; s < shots; s++)
        {
            double r = randoms[s];
            if (!(r >= 0 && r < 1)) throw GpuException.Invalid($"sample: randoms[{s}] = {r} is not in [0, 1)");
        }
        // Small marginals are computed once and kept; large ones are streamed twice (the device's sums are deterministic).
        double* cached = null;
        if (bits.Length < WindowBits)
        {
            cached = (double*)NativeMemory.Alloc((nuint)(1L << bits.Length), sizeof(double));
            Marginal(bits, cached);
        }
        int[] listed = bits.ToArray();
        void Each(WindowSink sink)
        {
            if (cached != null) sink(0, new ReadOnlySpan<double>(cached, 1 << listed.Length));
            else Marginal(listed, sink);
        }
        try
        {
            double total = 0;
            Each((first, values) =>
            {
                foreach (double v in values) total += v;
            });
            if (!(total > 0) || double.IsInfinity(total))
                throw GpuException.Invalid($"sample: the state's norm is {total}; cannot sample from it");
            var order = new long[shots];
            var keys = new double[shots];
            for (long s = 0; s < (long)shots; s++)
            {
                order[s] = s;
                keys[s] = randoms[s] * total;
            }
            Array.Sort(keys, order);
            long next = 0, last = -1;
            double cumulative = 0;
            Each((first, values) =>
            {
                for (int j = 0; j < values.Length; j++)
                {
                    cumulative += values[j];
                    while (next < keys.Length && keys[next] < cumulative) outcomes[order[next++]] = (ulong)(first + j);
                    // r < 1 guarantees r * total < total, but rounding can make them equal: such a shot falls on the last
                    // outcome with non-zero probability (the first whose cumulative sum reaches the total).
                    if (last < 0 && total <= cumulative) last = first + j;
                }
            });
            while (next < keys.Length) outcomes[order[next++]] = (ulong)last;
        }
        finally
        {
            if (cached != null) NativeMemory.Free(cached);
        }
    }

    // ---- ABI 1.1: copies, inner products, expectation values ----------------------------------------------

    /// <summary>
    /// Overwrites <paramref name="destination"/> (same device, size and precision; never this state) with this state's
    /// amplitudes: one device-to-device copy on the destination's queue. This state's queue is idle (see the class
    /// remarks), so the copy reads finished amplitudes.
    /// </summary>
    public void CopyTo(GpuState destination) => destination.Idle(() =>
    {
        destination._queue.Copy(Amplitudes, destination.Amplitudes, Amplitudes.Bytes);
        destination._queue.Finish();
    });

    /// <summary>
    /// ⟨this|<paramref name="ket"/>⟩ = Σ conj(this[i])·ket[i] on the device: about <see cref="Device.ReductionThreads"/>
    /// threads each sum a strided run in double (complex64 widened first) with compensated summation, the partial sums
    /// fold on the device to at most 64 per part and the host adds those in double, in a fixed order. The kernel runs on
    /// this state's queue and reads the ket's memory (the ket's queue is idle).
    /// </summary>
    public (double Re, double Im) InnerProduct(GpuState ket) => Idle(() =>
    {
        (long threads, int threadBits, long perThread) = ReductionShape();
        Kernels.InnerPartial(_queue, _sums, threads, Amplitudes, ket.Amplitudes, Scratch(0, 2 * threads), threads, perThread);
        (int buffer, long groups) = Fold(0, 2 * threads, threadBits, FinalGroupBits);
        double[] partials = ReadSums(Scratch(buffer, 2 * groups), 2 * groups);
        double re = 0, im = 0;
        for (long g = 0; g < groups; g++)
        {
            re += partials[g];
            im += partials[groups + g];
        }
        return (re, im);
    });

    /// <summary>
    /// Σ_t c_t·⟨ψ|P_t|ψ⟩ on the device memory (not normalised). Terms with the same flip mask (X and Y bits) share one
    /// pass over the state, as on the CPU backend: each thread sums, for its amplitudes b, Re(i^y_t·conj(ψ[b ^ flip])·ψ[b])
    /// with the sign of popcount(b &amp; sign_t) and the coefficient of every term of the group, in double (complex64
    /// widened first). Each group folds on the device to one value; the host reads all groups' values in one copy and
    /// adds them in order.
    /// </summary>
    public double Expectation(ReadOnlySpan<PauliString> terms)
    {
        // Groups in order of first appearance (deterministic), terms within a group in their given order.
        var byFlip = new Dictionary<ulong, List<PauliString>>();
        var order = new List<ulong>();
        foreach (PauliString t in terms)
        {
            if (!byFlip.TryGetValue(t.Flip, out List<PauliString>? list))
            {
                byFlip[t.Flip] = list = [];
                order.Add(t.Flip);
            }
            list.Add(t);
        }
        int count = terms.Length;
        // weights[2k], weights[2k + 1]: c·Re(i^y) and −c·Im(i^y), so that c·Re(i^y·z) = weights[2k]·Re z + weights[2k + 1]·Im z.
        var weights = new double[2 * count];
        var signs = new long[count];
        int k = 0;
        foreach (ulong flip in order)
        {
            foreach (PauliString t in byFlip[flip])
            {
                (double yr, double yi) = t.YPhase;
                weights[2 * k] = t.Coefficient * yr;
                weights[2 * k + 1] = -t.Coefficient * yi;
                signs[k] = (long)t.Sign;
                k++;
            }
        }
        return Idle(() => GroupSums(order, byFlip, weights, signs));
    }

    /// <summary>One pass per flip group, each folded to one value on the device; the host adds the groups' values in order.</summary>
    private double GroupSums(List<ulong> order, Dictionary<ulong, List<PauliString>> byFlip, double[] weights, long[] signs)
    {
        (DeviceView weightView, DeviceView signView) = UploadTerms(weights, signs);
        DeviceBuffer results = Results(order.Count);
        (long threads, int threadBits, long perThread) = ReductionShape();
        long first = 0;
        for (int g = 0; g < order.Count; g++)
        {
            long groupTerms = byFlip[order[g]].Count;
            Kernels.ExpectationPartial(_queue, _sums, threads, Amplitudes, weightView, signView, Scratch(0, threads), threads, perThread,
                (long)order[g], first, groupTerms);
            (int buffer, long groups) = Fold(0, threads, threadBits, FinalGroupBits);
            Kernels.SumRuns(_queue, SumsInFloat, 1, Scratch(buffer, groups), new DeviceView(results, g, 1, _sumSize), groups);
            first += groupTerms;
        }
        double total = 0;
        foreach (double value in ReadSums(results, order.Count)) total += value;
        return total;
    }

    /// <summary>
    /// Runs <paramref name="body"/>, which enqueues on this state's queue and ends by waiting for it; on a failure, waits
    /// for what was enqueued before rethrowing, so the queue is idle whatever happens (other states' queues may then
    /// use this state's memory, and the next call may reuse the scratch buffers).
    /// </summary>
    private TResult Idle<TResult>(Func<TResult> body)
    {
        try
        {
            return body();
        }
        catch (GpuException)
        {
            try
            {
                _queue.Finish();
            }
            catch (GpuException)
            {
            }
            throw;
        }
    }

    /// <summary><see cref="Idle{TResult}"/> for a body without a result.</summary>
    private void Idle(Action body) => Idle(() =>
    {
        body();
        return true;
    });

    /// <summary>Threads of a reduction over all amplitudes: about <see cref="Device.ReductionThreads"/>, each summing perThread strided ones.</summary>
    private (long Threads, int ThreadBits, long PerThread) ReductionShape()
    {
        int bits = Math.Min(BitOperations.Log2((ulong)_backend.Device.ReductionThreads), NQubits);
        return (1L << bits, bits, 1L << (NQubits - bits));
    }

    /// <summary>The terms' weights (in the sums' type) and sign masks, in one synchronous copy: [weights | signs], signs 8-byte aligned.</summary>
    private (DeviceView Weights, DeviceView Signs) UploadTerms(double[] weights, long[] signs)
    {
        ulong weightBytes = (ulong)weights.Length * (ulong)_sumSize, signStart = (weightBytes + 7) / 8 * 8;
        ulong bytes = signStart + (ulong)signs.Length * sizeof(long);
        if (_terms == null || _terms.Bytes < bytes)
        {
            _terms?.Dispose();
            _terms = null;
            _terms = _backend.Device.Allocate(Math.Max(bytes, 4096), sizeof(long), "the expectation value's Pauli terms");
        }
        byte[] host = new byte[bytes];
        fixed (byte* h = host)
        {
            if (SumsInFloat)
            {
                for (int i = 0; i < weights.Length; i++) ((float*)h)[i] = (float)weights[i];
            }
            else
            {
                weights.CopyTo(new Span<double>(h, weights.Length));
            }
            signs.CopyTo(new Span<long>(h + signStart, signs.Length));
            _queue.Write(_terms, 0, h, bytes);
        }
        return (new DeviceView(_terms, 0, weights.Length, _sumSize), new DeviceView(_terms, (long)(signStart / sizeof(long)), signs.Length, sizeof(long)));
    }

    /// <summary>A buffer of at least <paramref name="count"/> sums (one per expectation group).</summary>
    private DeviceBuffer Results(long count)
    {
        if (_results == null || _results.Elements < count)
        {
            _results?.Dispose();
            _results = null;
            _results = _backend.Device.Allocate((ulong)Math.Max(2 * count, 64) * (ulong)_sumSize, _sumSize, "the expectation value's group sums");
        }
        return _results;
    }

    // ---- device buffers -------------------------------------------------------------------------------------

    private DeviceBuffer Scratch(int which, long elements)
    {
        ref DeviceBuffer? buffer = ref _scratch[which];
        if (buffer == null || buffer.Elements < elements)
        {
            buffer?.Dispose();
            buffer = null;
            buffer = _backend.Device.Allocate((ulong)Math.Max(elements, 64) * (ulong)_sumSize, _sumSize, "partial sums");
        }
        return buffer;
    }

    /// <summary>Frees the device memory and the queue.</summary>
    public void Dispose()
    {
        _queue.Dispose();
        _amplitudes?.Dispose();
        _amplitudes = null;
        _batch?.Dispose();
        _batch = null;
        _staging?.Dispose();
        _staging = null;
        _decisions?.Dispose();
        _decisions = null;
        _bitMasks?.Dispose();
        _bitMasks = null;
        _terms?.Dispose();
        _terms = null;
        _results?.Dispose();
        _results = null;
        for (int i = 0; i < _scratch.Length; i++)
        {
            _scratch[i]?.Dispose();
            _scratch[i] = null;
        }
    }
}
