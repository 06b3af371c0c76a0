using System.Text;
using QiboAccel.Gpu.Launch;
using QiboAccel.Gpu.Native;

namespace QiboAccel.Gpu.Devices;

/// <summary>
/// An NVIDIA GPU driven through the CUDA driver API (libcuda.so.1) on its primary context. Kernels are the
/// generator's PTX, JIT-compiled by the driver on first use; the newest PTX target not above the device's compute
/// capability is loaded (falling back to an older one when the driver does not know the newer PTX ISA).
/// </summary>
/// <remarks>
/// The primary context is shared with every other CUDA user in the process (PyTorch, CuPy, ...). Every call pushes
/// it onto the calling thread's context stack and pops it afterwards (<see cref="Enter"/>), so the library never
/// leaves its context current on a caller's thread. A sticky error (a fault inside a kernel, ours or anyone's in the
/// same context) makes the context unusable for the rest of the process: the device remembers the first one and
/// refuses every later call with a message saying so, instead of failing each with a bare driver code.
/// </remarks>
internal sealed unsafe class CudaDevice : Device
{
    private const int PreferredBlockSize = 256;
    private const int JitLogBytes = 16384;

    private readonly CudaApi _api;
    private readonly nint _context;
    private readonly string _id;
    private readonly string _description;
    private readonly int _major, _minor;
    private readonly Lock _loadLock = new();
    private readonly nint[] _functions = new nint[GeneratedKernels.Count];
    private readonly int[] _blockSizes = new int[GeneratedKernels.Count];
    private readonly KernelSlot[][] _slots = new KernelSlot[GeneratedKernels.Count][];
    private volatile string? _broken;

