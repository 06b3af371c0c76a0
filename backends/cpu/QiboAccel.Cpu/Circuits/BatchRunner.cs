using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.BackendKit.Planning;
using QiboAccel.Cpu.Kernels;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Circuits;

/// <summary>
/// Runs one state_apply batch: gate fusion (runs of uncontrolled 1-qubit gates on one qubit become one 2x2 gate,
/// <see cref="SingleQubitFusion"/>; then groups of gates on at most <c>fusion_qubits</c> qubits become one dense or
/// diagonal gate where the cost model says it pays, <see cref="GroupFusion"/>; both shared with the GPU backend),
/// then a plan of passes (cache blocking), then the passes. The plan is made once per batch.
/// </summary>
internal static unsafe class BatchRunner
{
    /// <summary>QIBO_CPU_VERBOSE=1 prints one plan line per state_apply to stderr.</summary>
    private static readonly bool s_verbose = Environment.GetEnvironmentVariable("QIBO_CPU_VERBOSE") is { } v && v is not ("" or "0" or "false" or "off");

    /// <summary>
    /// Price of a dense k-target product relative to a 1-qubit one, for the fusion cost model (<see cref="GroupFusion"/>).
    /// Inside a cache block the kernels are bound by arithmetic, not memory: a dense k-qubit matrix costs 2^k complex
    /// multiply-adds per amplitude where a 1-qubit gate costs 2, plus the same load and store. The values come from
    /// measurements, not from that count: random circuits of 22 qubits fused at every size (<c>fusion_policy=always</c>)
    /// gave 1.7, 4.7, 7.6 and 12 for k = 2..5 in the AVX2 build (time per fused gate over time per 1-qubit gate), but
    /// with those prices the AVX-512 build fused a dozen groups of the random circuit and lost 13-15 % against no
    /// group fusion. The prices are raised until no benchmark circuit fuses a dense group: group fusion then acts only
    /// where a group is far heavier than its product (many gates on few qubits) and on diagonal runs.
    /// </summary>
    public static readonly double[] DenseCost = [1, 2.5, 6, 12, 24, 48];


    /// <summary>States below this many qubits skip group fusion (unless <c>fusion_policy=always</c>).</summary>
    public const int MinGroupFusionQubits = 14;

    /// <summary>
    /// Inside each cache block, runs of diagonal operations (CZ layers, CU1 ladders) merge into diagonals on up to this
    /// many bits (<see cref="DiagonalFusion"/>); done per block, after the plan, because merged diagonals on many bits
    /// given to the planner made it take more passes (variational, 24 qubits: 18-31 instead of 13). 8, 10 and 12 bits
    /// did about equally on QFT and variational circuits; 12 looked worse on the random circuit.
    /// </summary>
    public const int DiagonalFusionBits = 8;

    /// <summary>Default block: 512 KiB (2^15 complex128 or 2^16 complex64 amplitudes), well inside a 1+ MiB L2.</summary>
    public static int DefaultBlockQubits<T>() where T : unmanaged => typeof(T) == typeof(float) ? 16 : 15;

