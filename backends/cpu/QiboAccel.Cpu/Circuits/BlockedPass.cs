using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.BackendKit.Planning;
using QiboAccel.Cpu.Kernels;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu.Circuits;

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
    public static void Run<T>(in KernelState<T> state, PlannedPass pass, int l1Qubits, int diagonalBits) where T : unmanaged, IFloatingPointIeee754<T>
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
        // Runs of diagonal operations merge here rather than before the plan (see BatchRunner.DiagonalFusionBits).
        var keep = new List<double[]>();
        if (diagonalBits >= 2) mapped = DiagonalFusion.Fuse(mapped, diagonalBits, keep, out _);
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
        GC.KeepAlive(keep); // the compiled jobs hold copies of the merged diagonals
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
