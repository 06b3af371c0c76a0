using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.BackendKit.Planning;
using QiboAccel.Cpu.Kernels;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Circuits;

/// <summary>
/// One step of a state_apply plan: either one operation applied on its own (a full pass over the state, the
/// kernels' ordinary path), or a cache-blocked pass that applies several operations to one cache-sized block of
/// the state at a time.
/// </summary>
internal sealed class PlannedPass(DecodedOp[] ops, ulong inner)
{
    /// <summary>The operations, in the order they are applied.</summary>
    public DecodedOp[] Ops { get; } = ops;

    /// <summary>Amplitude bits that vary inside one block (0 for a single-op pass).</summary>
    public ulong Inner { get; } = inner;

    /// <summary>True for a cache-blocked pass.</summary>
    public bool Blocked => Inner != 0;
}

/// <summary>
/// Runs one state_apply batch: gate fusion (runs of uncontrolled 1-qubit gates on one qubit become one 2x2 gate,
/// <see cref="SingleQubitFusion"/>, shared with the GPU backend), then a plan of passes (cache blocking), then the
/// passes. The plan is made once per batch.
/// </summary>
internal static unsafe class BatchRunner
{
    /// <summary>QIBO_CPU_VERBOSE=1 prints one plan line per state_apply to stderr.</summary>
    private static readonly bool s_verbose = Environment.GetEnvironmentVariable("QIBO_CPU_VERBOSE") is { } v && v is not ("" or "0" or "false" or "off");

    /// <summary>Default block: 512 KiB (2^15 complex128 or 2^16 complex64 amplitudes), well inside a 1+ MiB L2.</summary>
    public static int DefaultBlockQubits<T>() where T : unmanaged => typeof(T) == typeof(float) ? 16 : 15;

    /// <summary>Default L1 sub-block: 32 KiB (2^11 complex128 or 2^12 complex64 amplitudes), inside a 48 KiB L1d.</summary>
    public static int DefaultL1Qubits<T>() where T : unmanaged => typeof(T) == typeof(float) ? 12 : 11;

    /// <summary>
    /// Bits kept contiguous in a gathered block: runs of 2^runBits amplitudes are copied at once, so up to
    /// block - runBits qubits above the block can be pulled into it.
    /// </summary>
    public static int RunBits(int blockQubits) => Math.Max(blockQubits - 7, blockQubits / 2);

    /// <summary>Applies <paramref name="input"/> in order (as if gate by gate) to <paramref name="state"/>.</summary>
    public static void Apply<T>(in KernelState<T> state, BackendOptions options, ReadOnlySpan<DecodedOp> input, double* randoms, byte* cbits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!options.Fusion && !options.Blocking)
        {
            foreach (ref readonly DecodedOp op in input) Guarded(state, op, randoms, cbits);
            return;
        }
        var keep = new List<double[]>();
        List<DecodedOp> ops = options.Fusion ? SingleQubitFusion.Fuse(input, keep) : [.. input];
        int blockQubits = options.BlockQubits > 0 ? options.BlockQubits : DefaultBlockQubits<T>();
        int l1Qubits = options.L1Qubits >= 0 ? options.L1Qubits : DefaultL1Qubits<T>();
        List<PlannedPass> plan = options.Blocking && state.NQubits > blockQubits
            ? Planner.Plan(ops, state.NQubits, blockQubits, RunBits(blockQubits))
            : ops.Select(op => new PlannedPass([op], 0)).ToList();
        if (s_verbose)
        {
            int blocked = plan.Count(p => p.Blocked);
            Console.Error.WriteLine(
                $"qibo_cpu plan: {input.Length} ops -> {ops.Count} after fusion -> {plan.Count} passes ({blocked} blocked, {plan.Count - blocked} single-op)" +
                $" [{state.NQubits} qubits, {(typeof(T) == typeof(float) ? "complex64" : "complex128")}, block_qubits={blockQubits}]");
        }
        foreach (PlannedPass pass in plan)
        {
            if (!pass.Blocked)
            {
                Guarded(state, pass.Ops[0], randoms, cbits);
                continue;
            }
            try
            {
                BlockedPass.Run(state, pass, l1Qubits);
            }
            catch (Exception e)
            {
                throw Wrap(pass.Ops[0], e);
            }
        }
        GC.KeepAlive(keep);
    }

    private static void Guarded<T>(in KernelState<T> state, in DecodedOp op, double* randoms, byte* cbits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        try
        {
            OpExecutor.Apply(state, op, randoms, cbits);
        }
        catch (Exception e)
        {
            throw Wrap(op, e);
        }
    }

    private static CpuException Wrap(in DecodedOp op, Exception e) => e switch
    {
        CpuException c => c,
        OutOfMemoryException => new CpuException(QiboErrorCode.OutOfMemory, $"op {op.Index} ({OpNames.Of(op.Kind)}): out of memory: {e.Message}", op.Index),
        _ => new CpuException(QiboErrorCode.Internal,
            $"op {op.Index} ({OpNames.Of(op.Kind)}): internal error in the cpu backend: {e.GetType().Name}: {e.Message}", op.Index),
    };
}

