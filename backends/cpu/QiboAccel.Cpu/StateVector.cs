using System.Numerics;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.BackendKit;
using QiboAccel.Cpu.Circuits;
using QiboAccel.Cpu.Kernels;
using QiboAccel.Cpu.Threading;

namespace QiboAccel.Cpu;

/// <summary>
/// A state vector in native memory from the backend's <see cref="StateMemory"/> (64-byte aligned, 2 MiB and huge
/// pages when large, reused from a destroyed state of the same size): 2^n interleaved (re, im) pairs of the state's precision.
/// <see cref="StateVector{T}"/> holds the precision-specific code; this base is what the kit's exports see.
/// </summary>
internal abstract unsafe class StateVector : BackendState
{
    protected StateVector(CpuBackend backend, int nQubits, QiboPrecision precision, int elementSize)
        : base(nQubits, precision)
    {
        Backend = backend;
        ulong bytes = (1UL << nQubits) * 2 * (ulong)elementSize;
        ByteCount = bytes;
        try
        {
            Data = backend.Memory.Allocate(bytes, out _);
        }
        catch (OutOfMemoryException)
        {
            throw CpuException.OutOfMemory(bytes, $"a {nQubits}-qubit {Name(precision)} state vector");
        }
    }

    /// <summary>The backend the state was created on.</summary>
    public CpuBackend Backend { get; }

    /// <summary>Size of the amplitude buffer in bytes.</summary>
    public ulong ByteCount { get; }

    /// <summary>The amplitudes.</summary>
    protected void* Data { get; private set; }

    /// <summary>"complex128" or "complex64".</summary>
    public static string Name(QiboPrecision precision) => precision == QiboPrecision.Complex64 ? "complex64" : "complex128";

    /// <summary>Creates a state of the requested precision, initialised to |0...0&gt;.</summary>
    public static StateVector Create(CpuBackend backend, int nQubits, QiboPrecision precision)
    {
        StateVector state = precision == QiboPrecision.Complex64
            ? new StateVector<float>(backend, nQubits)
            : new StateVector<double>(backend, nQubits);
        state.Reset();
        return state;
    }

    /// <inheritdoc />
    public override void GetAmplitudes(ulong offset, ulong count, void* destination)
    {
        ulong elementBytes = ByteCount >> NQubits;
        Buffer.MemoryCopy((byte*)Data + offset * elementBytes, destination, count * elementBytes, count * elementBytes);
    }

    /// <inheritdoc />
    public override void SetAmplitudes(ulong offset, ulong count, void* source)
    {
        ulong elementBytes = ByteCount >> NQubits;
        Buffer.MemoryCopy(source, (byte*)Data + offset * elementBytes, count * elementBytes, count * elementBytes);
    }

    /// <summary>Hands the amplitudes back to the backend's memory (kept for the next state of this size, or freed).</summary>
    public override void Dispose()
    {
        if (Data != null)
        {
            Backend.Memory.Release(Data, ByteCount);
            Data = null;
        }
        base.Dispose();
    }
}

/// <summary>A state vector of complex values with parts of type <typeparamref name="T"/> (double or float).</summary>
internal sealed unsafe class StateVector<T> : StateVector where T : unmanaged, IFloatingPointIeee754<T>
{
    public StateVector(CpuBackend backend, int nQubits) : base(backend, nQubits, typeof(T) == typeof(float)
        ? QiboPrecision.Complex64 : QiboPrecision.Complex128, sizeof(T))
    {
    }

    /// <summary>What the kernels need.</summary>
    public KernelState<T> Kernel => new((T*)Data, NQubits, Backend.Pool, Backend.Options.SimdBits);

    public override void Reset()
    {
        KernelState<T> state = Kernel;
        var job = new FillZeroJob(state.Data);
        state.Pool.Run(job, (long)Length, (long)Length);
        state.Data[0] = T.One;
    }