    private CudaDevice(CudaApi api, int ordinal)
    {
        _api = api;
        _id = $"cuda:{ordinal}";
        int device;
        Check(api.DeviceGet(&device, ordinal), "cuDeviceGet");
        byte* name = stackalloc byte[256];
        Check(api.DeviceGetName(name, 256, device), "cuDeviceGetName");
        string deviceName = new string((sbyte*)name).Trim();
        nuint total;
        Check(api.DeviceTotalMem(&total, device), "cuDeviceTotalMem");
        int major, minor, sms, threadsPerSm, driver = 0;
        Check(api.DeviceGetAttribute(&major, CudaApi.AttributeComputeCapabilityMajor, device), "cuDeviceGetAttribute");
        Check(api.DeviceGetAttribute(&minor, CudaApi.AttributeComputeCapabilityMinor, device), "cuDeviceGetAttribute");
        Check(api.DeviceGetAttribute(&sms, CudaApi.AttributeMultiprocessorCount, device), "cuDeviceGetAttribute");
        Check(api.DeviceGetAttribute(&threadsPerSm, CudaApi.AttributeMaxThreadsPerMultiprocessor, device), "cuDeviceGetAttribute");
        api.DriverGetVersion(&driver);
        _major = major;
        _minor = minor;
        GlobalMemory = total;
        MaxAllocation = total;
        ReductionThreads = PowerOfTwoBelow(2L * sms * Math.Max(threadsPerSm, 1024));
        (int oldMajor, int oldMinor) = GeneratedKernels.PtxTargets[0];
        if (major * 10 + minor < oldMajor * 10 + oldMinor)
            throw GpuException.Unsupported($"{_id} ({deviceName}) has compute capability {major}.{minor}; the gpu backend's PTX needs {oldMajor}.{oldMinor} or newer");
        nint context;
        Check(api.DevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
        _context = context;
        _description = $"CUDA {_id}: {deviceName} (compute capability {major}.{minor}, {sms} multiprocessors, {Format(total)}, " +
            $"driver {driver / 1000}.{driver % 1000 / 10})";
    }

    public override string Id => _id;

    public override string Description => _description;

    public override ulong MaxAllocation { get; }

    public override ulong GlobalMemory { get; }

    public override bool SupportsDouble => true;

    public override long ReductionThreads { get; }

    /// <summary>cuMemGetInfo's free bytes (what a new state can have now, other processes' allocations excluded).</summary>
    public override ulong FreeMemory
    {
        get
        {
            using Scope scope = Enter();
            nuint free, total;
            Check(_api.MemGetInfo(&free, &total), "cuMemGetInfo");
            return free;
        }
    }

    /// <summary>Number of CUDA devices; a driver failure other than "no device" is an error, not 0.</summary>
    public static int Count(CudaApi api)
    {
        int count = 0;
        int status = api.DeviceGetCount(&count);
        if (status == CudaApi.ErrorNoDevice) return 0;
        if (status != CudaApi.Success) throw GpuException.Device($"cuDeviceGetCount failed: {api.ErrorName(status)}");
        return count;
    }

    /// <summary>Opens device <paramref name="ordinal"/>.</summary>
    public static CudaDevice Open(CudaApi api, int ordinal)
    {
        int count = Count(api);
        if (ordinal < 0 || ordinal >= count) throw GpuException.Invalid($"CUDA device {ordinal} does not exist; the driver sees {count}");
        return new CudaDevice(api, ordinal);
    }

    /// <summary>Pushes the context on the calling thread; disposing the scope pops it (every entry point may run on any thread).</summary>
    private Scope Enter()
    {
        if (_broken is { } why) throw GpuException.Device(why);
        Check(_api.CtxPushCurrent(_context), "cuCtxPushCurrent");
        return new Scope(_api);
    }

    /// <summary>Pops the context pushed by <see cref="Enter"/>.</summary>
    private readonly struct Scope(CudaApi api) : IDisposable
    {
        public void Dispose()
        {
            nint popped;
            api.CtxPopCurrent(&popped);
        }
    }

    public override DeviceBuffer Allocate(ulong bytes, int elementSize, string what)
    {
        using Scope scope = Enter();
        ulong pointer;
        int status = _api.MemAlloc(&pointer, (nuint)Math.Max(bytes, 16));
        if (status == CudaApi.ErrorOutOfMemory) throw AllocationFailed(bytes, what, "cuMemAlloc: " + _api.ErrorName(status));
        Check(status, $"cuMemAlloc({bytes} bytes for {what})");
        return new DeviceBuffer(this, (long)pointer, bytes, elementSize);
    }

    public override void Free(DeviceBuffer buffer)
    {
        if (_broken != null || _api.CtxPushCurrent(_context) != CudaApi.Success) return;
        _api.MemFree((ulong)buffer.Handle);
        nint popped;
        _api.CtxPopCurrent(&popped);
    }

    public override HostBuffer AllocateHost(ulong bytes)
    {
        using Scope scope = Enter();
        void* pointer;
        int status = _api.MemAllocHost(&pointer, (nuint)Math.Max(bytes, 64));
        if (status == CudaApi.ErrorOutOfMemory)
            throw GpuException.OutOfMemory($"out of page-locked host memory: cannot allocate {Format(bytes)} for uploads to {_id}: {_api.ErrorName(status)}");
        Check(status, $"cuMemAllocHost({bytes} bytes)");
        return new HostBuffer(this, pointer, bytes);
    }

    public override void FreeHost(void* pointer)
    {
        if (_broken != null || _api.CtxPushCurrent(_context) != CudaApi.Success) return;
        _api.MemFreeHost(pointer);
        nint popped;
        _api.CtxPopCurrent(&popped);
    }

    public override DeviceQueue CreateQueue()
    {
        using Scope scope = Enter();
        nint stream;
        Check(_api.StreamCreate(&stream, CudaApi.StreamNonBlocking), "cuStreamCreate");
        return new CudaQueue(this, stream);
    }

    /// <summary>The kernel's function, loading its PTX module on first use (the context is current).</summary>
    private nint Function(KernelId id, out int blockSize)
    {
        int k = (int)id;
        lock (_loadLock)
        {
            if (_functions[k] == 0) Load(id);
            blockSize = _blockSizes[k];
            return _functions[k];
        }
    }

    private void Load(KernelId id)
    {
        int k = (int)id;
        string name = GeneratedKernels.Name(id);
        int target = GeneratedKernels.PtxTargets.Length - 1;
        while (target > 0 && GeneratedKernels.PtxTargets[target].Major * 10 + GeneratedKernels.PtxTargets[target].Minor > _major * 10 + _minor) target--;
        nint module = 0;
        int status = -1;
        string log = "";
        for (; target >= 0; target--)
        {
            (status, log) = LoadModule(GeneratedKernels.PtxSource(id, target), &module);
            if (status == CudaApi.Success) break;
            if (status != CudaApi.ErrorUnsupportedPtxVersion) break; // only an old driver is worth retrying with older PTX
        }
        if (status != CudaApi.Success)
        {
            Check(status, $"cuModuleLoadDataEx({name})", log); // a sticky error is remembered
            throw GpuException.Device($"loading the PTX of {name} on {_id} (compute capability {_major}.{_minor}) failed: {_api.ErrorName(status)}" +
                (log.Length > 0 ? $"; JIT log: {log}" : ""));
        }
        byte[] entry = Encoding.UTF8.GetBytes(GeneratedKernels.PtxEntry(id) + "\0");
        nint function;
        fixed (byte* e = entry) Check(_api.ModuleGetFunction(&function, module, e), $"cuModuleGetFunction({name})");
        int maxThreads = PreferredBlockSize;
        _api.FuncGetAttribute(&maxThreads, CudaApi.FuncAttributeMaxThreadsPerBlock, function);
        int block = 32;
        while (block * 2 <= Math.Min(PreferredBlockSize, maxThreads)) block *= 2;
        _blockSizes[k] = block;
        _slots[k] = KernelAbi.Ptx(GeneratedKernels.Params(id));
        _functions[k] = function;
    }

    /// <summary>cuModuleLoadDataEx with the JIT's error and info logs; returns the status and the logs' text.</summary>
    private (int Status, string Log) LoadModule(string ptx, nint* module)
    {
        byte[] image = Encoding.UTF8.GetBytes(ptx + "\0");
        byte* errors = stackalloc byte[JitLogBytes];
        byte* info = stackalloc byte[JitLogBytes];
        errors[0] = 0;
        info[0] = 0;
        int* options = stackalloc int[5]
        {
            CudaApi.JitErrorLogBuffer, CudaApi.JitErrorLogBufferSizeBytes, CudaApi.JitInfoLogBuffer, CudaApi.JitInfoLogBufferSizeBytes, CudaApi.JitLogVerbose,
        };
        void** values = stackalloc void*[5] { errors, (void*)(nuint)JitLogBytes, info, (void*)(nuint)JitLogBytes, (void*)(nuint)1 };
        int status;
        fixed (byte* p = image) status = _api.ModuleLoadDataEx(module, p, 5, options, values);
        string errorLog = new string((sbyte*)errors).Trim(), infoLog = new string((sbyte*)info).Trim();
        string log = status == CudaApi.Success ? "" : string.Join(" | ", new[] { errorLog, infoLog }.Where(s => s.Length > 0));
        return (status, log.Length > 4000 ? log[..4000] + "..." : log);
    }

    private void Check(int status, string call, string detail = "")
    {
        if (status == CudaApi.Success) return;
        string message = $"{call} on {_id} failed: {_api.ErrorName(status)}" + (detail.Length > 0 ? $" ({detail})" : "");
        if (CudaApi.IsSticky(status))
        {
            _broken ??= $"{_id} is unusable for the rest of this process: {message}. This CUDA error is sticky (it breaks the " +
                "device's primary context, which every CUDA user in the process shares), so every later call fails; restart the process";
            throw GpuException.Device(_broken);
        }
        throw GpuException.Device(message, status == CudaApi.ErrorOutOfMemory);
    }

    /// <summary>A non-blocking stream.</summary>
    private sealed class CudaQueue(CudaDevice device, nint stream) : DeviceQueue
    {
        private nint _stream = stream;

        protected override void LaunchChunk(KernelId id, int threads, ReadOnlySpan<KernelArg> args)
        {
            using Scope scope = device.Enter();
            nint function = device.Function(id, out int block);
            KernelSlot[] slots = device._slots[(int)id];
            // Parameter values in the layout of KernelAbi.Ptx: thread count, then views as { u64 pointer; i64 length }.
            byte* storage = stackalloc byte[slots.Length * KernelAbi.ViewDescriptorSize];
            void** pointers = stackalloc void*[slots.Length];
            for (int s = 0; s < slots.Length; s++)
            {
                byte* value = storage + s * KernelAbi.ViewDescriptorSize;
                KernelSlot slot = slots[s];
                switch (slot.Kind)
                {
                    case SlotKind.ThreadCount:
                        *(int*)value = threads;
                        break;
                    case SlotKind.ViewDescriptor:
                        KernelArg view = args[slot.Param];
                        *(long*)value = view.Value + view.Offset * view.ElementSize;
                        *(long*)(value + KernelAbi.ViewLengthOffset) = view.Length;
                        break;
                    default:
                        args[slot.Param].WriteScalar(value);
                        break;
                }
                pointers[s] = value;
            }
            uint grid = (uint)(((long)threads + block - 1) / block);
            int status = device._api.LaunchKernel(function, grid, 1, 1, (uint)block, 1, 1, 0, _stream, pointers, null);
            device.Check(status, $"cuLaunchKernel({GeneratedKernels.Name(id)}, {threads} threads)");
        }

        public override void Write(DeviceBuffer destination, ulong byteOffset, void* source, ulong bytes)
        {
            if (bytes == 0) return;
            using Scope scope = device.Enter();
            device.Check(device._api.MemcpyHtoDAsync((ulong)destination.Handle + byteOffset, source, (nuint)bytes, _stream), "cuMemcpyHtoDAsync");
            device.Check(device._api.StreamSynchronize(_stream), "cuStreamSynchronize");
        }

        public override void WriteAsync(DeviceBuffer destination, ulong byteOffset, HostBuffer source, ulong bytes)
        {
            if (bytes == 0) return;
            using Scope scope = device.Enter();
            // Page-locked source: a true asynchronous DMA, ordered with the launches on the stream.
            device.Check(device._api.MemcpyHtoDAsync((ulong)destination.Handle + byteOffset, source.Pointer, (nuint)bytes, _stream), "cuMemcpyHtoDAsync");
        }

        public override void Copy(DeviceBuffer source, DeviceBuffer destination, ulong bytes)
        {
            if (bytes == 0) return;
            using Scope scope = device.Enter();
            device.Check(device._api.MemcpyDtoDAsync((ulong)destination.Handle, (ulong)source.Handle, (nuint)bytes, _stream), "cuMemcpyDtoDAsync");
        }

        public override void Read(DeviceBuffer source, ulong byteOffset, void* destination, ulong bytes)
        {
            if (bytes == 0) return;
            using Scope scope = device.Enter();
            device.Check(device._api.MemcpyDtoHAsync(destination, (ulong)source.Handle + byteOffset, (nuint)bytes, _stream), "cuMemcpyDtoHAsync");
            device.Check(device._api.StreamSynchronize(_stream), "cuStreamSynchronize");
        }

        public override void Finish()
        {
            using Scope scope = device.Enter();
            device.Check(device._api.StreamSynchronize(_stream), "cuStreamSynchronize");
        }

        public override void Dispose()
        {
            if (_stream == 0) return;
            if (device._broken == null && device._api.CtxPushCurrent(device._context) == CudaApi.Success)
            {
                device._api.StreamSynchronize(_stream);
                device._api.StreamDestroy(_stream);
                nint popped;
                device._api.CtxPopCurrent(&popped);
            }
            _stream = 0;
        }
    }
}