/// <summary>
/// Cache-blocking plan. A block is 2^B amplitudes whose indices differ only in a set of B "inner" bits that always
/// includes the lowest R bits (R = <see cref="BatchRunner.RunBits"/>), so a block is 2^(B-R) contiguous runs. The
/// passes are <see cref="QubitGroups"/> (the grouping shared with the GPU backend's fusion) started from the low R
/// bits: each takes every remaining operation that fits in B bits and commutes with those left behind. MEASURE is a
/// barrier and runs on its own, as does an operation with too many bits for any block and a pass that would hold a
/// single operation.
/// </summary>
internal static class Planner
{
    public static List<PlannedPass> Plan(List<DecodedOp> ops, int n, int blockQubits, int runBits)
    {
        var passes = new List<PlannedPass>();
        ulong low = (1UL << runBits) - 1;
        foreach (QubitGroup group in QubitGroups.Plan(ops, n, blockQubits, low))
        {
            if (group.Indices.Length == 1)
            {
                passes.Add(new PlannedPass([ops[group.Indices[0]]], 0));
                continue;
            }
            // Fill the block up to B bits with the lowest unused bits (longer contiguous runs).
            ulong inner = group.Mask;
            for (int b = 0; b < n && BitOperations.PopCount(inner) < blockQubits; b++) inner |= 1UL << b;
            passes.Add(new PlannedPass([.. group.Indices.Select(i => ops[i])], inner));
        }
        return passes;
    }
}

/// <summary>
/// Runs a cache-blocked pass. The pass's operations are compiled once into kernel jobs for a B-qubit state whose bit
/// j is the j-th inner bit; then each block (in parallel over blocks) is gathered into a thread-private buffer (or
/// used in place when the inner bits are the lowest B), every job runs on it while it sits in cache, and it is
/// written back: one read and one write of the state for the whole pass. Inside the block, the operations are
/// planned once more (same planner) onto contiguous L1-sized sub-blocks of 2^l1Qubits amplitudes: operations on the
/// sub-block's bits run sub-block by sub-block, the others on the whole block.
/// </summary>
internal static unsafe class BlockedPass
{
    public static void Run<T>(in KernelState<T> state, PlannedPass pass, int l1Qubits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = state.NQubits;
        ulong inner = pass.Inner;
        int b = BitOperations.PopCount(inner);
        var rank = new int[n];
        var innerBits = new int[b];
        for (int g = 0, r = 0; g < n; g++)
        {
            if ((inner & (1UL << g)) == 0) continue;
            innerBits[r] = g;
            rank[g] = r++;
        }
        var mapped = new List<DecodedOp>(pass.Ops.Length);
        foreach (DecodedOp op in pass.Ops)
            mapped.Add(op with { Targets = [.. op.Targets.Select(t => rank[t])], Controls = [.. op.Controls.Select(c => rank[c])] });
        // Second level: inside the block, operations on its lowest l1Qubits bits are planned the same way onto
        // contiguous L1-sized sub-blocks; the others run on the whole block.
        List<PlannedPass> stages = l1Qubits >= 2 && l1Qubits < b
            ? Planner.Plan(mapped, b, l1Qubits, l1Qubits)
            : [new PlannedPass([.. mapped], (1UL << b) - 1)];
        var compiled = new List<Stage>();
        foreach (PlannedPass stage in stages)
        {
            int qubits = stage.Blocked ? BitOperations.PopCount(stage.Inner) : b;
            var steps = new List<BlockStep>();
            var sub = new KernelState<T>(null, qubits, state.Pool, state.MaxBits, steps);
            foreach (DecodedOp op in stage.Ops) OpExecutor.Apply(sub, op, null, null);
            compiled.Add(new Stage([.. steps], qubits));
        }
        var job = new Job<T>(state.Data, n, innerBits, [.. compiled]);
        state.Pool.Run(job, 1L << (n - b), state.Length);
    }

