using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.BackendKit.Planning;

namespace QiboAccel.Gpu;

/// <summary>What one planned launch does.</summary>
internal enum Step : byte
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

/// <summary>One planned launch (a MEASURE is a short sequence of launches). Masks are amplitude-index bit masks.</summary>
internal struct Planned
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
    public int Slot;
    public double Random;
}

/// <summary>
/// A state_apply batch planned for the device: gate fusion, then each operation routed to its kernel, with every
/// matrix gathered into <see cref="Consts"/> and every ordered target list into <see cref="Masks"/> (uploaded as one
/// copy).
/// <para>
/// Fusion, same plan as the CPU backend, from the shared planner in backends/kit: runs of uncontrolled 1-qubit gates
/// on one qubit become one 2x2 matrix (<see cref="SingleQubitFusion"/>); then <see cref="GroupFusion"/> (shared with the
/// CPU backend) gathers operations that touch at most <c>fusion_qubits</c> (default 5) bits and commute with what
/// they are moved past, and replaces a group by one launch where that pays by the cost model below: a group of
/// diagonal operations by one diagonal (diagonal merging: Z, S, T, RZ, CZ, CU1, RZZ, ... on up to 5 bits), any other
/// group by one dense matrix on its bits. MEASURE is a barrier.
/// </para>
/// <para>
/// Cost model (in passes over the state, the kernels being memory-bound): a launch costs the fraction of the
/// amplitudes it reads and writes (a gate with c controls: 2^-c; SWAP half of that; a phase diag(1, .., 1, e^ia) on
/// k bits: 2^-k), times, for a dense matrix on k targets, the device's price of a 2^k-row product
/// (<see cref="Devices.Device.DenseCost"/>: GPUs 1, 1, 1.5, 2.5, 4.5 for k = 1..5; CPU devices 1, 1.5, 4, 10, 25).
/// A group is fused when its fused launch costs less than its operations apart.
/// </para>
/// </summary>
internal sealed unsafe class GpuPlan
{
    /// <summary>QIBO_GPU_VERBOSE=1 prints one plan line per state_apply to stderr.</summary>
    private static readonly bool s_verbose = Environment.GetEnvironmentVariable("QIBO_GPU_VERBOSE") is { } v && v is not ("" or "0" or "false" or "off");

    private readonly int _n;
    private readonly double[] _denseCost;
    private readonly List<double[]> _keep = [];

    /// <summary>The launches, in order.</summary>
    public List<Planned> Steps { get; } = [];

    /// <summary>Interleaved complex matrix values (complex128; narrowed for complex64 states on upload).</summary>
    public List<double> Consts { get; } = [];

    /// <summary>Target masks of multi-target kernels (and of MEASURE's reduction), in listed order.</summary>
    public List<long> Masks { get; } = [];

    /// <summary>Number of MEASURE operations (decision slots).</summary>
    public int Measures { get; private set; }

    /// <summary>Kernel launches the plan makes (a MEASURE counts as its reduction, decision and collapse).</summary>
    public int Launches { get; private set; }

    /// <summary>Plans <paramref name="input"/> for a state of <paramref name="n"/> qubits.</summary>
    public GpuPlan(List<DecodedOp> input, int n, GpuOptions options, double[] denseCost, double* randoms, bool single)
    {
        _n = n;
        _denseCost = denseCost;
        List<DecodedOp> ops = options.Fusion ? SingleQubitFusion.Fuse(CollectionsMarshalSpan(input), _keep) ?? input : input;
        int afterSingle = ops.Count;
        int fused = 0;
        if (options.Fusion) ops = GroupFusion.Fuse(ops, options.FusionQubits, _denseCost, _keep, out fused);
        foreach (DecodedOp op in ops) PlanOp(op, randoms);
        if (s_verbose)
        {
            Console.Error.WriteLine($"qibo_gpu plan: {input.Count} ops -> {afterSingle} after 1-qubit fusion -> {ops.Count} after grouping ({fused} fused) -> " +
                $"{Launches} launches [{n} qubits, {(single ? "complex64" : "complex128")}, fusion {(options.Fusion ? $"on, {options.FusionQubits} qubits" : "off")}]");
        }
    }