    public override void Apply(in CircuitBatch batch)
    {
        ReadOnlySpan<DecodedOp> ops = CollectionsMarshal.AsSpan(batch.Ops);
        bool prepare = _prepareNext;
        _prepareNext = false;
        // Only a circuit decoded whole (no invalid record after a valid prefix) and without MEASURE can be kept, and
        // it is kept the second time it comes (TryApplyPrepared noted it just before this call).
        if (prepare && Preparable && ops.Length == (long)batch.Circuit->NOps && !HasMeasure(ops)
            && CircuitImage.TryCopy(batch.Circuit, PreparedBatches.MaxImageBytes) is { } image)
        {
            BlockStep[] steps = BatchRunner.Prepare(Kernel, Backend.Options, ops);
            Backend.Prepared.Add(image, _digest, typeof(T), steps);
            BatchRunner.RunPrepared(Kernel, steps);
            return;
        }
        BatchRunner.Apply(Kernel, Backend.Options, ops, batch.Randoms, batch.Cbits);
    }

    // What TryApplyPrepared learnt of the circuit for the Apply that follows it in the same state_apply call: its
    // digest, and whether it was seen before (so worth preparing). The call holds the state, so no other call sees it.
    private ulong _digest;
    private bool _prepareNext;

    public override bool TryApplyPrepared(QiboStateApplyArgs* args)
    {
        _prepareNext = false;
        // A circuit for another size is invalid: the validator must see it, whatever was kept.
        QiboCircuit* circuit = args->Circuit;
        if (!Preparable || circuit == null || circuit->StructSize < QiboCircuit.V1_0 || circuit->NQubits != (uint)NQubits) return false;
        BlockStep[]? steps = Backend.Prepared.FindLast(circuit, typeof(T));
        if (steps == null)
        {
            if (!CircuitImage.TryDigest(circuit, PreparedBatches.MaxImageBytes, out ulong digest)) return false;
            steps = Backend.Prepared.Find(circuit, digest, typeof(T));
            if (steps == null)
            {
                _digest = digest;
                _prepareNext = Backend.Prepared.SeenBefore(digest);
                return false;
            }
        }
        BatchRunner.ReportReuse<T>(NQubits, steps.Length);
        BatchRunner.RunPrepared(Kernel, steps);
        return true;
    }

    private bool Preparable => PreparedBatches.Allows(NQubits, BatchRunner.BlockQubits<T>(Backend.Options), Backend.Options);

    private static bool HasMeasure(ReadOnlySpan<DecodedOp> ops)
    {
        foreach (ref readonly DecodedOp op in ops)
        {
            if (op.Kind == QiboOpKind.Measure) return true;
        }
        return false;
    }

    public override void Probabilities(in QubitSelection qubits, double* output) =>
        Cpu.Probabilities.Compute(Kernel, qubits.Bits, output);

    public override void Sample(in QubitSelection qubits, ulong shots, double* randoms, ulong* outcomes) =>
        Sampling.Sample(Kernel, qubits.Bits, shots, randoms, outcomes);

    public override void CopyTo(BackendState destination) =>
        Overlaps.Copy((T*)Data, (T*)((StateVector<T>)destination).Data, NQubits, Backend.Pool);

    public override (double Re, double Im) InnerProduct(BackendState ket) =>
        Overlaps.InnerProduct((T*)Data, (T*)((StateVector<T>)ket).Data, NQubits, Backend.Pool);

    public override double Expectation(ReadOnlySpan<PauliString> terms) => Overlaps.Expectation((T*)Data, NQubits, terms, Backend.Pool);

    /// <summary>
    /// Zeroes amplitudes in parallel on the backend's threads: the first touch of freshly allocated pages is spread
    /// over them (and each page lands near the thread whose chunk holds it), and a reused buffer is cleared in one pass.
    /// </summary>
    private sealed class FillZeroJob(T* data) : IRangeJob
    {
        public void Run(int chunk, long begin, long end) =>
            NativeMemory.Clear(data + 2 * begin, (nuint)((end - begin) * 2 * sizeof(T)));
    }
}
