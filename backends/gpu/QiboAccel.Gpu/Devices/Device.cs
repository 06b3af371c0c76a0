using QiboAccel.Gpu.Launch;

namespace QiboAccel.Gpu.Devices;

/// <summary>
/// One compute device (a CUDA GPU or an OpenCL device) with its context and compiled kernels. Devices are opened
/// once per process and never closed: backend instances share them (the ABI lets a backend keep process-wide state).
/// </summary>
internal abstract class Device
{
    /// <summary>"opencl:0", "cuda:1".</summary>
    public abstract string Id { get; }

    /// <summary>For qibo_backend_info.device: platform, device and memory.</summary>
    public abstract string Description { get; }

    /// <summary>Largest single allocation in bytes.</summary>
    public abstract ulong MaxAllocation { get; }

    /// <summary>Device memory in bytes.</summary>
    public abstract ulong GlobalMemory { get; }

    /// <summary>
    /// What a device without fp64 gives up, in its description (qibo_backend_info.device): complex128, and the ABI's
    /// promise that complex64 reductions are summed in double (backends/gpu/README.md derives the bound).
    /// </summary>
    /// <remarks>Hosts clip device strings to 256 characters, keeping the end: the warning comes last.</remarks>
    public const string NoFp64Note = "no fp64: complex64 only, and its reductions sum in compensated float, NOT double as the ABI promises (errors up to 7e-7: gpu README)";

    /// <summary>True when the device computes in double precision (complex128 states).</summary>
    public abstract bool SupportsDouble { get; }

    /// <summary>Device memory free now, in bytes (drivers that cannot say report <see cref="GlobalMemory"/>).</summary>
    public virtual ulong FreeMemory => GlobalMemory;

    /// <summary>
    /// About how many threads keep the whole device busy (CUDA: multiprocessors x resident threads each, x 2;
    /// OpenCL: compute units x 1024), a power of two. Reductions launch this many threads rather than a fixed count.
    /// </summary>
    public abstract long ReductionThreads { get; }

    /// <summary>
    /// Fusion's price of a dense matrix on k = 1..5 targets, in passes over the state (index k - 1): how much slower
    /// than a memory-bound pass the 2^k-row product runs. GPUs have arithmetic to spare (a 5-target product on an
    /// H100 is still close to memory-bound: these numbers are an estimate, not yet measured on a GPU); CPU devices
    /// (PoCL) do not (measured with device-check on PoCL: a 3-target matrix runs at a quarter of a 1-qubit gate's
    /// GB/s, a 5-target one at 1/12 to 1/30).
    /// </summary>
    public virtual double[] DenseCost => GpuDenseCost;

    /// <summary>The dense-product prices for GPUs (fusion_model=gpu).</summary>
    public static readonly double[] GpuDenseCost = [1, 1, 1.5, 2.5, 4.5];

    /// <summary>The dense-product prices for CPU devices (fusion_model=cpu).</summary>
    public static readonly double[] CpuDenseCost = [1, 1.5, 4, 10, 25];

    /// <summary>Host memory the device copies from asynchronously (page-locked where the driver offers it).</summary>
    public abstract HostBuffer AllocateHost(ulong bytes);

    /// <summary>Frees host memory from <see cref="AllocateHost"/>.</summary>
    public abstract unsafe void FreeHost(void* pointer);

    /// <summary>The largest power of two not above <paramref name="value"/> (at least 64).</summary>
    protected static long PowerOfTwoBelow(long value)
    {
        long p = 64;
        while (p * 2 <= value) p *= 2;
        return p;
    }

    /// <summary>Allocates <paramref name="bytes"/> of device memory; a driver's refusal is QIBO_ERROR_OUT_OF_MEMORY naming <paramref name="what"/>.</summary>
    public abstract DeviceBuffer Allocate(ulong bytes, int elementSize, string what);

    /// <summary>Frees a buffer.</summary>
    public abstract void Free(DeviceBuffer buffer);

    /// <summary>A new in-order queue (one per state, so states on different threads never share one).</summary>
    public abstract DeviceQueue CreateQueue();

    /// <summary>The QIBO_ERROR_OUT_OF_MEMORY error for a refused allocation.</summary>
    protected GpuException AllocationFailed(ulong bytes, string what, string driverError) => GpuException.OutOfMemory(
        $"out of device memory: cannot allocate {Format(bytes)} ({bytes} bytes) for {what} on {Id} " +
        $"(device memory {Format(GlobalMemory)}, largest allocation {Format(MaxAllocation)}): {driverError}");

    /// <summary>"1.5 GiB".</summary>
    public static string Format(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int u = 0;
        while (bytes >= 1024 && u < units.Length - 1)
        {
            bytes /= 1024;
            u++;
        }
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes:0.#} {units[u]}");
    }
}

