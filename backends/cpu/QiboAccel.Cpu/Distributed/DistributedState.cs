using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Cpu.Circuits;
using QiboAccel.Cpu.Kernels;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// A state vector split over the ranks of an MPI job. <see cref="DistributedState{T}"/> holds the precision-specific
/// code; this base is what the kit's exports see. Every method that communicates runs under
/// <see cref="Communicator.Gate"/> and starts with an agreement on its arguments.
/// </summary>
internal abstract unsafe class DistributedState : BackendState
{
    /// <summary>QIBO_MPI_VERBOSE=1: rank 0 prints one line per state_apply (exchanges, bytes, time) to stderr.</summary>
    protected static readonly bool Verbose = Environment.GetEnvironmentVariable("QIBO_MPI_VERBOSE") is { } v && v is not ("" or "0" or "false" or "off");

    /// <summary>QIBO_MPI_STATS=FILE: rank 0 appends one JSON line per state_apply (the communication benchmark reads it).</summary>
    protected static readonly string? StatsFile = Environment.GetEnvironmentVariable("QIBO_MPI_STATS") is { Length: > 0 } f ? f : null;

    protected DistributedState(DistributedBackend backend, long serial, int nQubits, QiboPrecision precision) : base(nQubits, precision)
    {
        Backend = backend;
        Comm = backend.Comm;
        Serial = serial;
    }

    /// <summary>The backend instance.</summary>
    public DistributedBackend Backend { get; }

    /// <summary>The job.</summary>
    public Communicator Comm { get; }

    /// <summary>The state's number on its backend instance, the same on every rank (see <see cref="DistributedBackend.NextStateSerial"/>).</summary>
    public long Serial { get; }

    /// <summary>
    /// state_create on every rank: each allocates its slice (or, for a state too small to split, the whole state),
    /// then the ranks agree, so one rank's failure — too little memory, say — fails the call on every rank with that
    /// rank's message.
    /// </summary>
    public static DistributedState Create(DistributedBackend backend, int nQubits, QiboPrecision precision)
    {
        Communicator comm = backend.Comm;
        lock (comm.Gate)
        {
            ulong signature = new CallSignature("state_create").Add(nQubits).Add((long)precision).Value;
            long serial = backend.NextStateSerial();
            DistributedState? state = null;
            Exception? failure = null;
            try
            {
                state = precision == QiboPrecision.Complex64
                    ? new DistributedState<float>(backend, serial, nQubits)
                    : new DistributedState<double>(backend, serial, nQubits);
            }
            catch (Exception e)
            {
                failure = e;
            }
            try
            {
                comm.Agree(failure, signature, "state_create");
            }
            catch
            {
                state?.Dispose();
                throw;
            }
            return state!;
        }
    }
}