    private static ReadOnlySpan<DecodedOp> CollectionsMarshalSpan(List<DecodedOp> list) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);

    private unsafe void PlanOp(in DecodedOp op, double* randoms)
    {
        long ctrl = 0;
        foreach (int c in op.Controls) ctrl |= 1L << c;
        int n = _n, nc = op.Controls.Length;
        switch (op.Kind)
        {
            case QiboOpKind.I:
                return;
            case QiboOpKind.Measure:
            {
                long target = 1L << op.Targets[0];
                Steps.Add(new Planned
                {
                    Step = Step.Measure, OpIndex = op.Index, A = target, Cbit = op.Cbit, Slot = Measures++, Random = randoms[op.RandomIndex],
                    MaskOffset = Masks.Count,
                });
                Masks.Add(target);
                Launches += 3;
                return;
            }
            case QiboOpKind.X:
            {
                long t = 1L << op.Targets[0];
                Add(new Planned { Step = Step.X, OpIndex = op.Index, Threads = 1L << (n - 1 - nc), FixedMask = ctrl | t, CtrlMask = ctrl, A = t });
                return;
            }
            case QiboOpKind.Swap:
            {
                long a = 1L << op.Targets[0], b = 1L << op.Targets[1];
                Add(new Planned { Step = Step.Swap, OpIndex = op.Index, Threads = 1L << (n - 2 - nc), FixedMask = ctrl | a | b, CtrlMask = ctrl, A = a, B = b });
                return;
            }
            case QiboOpKind.Diagonal:
                PlanDiagonal(op, ctrl, new ReadOnlySpan<double>(op.Matrix, 2 << op.Targets.Length));
                return;
            case QiboOpKind.Matrix:
                PlanMatrix(op, ctrl, new ReadOnlySpan<double>(op.Matrix, 2 << (2 * op.Targets.Length)));
                return;
        }
        var (values, diagonal) = OpMatrix.Interleaved(op);
        if (diagonal) PlanDiagonal(op, ctrl, values);
        else PlanMatrix(op, ctrl, values);
    }

    private void Add(in Planned step)
    {
        Steps.Add(step);
        Launches++;
    }

    /// <summary>Routes a dense matrix: diagonal ones, X and SWAP to their specialisations, else by size.</summary>
    private void PlanMatrix(in DecodedOp op, long ctrl, ReadOnlySpan<double> m)
    {
        int k = op.Targets.Length, dim = 1 << k, n = _n, nc = op.Controls.Length;
        if (MatrixShape.DiagonalOrNull(m, dim) is { } d)
        {
            PlanDiagonal(op, ctrl, d);
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
            step.M = Consts.Count;
            foreach (double v in m) Consts.Add(v);
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
                    step.MaskOffset = Masks.Count;
                    foreach (int t in op.Targets) Masks.Add(1L << t);
                    break;
            }
        }
        Add(step);
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
    private void PlanDiagonal(in DecodedOp op, long ctrl, ReadOnlySpan<double> d)
    {
        int k = op.Targets.Length, dim = 1 << k, n = _n, nc = op.Controls.Length;
        bool leadingOnes = true;
        for (int i = 0; i < dim - 1 && leadingOnes; i++) leadingOnes = d[2 * i] == 1 && d[2 * i + 1] == 0;
        if (leadingOnes)
        {
            double re = d[2 * (dim - 1)], im = d[2 * (dim - 1) + 1];
            if (re == 1 && im == 0) return;
            long ones = ctrl;
            foreach (int t in op.Targets) ones |= 1L << t;
            Add(new Planned { Step = Step.Phase, OpIndex = op.Index, Threads = 1L << (n - k - nc), FixedMask = ones, A = ones, Re = re, Im = im });
            return;
        }
        var step = new Planned
        {
            Step = Step.Diagonal, OpIndex = op.Index, Threads = 1L << (n - nc), FixedMask = ctrl, CtrlMask = ctrl, K = k,
            MaskOffset = Masks.Count, M = Consts.Count,
        };
        foreach (int t in op.Targets) Masks.Add(1L << t);
        foreach (double v in d) Consts.Add(v);
        Add(step);
    }

    /// <summary>Keeps the fused matrices (pinned arrays the planned operations point into) alive until the batch is enqueued.</summary>
    public void KeepAlive() => GC.KeepAlive(_keep);
}