    /// <summary>Jobs compiled for sub-blocks of 2^Qubits amplitudes (Qubits = the block's, or the L1 sub-block's).</summary>
    private readonly record struct Stage(BlockStep[] Steps, int Qubits);

    private sealed class Job<T> : IRangeJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _data;
        private readonly int _blockQubits, _runBits;
        private readonly long[] _runOffsets;   // amplitude offset of each contiguous run of a block
        private readonly BitInserter _outer;   // block number -> index of its first amplitude
        private readonly Stage[] _stages;

        public Job(T* data, int n, int[] innerBits, Stage[] stages)
        {
            _data = data;
            _stages = stages;
            _blockQubits = innerBits.Length;
            int runBits = 0;
            while (runBits < innerBits.Length && innerBits[runBits] == runBits) runBits++;
            _runBits = runBits;
            _runOffsets = new long[1L << (_blockQubits - runBits)];
            for (long r = 0; r < _runOffsets.Length; r++)
            {
                long offset = 0;
                for (int j = runBits; j < _blockQubits; j++)
                {
                    if (((r >> (j - runBits)) & 1) != 0) offset |= 1L << innerBits[j];
                }
                _runOffsets[r] = offset;
            }
            _outer = new BitInserter(innerBits, 0);
        }

        public void Run(int chunk, long begin, long end)
        {
            bool inPlace = _runOffsets.Length == 1;
            nuint runBytes = (nuint)((2L << _runBits) * sizeof(T));
            T* buffer = inPlace ? null : (T*)NativeMemory.AlignedAlloc((nuint)((2L << _blockQubits) * sizeof(T)), 64);
            try
            {
                for (long o = begin; o < end; o++)
                {
                    long first = _outer.Insert(o);
                    T* block;
                    if (inPlace)
                    {
                        block = _data + 2 * first;
                    }
                    else
                    {
                        for (int r = 0; r < _runOffsets.Length; r++)
                            Buffer.MemoryCopy(_data + 2 * (first + _runOffsets[r]), buffer + ((long)r << (_runBits + 1)), runBytes, runBytes);
                        block = buffer;
                    }
                    foreach (Stage stage in _stages)
                    {
                        long subBlocks = 1L << (_blockQubits - stage.Qubits);
                        for (long s = 0; s < subBlocks; s++)
                        {
                            BlockContext.Enter(block + (s << (stage.Qubits + 1)));
                            foreach (BlockStep step in stage.Steps) step.Job.Run(0, 0, step.Parts);
                        }
                    }
                    if (!inPlace)
                    {
                        for (int r = 0; r < _runOffsets.Length; r++)
                            Buffer.MemoryCopy(buffer + ((long)r << (_runBits + 1)), _data + 2 * (first + _runOffsets[r]), runBytes, runBytes);
                    }
                }
            }
            finally
            {
                BlockContext.Enter(null);
                if (buffer != null) NativeMemory.AlignedFree(buffer);
            }
        }
    }
}