/// <summary>
/// A distributed state with amplitude parts of type <typeparamref name="T"/>.
/// <para>
/// With 2^k ranks and n qubits, each rank holds 2^(n-k) amplitudes as a cpu state of L = n - k qubits: rank r's
/// slice is the amplitudes whose top k index bits spell r. Which qubit sits at which index bit is tracked by a
/// <see cref="QubitLayout"/>. A batch is cut into segments of operations that are local under the current layout,
/// each applied by the cpu backend's batch runner (fusion, cache blocking, SIMD kernels). Before an operation that
/// moves amplitudes across a global qubit, that qubit is swapped with a local one (<see cref="SliceExchange"/>: half a
/// slice each way between rank pairs) and stays local until another swap evicts it; the evicted local qubit is the
/// one the rest of the batch needs locally last. Diagonal operations and controls never need an exchange
/// (<see cref="OpLocalizer"/>). MEASURE, marginals and sampling reduce across ranks; random numbers are rank 0's.
/// </para>
/// <para>
/// States with fewer than min_local_qubits qubits per rank are replicated instead: every rank holds and updates the
/// whole state (no exchange), which keeps tiny states correct on any number of ranks.
/// </para>
/// </summary>
internal sealed unsafe class DistributedState<T> : DistributedState where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly StateVector<T> _slice;
    private readonly SliceExchange _exchange;

    public DistributedState(DistributedBackend backend, long serial, int nQubits)
        : base(backend, serial, nQubits, typeof(T) == typeof(float) ? QiboPrecision.Complex64 : QiboPrecision.Complex128)
    {
        int k = backend.GlobalQubits;
        Replicated = nQubits - k < backend.Options.MinLocalQubits;
        int local = Replicated ? nQubits : nQubits - k;
        Layout = new QubitLayout(nQubits, local);
        ulong sliceBytes = (1UL << local) * (ulong)ElementBytes;
        long chunk = Replicated ? 0 : Math.Min(backend.Options.ChunkBytes, (long)(sliceBytes / 2));
        MemoryLimit.Check(Comm, sliceBytes, 2 * (ulong)chunk, () =>
            $"a state of {nQubits} qubits ({StateVector.Name(Precision)}) {(Replicated ? "on" : "split over")} {Comm.Size} rank{(Comm.Size == 1 ? "" : "s")} needs " +
            $"{MemoryLimit.Format(sliceBytes)} per rank (2^{local} amplitudes{(Replicated ? ", replicated: too small to split" : "")})" +
            (chunk > 0 ? $" plus {MemoryLimit.Format(2 * (ulong)chunk)} of exchange buffers" : ""));
        _slice = (StateVector<T>)StateVector.Create(backend.Cpu, local, Precision);
        try
        {
            _exchange = new SliceExchange(Comm, chunk);
        }
        catch
        {
            _slice.Dispose();
            throw;
        }
        if (!Replicated && Comm.Rank != 0) Kernel.Data[0] = T.Zero;
    }

    /// <summary>True when every rank holds the whole state.</summary>
    public bool Replicated { get; }

    /// <summary>Which qubit is at which index bit.</summary>
    public QubitLayout Layout { get; }

    /// <summary>The global index bits of this rank's slice (0 for a replicated state).</summary>
    public int RankBits => Replicated ? 0 : Comm.Rank;

    /// <summary>The slice, for the cpu kernels.</summary>
    public KernelState<T> Kernel => _slice.Kernel;

    /// <summary>The exchanges with other ranks (and their buffers).</summary>
    public SliceExchange Exchange => _exchange;

    /// <summary>Bytes per amplitude.</summary>
    public static int ElementBytes => 2 * sizeof(T);

    private long SliceLength => 1L << Layout.Local;

    /// <summary>Back to |0...0&gt;: rank 0's first amplitude is 1. Purely local.</summary>
    public override void Reset()
    {
        _slice.Reset();
        if (!Replicated && Comm.Rank != 0) Kernel.Data[0] = T.Zero;
        Layout.Reset();
    }

    /// <summary>Gathers [offset, offset + count) on every rank: each owner broadcasts its part.</summary>
    public override void GetAmplitudes(ulong offset, ulong count, void* destination)
    {
        lock (Comm.Gate)
        {
            Comm.Agree(null, new CallSignature("state_get_amplitudes").Add(offset).Add(count).Value, "state_get_amplitudes");
            Canonicalize();
            ForEachOwner(offset, count, (rank, first, n, at) =>
            {
                byte* target = (byte*)destination + (long)(first - offset) * ElementBytes;
                if (rank == Comm.Rank || Replicated) Buffer.MemoryCopy((byte*)Kernel.Data + (long)at * ElementBytes, target, (long)n * ElementBytes, (long)n * ElementBytes);
                if (!Replicated) Comm.Broadcast(target, (long)n * ElementBytes, rank);
            });
        }
    }

    /// <summary>Every rank has the caller's whole range and keeps its own part.</summary>
    public override void SetAmplitudes(ulong offset, ulong count, void* source)
    {
        lock (Comm.Gate)
        {
            Comm.Agree(null, new CallSignature("state_set_amplitudes").Add(offset).Add(count).Value, "state_set_amplitudes");
            if (offset == 0 && count == Length) Layout.Reset(); // everything is overwritten: no need to move bits back
            else Canonicalize();
            ForEachOwner(offset, count, (rank, first, n, at) =>
            {
                if (rank == Comm.Rank || Replicated)
                {
                    byte* from = (byte*)source + (long)(first - offset) * ElementBytes;
                    Buffer.MemoryCopy(from, (byte*)Kernel.Data + (long)at * ElementBytes, (long)n * ElementBytes, (long)n * ElementBytes);
                }
            });
        }
    }

    /// <summary>Calls <paramref name="part"/>(rank, first index, count, offset in that rank's slice) for each rank's share of a range.</summary>
    private void ForEachOwner(ulong offset, ulong count, Action<int, ulong, ulong, ulong> part)
    {
        if (Replicated)
        {
            part(Comm.Rank, offset, count, offset);
            return;
        }
        ulong slice = (ulong)SliceLength, end = offset + count;
        for (int rank = (int)(offset / slice); rank < Comm.Size && (ulong)rank * slice < end; rank++)
        {
            ulong first = Math.Max(offset, (ulong)rank * slice), last = Math.Min(end, (ulong)(rank + 1) * slice);
            if (last > first) part(rank, first, last - first, first - (ulong)rank * slice);
        }
    }

    /// <inheritdoc />
    public override void Apply(in CircuitBatch batch)
    {
        lock (Comm.Gate)
        {
            List<DecodedOp> ops = batch.Ops;
            long randomCount = 0;
            foreach (DecodedOp op in ops)
            {
                if (op.Kind == QiboOpKind.Measure) randomCount = Math.Max(randomCount, op.RandomIndex + 1);
            }
            Comm.Agree(null, CallSignature.OfBatch(ops, randomCount), "state_apply");
            // Every rank measures with rank 0's random numbers: a host that was not told about MPI seeds each rank differently.
            var randoms = new double[randomCount];
            fixed (double* r = randoms)
            {
                if (randomCount > 0)
                {
                    Buffer.MemoryCopy(batch.Randoms, r, randomCount * sizeof(double), randomCount * sizeof(double));
                    if (Comm.Size > 1) Comm.Broadcast(r, randomCount * sizeof(double), 0);
                }
                new BatchRun(this, ops, r, batch.Cbits).Run();
            }
        }
    }

    /// <inheritdoc />
    public override void Probabilities(in QubitSelection qubits, double* output)
    {
        lock (Comm.Gate)
        {
            Comm.Agree(null, Signature("state_probabilities", qubits.Bits).Value, "state_probabilities");
            DistributedMarginals.Marginal(this, qubits.Bits, output);
        }
    }

    /// <inheritdoc />
    public override void Sample(in QubitSelection qubits, ulong shots, double* randoms, ulong* outcomes)
    {
        lock (Comm.Gate)
        {
            Comm.Agree(null, Signature("state_sample", qubits.Bits).Add(shots).Value, "state_sample");
            var shared = new double[shots];
            fixed (double* r = shared)
            {
                Buffer.MemoryCopy(randoms, r, shots * sizeof(double), shots * sizeof(double));
                if (Comm.Size > 1) Comm.Broadcast(r, (long)shots * sizeof(double), 0);
                DistributedMarginals.Sample(this, qubits.Bits, (long)shots, r, outcomes);
            }
        }
    }

    /// <inheritdoc />
    public override void CopyTo(BackendState destination) => DistributedOverlaps.Copy(this, (DistributedState<T>)destination);

    /// <inheritdoc />
    public override (double Re, double Im) InnerProduct(BackendState ket) => DistributedOverlaps.InnerProduct(this, (DistributedState<T>)ket);

    /// <inheritdoc />
    public override double Expectation(ReadOnlySpan<PauliString> terms) => DistributedOverlaps.Expectation(this, terms);

    /// <summary>Sums <paramref name="count"/> values over the ranks holding parts of the state (nothing to do when replicated).</summary>
    public void Reduce(double* values, long count)
    {
        if (!Replicated && Comm.Size > 1) Comm.AllreduceSum(values, count);
    }

    private static CallSignature Signature(string call, int[] bits)
    {
        var s = new CallSignature(call).Add(bits.Length);
        foreach (int b in bits) s.Add(b);
        return s;
    }

    /// <summary>Swaps the global bit at <paramref name="globalPosition"/> with the local one at <paramref name="localPosition"/>.</summary>
    private void SwapIn(int globalPosition, int localPosition)
    {
        _exchange.Swap((byte*)Kernel.Data, Layout.Local, ElementBytes, globalPosition - Layout.Local, localPosition);
        Layout.Swap(globalPosition, localPosition);
    }

    /// <summary>
    /// Moves every bit back to its own position (amplitude ranges and set/get need the plain order): global positions
    /// first, by exchanges, then the local ones by local SWAPs.
    /// </summary>
    private void Canonicalize()
    {
        if (Layout.IsIdentity) return;
        var identity = new QubitLayout(Layout.N, Layout.Local);
        MoveGlobalsTo(identity);
        PermuteLocalsTo(identity);
    }

    /// <summary>
    /// The collective half of taking <paramref name="target"/>'s layout (a layout of the same size and split): each
    /// global position gets its target bit by an exchange, through a local position when that bit sits at another
    /// global one. Afterwards only local positions differ from the target. Every rank must make the same call.
    /// </summary>
    public void MoveGlobalsTo(QubitLayout target)
    {
        int local = Layout.Local;
        for (int g = local; g < Layout.N; g++)
        {
            int want = target.BitAt(g);
            if (Layout.BitAt(g) == want) continue;
            int at = Layout.PositionOf(want);
            if (at >= local)
            {
                // Held by another global position: through a local one.
                SwapIn(at, local - 1);
                at = local - 1;
            }
            SwapIn(g, at);
        }
    }

    /// <summary>
    /// The local half of taking <paramref name="target"/>'s layout, after <see cref="MoveGlobalsTo"/>: the slice's
    /// bits are permuted by local SWAPs on the cpu kernels. No communication.
    /// </summary>
    public void PermuteLocalsTo(QubitLayout target)
    {
        var swaps = new List<DecodedOp>();
        for (int p = 0; p < Layout.Local; p++)
        {
            int want = target.BitAt(p);
            if (Layout.BitAt(p) == want) continue;
            int q = Layout.PositionOf(want);
            if (q >= Layout.Local) throw BackendFault.Internal($"the mpi mode's layouts: qubit bit {want} is not in the slice (MoveGlobalsTo first)");
            swaps.Add(OpLocalizer.LocalSwap(p, q));
            Layout.Swap(p, q);
        }
        if (swaps.Count > 0) BatchRunner.Apply(Kernel, Backend.Cpu.Options, CollectionsMarshal.AsSpan(swaps), null, null);
    }

    /// <summary>Frees the slice and the exchange buffers.</summary>
    public override void Dispose()
    {
        _slice.Dispose();
        _exchange.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// One state_apply: segments of local operations run by the cpu batch runner, exchanges before operations that
    /// need a global target, MEASURE with reduced probabilities. A failure stops this rank's work and is settled at
    /// the next agreement (every exchange and every MEASURE starts with one, and so does the end of the batch).
    /// </summary>
    private sealed class BatchRun(DistributedState<T> state, List<DecodedOp> ops, double* randoms, byte* cbits)
    {
        private readonly OpLocalizer _localizer = new(state.Layout, state.RankBits);
        private readonly List<DecodedOp> _segment = [];
        private Exception? _pending;
        private int _segments;

        public void Run()
        {
            Communicator comm = state.Comm;
            long exchanges = state._exchange.Exchanges, bytes = state._exchange.BytesSent;
            double seconds = state._exchange.Seconds, start = comm.Time();
            var diagonal = new bool[ops.Count];
            for (int i = 0; i < ops.Count; i++) diagonal[i] = ops[i].Kind != QiboOpKind.Measure && OpLocalizer.IsDiagonal(ops[i]);
            for (int i = 0; i < ops.Count && _pending == null; i++)
            {
                DecodedOp op = ops[i];
                try
                {
                    switch (op.Kind)
                    {
                        case QiboOpKind.I:
                            continue;
                        case QiboOpKind.Measure:
                            Flush();
                            Measure(op);
                            continue;
                        case QiboOpKind.Swap when op.Controls.Length == 0:
                            // A plain SWAP only relabels (the layout is the same on every rank: no controls to settle).
                            state.Layout.Swap(state.Layout.PositionOf(op.Targets[0]), state.Layout.PositionOf(op.Targets[1]));
                            continue;
                    }
                    if (_localizer.NeedsExchange(op, diagonal[i]))
                    {
                        Flush();
                        comm.Agree(_pending, 0, "state_apply");
                        BringLocal(op, i, diagonal);
                    }
                    if (_localizer.Localize(op, diagonal[i]) is { } local) _segment.Add(local);
                }
                catch (BackendFault)
                {
                    throw; // an agreed error: every rank throws it
                }
                catch (Exception e)
                {
                    _pending ??= e;
                }
            }
            Flush();
            comm.Agree(_pending, 0, "state_apply");
            if (StatsFile != null && comm.Rank == 0)
            {
                File.AppendAllText(StatsFile, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{{\"ops\":{ops.Count},\"qubits\":{state.NQubits},\"ranks\":{comm.Size},\"local_qubits\":{state.Layout.Local},\"segments\":{_segments}," +
                    $"\"exchanges\":{state._exchange.Exchanges - exchanges},\"bytes_sent\":{state._exchange.BytesSent - bytes}," +
                    $"\"exchange_seconds\":{state._exchange.Seconds - seconds:R},\"seconds\":{comm.Time() - start:R}}}\n"));
            }
            if (Verbose && comm.Rank == 0)
            {
                StandardError.WriteLine(
                    $"qibo_mpi: {ops.Count} ops on {state.NQubits} qubits over {comm.Size} rank{(comm.Size == 1 ? "" : "s")}" +
                    (state.Replicated ? " (replicated)" : $" ({state.Layout.Local} local)") +
                    $": {_segments} local segment{(_segments == 1 ? "" : "s")}, {state._exchange.Exchanges - exchanges} exchanges, " +
                    $"{MemoryLimit.Format((ulong)(state._exchange.BytesSent - bytes))} sent per rank in {state._exchange.Seconds - seconds:0.000} s; " +
                    $"{comm.Time() - start:0.000} s in all");
            }
        }

        /// <summary>Applies the pending local operations.</summary>
        private void Flush()
        {
            if (_segment.Count == 0 || _pending != null)
            {
                _segment.Clear();
                return;
            }
            try
            {
                BatchRunner.Apply(state.Kernel, state.Backend.Cpu.Options, CollectionsMarshal.AsSpan(_segment), null, null);
                _segments++;
            }
            catch (Exception e)
            {
                _pending = e;
            }
            _segment.Clear();
        }

        /// <summary>
        /// Swaps each global target of <paramref name="op"/> with a local bit the rest of the batch needs locally
        /// last (never, ideally), preferring high bits (longer contiguous runs to exchange).
        /// </summary>
        private void BringLocal(in DecodedOp op, int at, bool[] diagonal)
        {
            QubitLayout layout = state.Layout;
            int local = layout.Local;
            var targetPositions = op.Targets.Select(layout.PositionOf).ToHashSet();
            var candidates = Enumerable.Range(0, local).Where(p => !targetPositions.Contains(p)).ToList();
            foreach (int target in op.Targets)
            {
                int g = layout.PositionOf(target);
                if (g < local) continue;
                if (candidates.Count == 0)
                {
                    throw BackendFault.Unsupported(
                        $"op {op.Index} ({OpNames.Of(op.Kind)}): a gate on {op.Targets.Length} qubits needs them all in one rank's slice, " +
                        $"which holds {local} qubits here (use fewer ranks, or a min_local_qubits of at least {op.Targets.Length})", op.Index);
                }
                int best = candidates[0];
                long bestUse = -1;
                foreach (int p in candidates)
                {
                    long use = NextLocalUse(layout.BitAt(p), at + 1, diagonal);
                    if (use > bestUse || (use == bestUse && p > best))
                    {
                        best = p;
                        bestUse = use;
                    }
                }
                candidates.Remove(best);
                state.SwapIn(g, best);
            }
        }

        /// <summary>Index of the next operation from <paramref name="from"/> that needs bit <paramref name="bit"/> local (long.MaxValue: none).</summary>
        private long NextLocalUse(int bit, int from, bool[] diagonal)
        {
            for (int i = from; i < ops.Count; i++)
            {
                if (diagonal[i] || ops[i].Kind == QiboOpKind.Measure) continue;
                if (ops[i].Kind == QiboOpKind.Swap && ops[i].Controls.Length == 0) continue;
                if (Array.IndexOf(ops[i].Targets, bit) >= 0) return i;
            }
            return long.MaxValue;
        }

        /// <summary>The header's MEASURE on the whole state: p0 reduced over the ranks, rank 0's random number, collapse.</summary>
        private void Measure(in DecodedOp op)
        {
            Communicator comm = state.Comm;
            comm.Agree(_pending, 0, "state_apply");
            KernelState<T> kernel = state.Kernel;
            int position = state.Layout.PositionOf(op.Targets[0]), local = state.Layout.Local;
            double* p = stackalloc double[2];
            int rankBit = position >= local ? (state.RankBits >> (position - local)) & 1 : 0;
            if (position < local)
            {
                Cpu.Probabilities.Compute(kernel, [position], p);
            }
            else
            {
                Cpu.Probabilities.Compute(kernel, [], p + rankBit);
                p[1 - rankBit] = 0;
            }
            state.Reduce(p, 2);
            double total = p[0] + p[1];
            if (!(total > 0) || double.IsInfinity(total))
                throw BackendFault.Invalid($"op {op.Index} (MEASURE): the state's norm is {total}; cannot measure it", op.Index);
            int outcome = randoms[op.RandomIndex] >= p[0] / total ? 1 : 0;
            double scale = 1 / Math.Sqrt(outcome == 0 ? p[0] : p[1]);
            if (position < local)
            {
                DiagonalKernel.Apply(kernel, [position], [], outcome == 0 ? [scale, 0, 0, 0] : [0, 0, scale, 0]);
            }
            else if (rankBit == outcome)
            {
                DiagonalKernel.Apply(kernel, [0], [], [scale, 0, scale, 0]);
            }
            else
            {
                NativeMemory.Clear(kernel.Data, (nuint)(kernel.Length * ElementBytes));
            }
            if (op.Cbit >= 0) cbits[op.Cbit] = (byte)outcome;
        }
    }
}