    /// <summary>The block size in force: <c>block_qubits</c> when set, else the default for the precision.</summary>
    public static int BlockQubits<T>(BackendOptions options) where T : unmanaged =>
        options.BlockQubits > 0 ? options.BlockQubits : DefaultBlockQubits<T>();

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
        FlushToZero.Saved environment = FlushToZero.Enter();
        try
        {
            ApplyPlanned(state, options, input, randoms, cbits);
        }
        finally
        {
            environment.Restore();
        }
    }

    /// <summary>
    /// Records the kernel jobs <see cref="Apply"/> would run for <paramref name="input"/> on a state like
    /// <paramref name="state"/>, without running them (jobs that take the state's address from
    /// <see cref="BlockContext"/>): the prepared form <see cref="PreparedBatches"/> keeps. The input must hold no MEASURE
    /// and the state must be one <see cref="PreparedBatches.Allows"/>.
    /// </summary>
    public static BlockStep[] Prepare<T>(in KernelState<T> state, BackendOptions options, ReadOnlySpan<DecodedOp> input)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var steps = new List<BlockStep>(input.Length);
        var recording = new KernelState<T>(null, state.NQubits, state.Pool, state.MaxBits, steps);
        ApplyPlanned(recording, options, input, null, null);
        return [.. steps];
    }

    /// <summary>Runs prepared steps (<see cref="Prepare"/>) on <paramref name="state"/>, on the calling thread.</summary>
    public static void RunPrepared<T>(in KernelState<T> state, BlockStep[] steps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        FlushToZero.Saved environment = FlushToZero.Enter();
        try
        {
            BlockContext.Enter(state.Data);
            foreach (BlockStep step in steps) step.Job.Run(0, 0, step.Parts);
        }
        finally
        {
            BlockContext.Enter(null);
            environment.Restore();
        }
    }

    private static void ApplyPlanned<T>(in KernelState<T> state, BackendOptions options, ReadOnlySpan<DecodedOp> input, double* randoms, byte* cbits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!options.Fusion && !options.Blocking)
        {
            foreach (ref readonly DecodedOp op in input) Guarded(state, op, randoms, cbits);
            return;
        }
        var keep = new List<double[]>();
        // 1-qubit fusion gives null when it changes nothing: the input is then the fused batch, and is not copied.
        List<DecodedOp>? ops = options.Fusion ? SingleQubitFusion.Fuse(input, keep) : null;
        int afterSingle = ops?.Count ?? input.Length, groups = 0;
        // On a small state, planning a group costs more than applying its gates one by one.
        if (options.Fusion && options.FusionQubits >= 2 && (options.FuseAlways || state.NQubits >= MinGroupFusionQubits))
            ops = GroupFusion.Fuse(ops ?? [.. input], options.FusionQubits, options.FuseAlways ? null : DenseCost, keep, out groups);
        ReadOnlySpan<DecodedOp> fused = ops != null ? CollectionsMarshal.AsSpan(ops) : input;
        int blockQubits = BlockQubits<T>(options);
        int l1Qubits = options.L1Qubits >= 0 ? options.L1Qubits : DefaultL1Qubits<T>();
        if (!options.Blocking || state.NQubits <= blockQubits)
        {
            // The whole state fits in one block: nothing to plan, every operation is its own pass.
            if (s_verbose) Report(state, options, input.Length, afterSingle, fused.Length, groups, $"{fused.Length} single-op passes", blockQubits);
            foreach (ref readonly DecodedOp op in fused) Guarded(state, op, randoms, cbits);
            GC.KeepAlive(keep);
            return;
        }
        ops ??= [.. input];
        List<PlannedPass> plan = Planner.Plan(ops, state.NQubits, blockQubits, RunBits(blockQubits));
        if (s_verbose)
        {
            int blocked = plan.Count(p => p.Blocked);
            Report(state, options, input.Length, afterSingle, ops.Count, groups, $"{plan.Count} passes ({blocked} blocked, {plan.Count - blocked} single-op)", blockQubits);
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
                BlockedPass.Run(state, pass, l1Qubits, options.Fusion ? DiagonalFusionBits : 0);
            }
            catch (Exception e)
            {
                throw Wrap(pass.Ops[0], e);
            }
        }
        GC.KeepAlive(keep);
    }

    /// <summary>Under QIBO_CPU_VERBOSE, says that a prepared batch was applied again (<see cref="PreparedBatches"/>).</summary>
    public static void ReportReuse<T>(int nQubits, int steps) where T : unmanaged
    {
        if (s_verbose)
            Console.Error.WriteLine($"qibo_cpu plan: prepared batch reused ({steps} steps) [{nQubits} qubits, {(typeof(T) == typeof(float) ? "complex64" : "complex128")}]");
    }

    private static void Report<T>(in KernelState<T> state, BackendOptions options, int inputs, int afterSingle, int afterGrouping, int fused, string passes, int blockQubits)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Console.Error.WriteLine(
            $"qibo_cpu plan: {inputs} ops -> {afterSingle} after 1-qubit fusion -> {afterGrouping} after grouping ({fused} fused, fusion_qubits={options.FusionQubits})" +
            $" -> {passes} [{state.NQubits} qubits, {(typeof(T) == typeof(float) ? "complex64" : "complex128")}, block_qubits={blockQubits}]");

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