/// <summary>Device memory owned by one state.</summary>
internal sealed class DeviceBuffer(Device device, long handle, ulong bytes, int elementSize) : IDisposable
{
    /// <summary>cl_mem or CUdeviceptr.</summary>
    public long Handle { get; private set; } = handle;

    /// <summary>Size in bytes.</summary>
    public ulong Bytes { get; } = bytes;

    /// <summary>Size of one element (the kernels' view length is in elements).</summary>
    public int ElementSize { get; } = elementSize;

    /// <summary>Number of elements.</summary>
    public long Elements => (long)(Bytes / (ulong)ElementSize);

    /// <summary>Frees the memory (idempotent).</summary>
    public void Dispose()
    {
        if (Handle == 0) return;
        device.Free(this);
        Handle = 0;
    }
}

/// <summary>Host memory for asynchronous uploads, owned by one state.</summary>
internal sealed unsafe class HostBuffer(Device device, void* pointer, ulong bytes) : IDisposable
{
    /// <summary>The memory.</summary>
    public void* Pointer { get; private set; } = pointer;

    /// <summary>Size in bytes.</summary>
    public ulong Bytes { get; } = bytes;

    /// <summary>Frees the memory (idempotent).</summary>
    public void Dispose()
    {
        if (Pointer == null) return;
        device.FreeHost(Pointer);
        Pointer = null;
    }
}

/// <summary>An in-order command queue: launches, copies and synchronisation.</summary>
internal abstract class DeviceQueue : IDisposable
{
    /// <summary>Largest launch: implicitly grouped kernels take a 32-bit thread index, so larger ones are chunked.</summary>
    public const long MaxChunk = 1L << 30;

    /// <summary>
    /// Enqueues kernel <paramref name="id"/> over threads [0, <paramref name="threads"/>), in chunks of at most
    /// <see cref="MaxChunk"/> threads, each with its first thread in the 'offset' parameter.
    /// </summary>
    public void Launch(KernelId id, long threads, ReadOnlySpan<KernelArg> args)
    {
        KernelParamKind[] kinds = GeneratedKernels.Params(id);
        int[] elementSizes = GeneratedKernels.ViewElementSizes(id);
        if (args.Length != kinds.Length) throw new InvalidOperationException($"{GeneratedKernels.Name(id)}: {args.Length} arguments for {kinds.Length} parameters");
        for (int i = 0; i < kinds.Length; i++)
        {
            if (args[i].Kind != kinds[i]) throw new InvalidOperationException($"{GeneratedKernels.Name(id)}: argument {i} is {args[i].Kind}, the kernel takes {kinds[i]}");
            // Views of float and double buffers look alike to the driver: a mismatch would read garbage silently.
            if (kinds[i] == KernelParamKind.View && args[i].ElementSize != elementSizes[i])
                throw new InvalidOperationException($"{GeneratedKernels.Name(id)}: view argument {i} has {args[i].ElementSize}-byte elements, the kernel reads {elementSizes[i]}-byte ones");
        }
        if (threads <= 0) return;
        int offsetParam = GeneratedKernels.OffsetParam(id);
        Span<KernelArg> chunkArgs = stackalloc KernelArg[args.Length];
        args.CopyTo(chunkArgs);
        for (long first = 0; first < threads; first += MaxChunk)
        {
            chunkArgs[offsetParam] = KernelArg.Int64(first);
            LaunchChunk(id, (int)Math.Min(MaxChunk, threads - first), chunkArgs);
        }
    }

    /// <summary>Enqueues one launch of at most <see cref="MaxChunk"/> threads.</summary>
    protected abstract void LaunchChunk(KernelId id, int threads, ReadOnlySpan<KernelArg> args);

    /// <summary>Copies host memory into a buffer; returns when the source may be reused.</summary>
    public abstract unsafe void Write(DeviceBuffer destination, ulong byteOffset, void* source, ulong bytes);

    /// <summary>
    /// Enqueues a copy from <paramref name="source"/> (from the start) into a buffer and returns at once: the copy
    /// runs in order with the launches, and the source must not change until the next <see cref="Finish"/>.
    /// </summary>
    public abstract void WriteAsync(DeviceBuffer destination, ulong byteOffset, HostBuffer source, ulong bytes);

    /// <summary>
    /// Enqueues a device-to-device copy of <paramref name="bytes"/> from the start of <paramref name="source"/> to the
    /// start of <paramref name="destination"/>, in order with this queue's commands; <see cref="Finish"/> waits for it.
    /// The source must not be written by another queue meanwhile.
    /// </summary>
    public abstract void Copy(DeviceBuffer source, DeviceBuffer destination, ulong bytes);

    /// <summary>Copies a buffer into host memory, after every command enqueued before; returns when done.</summary>
    public abstract unsafe void Read(DeviceBuffer source, ulong byteOffset, void* destination, ulong bytes);

    /// <summary>Waits for every enqueued command; reports asynchronous failures.</summary>
    public abstract void Finish();

    /// <summary>Releases the queue.</summary>
    public abstract void Dispose();
}
