using System.Text;
using QiboAccel.Gpu.Launch;
using QiboAccel.Gpu.Native;

namespace QiboAccel.Gpu.Devices;

/// <summary>
/// An NVIDIA GPU driven through the CUDA driver API (libcuda.so.1) on its primary context. Kernels are the
/// generator's PTX, JIT-compiled by the driver on first use; the newest PTX target not above the device's compute
/// capability is loaded (falling back to an older one when the driver does not know the newer PTX ISA).
/// </summary>
internal sealed unsafe class CudaDevice : Device
{
    private const int PreferredBlockSize = 256;

    private readonly CudaApi _api;
    private readonly nint _context;
    private readonly string _id;
    private readonly string _description;
    private readonly int _major, _minor;
    private readonly Lock _loadLock = new();
    private readonly nint[] _functions = new nint[GeneratedKernels.Count];
    private readonly int[] _blockSizes = new int[GeneratedKernels.Count];
    private readonly KernelSlot[][] _slots = new KernelSlot[GeneratedKernels.Count][];

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
        int major, minor, sms, driver = 0;
        Check(api.DeviceGetAttribute(&major, CudaApi.AttributeComputeCapabilityMajor, device), "cuDeviceGetAttribute");
        Check(api.DeviceGetAttribute(&minor, CudaApi.AttributeComputeCapabilityMinor, device), "cuDeviceGetAttribute");
        Check(api.DeviceGetAttribute(&sms, CudaApi.AttributeMultiprocessorCount, device), "cuDeviceGetAttribute");
        api.DriverGetVersion(&driver);
        _major = major;
        _minor = minor;
        GlobalMemory = total;
        MaxAllocation = total;
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

    /// <summary>Number of CUDA devices (0 when the driver sees none).</summary>
    public static int Count(CudaApi api)
    {
        int count = 0;
        int status = api.DeviceGetCount(&count);
        return status == CudaApi.Success ? count : 0;
    }

    /// <summary>Opens device <paramref name="ordinal"/>.</summary>
    public static CudaDevice Open(CudaApi api, int ordinal)
    {
        int count = Count(api);
        if (ordinal < 0 || ordinal >= count) throw GpuException.Invalid($"CUDA device {ordinal} does not exist; the driver sees {count}");
        return new CudaDevice(api, ordinal);
    }

    /// <summary>Makes the device's context current on the calling thread (every entry point may run on any thread).</summary>
    private void MakeCurrent() => Check(_api.CtxSetCurrent(_context), "cuCtxSetCurrent");

    public override DeviceBuffer Allocate(ulong bytes, int elementSize, string what)
    {
        MakeCurrent();
        ulong pointer;
        int status = _api.MemAlloc(&pointer, (nuint)Math.Max(bytes, 16));
        if (status == CudaApi.ErrorOutOfMemory) throw AllocationFailed(bytes, what, "cuMemAlloc: " + _api.ErrorName(status));
        Check(status, $"cuMemAlloc({bytes} bytes for {what})");
        return new DeviceBuffer(this, (long)pointer, bytes, elementSize);
    }

    public override void Free(DeviceBuffer buffer)
    {
        if (_api.CtxSetCurrent(_context) == CudaApi.Success) _api.MemFree((ulong)buffer.Handle);
    }

    public override DeviceQueue CreateQueue()
    {
        MakeCurrent();
        nint stream;
        Check(_api.StreamCreate(&stream, CudaApi.StreamNonBlocking), "cuStreamCreate");
        return new CudaQueue(this, stream);
    }

    /// <summary>The kernel's function, loading its PTX module on first use.</summary>
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
        for (; target >= 0; target--)
        {
            byte[] ptx = Encoding.UTF8.GetBytes(GeneratedKernels.PtxSource(id, target) + "\0");
            fixed (byte* p = ptx) status = _api.ModuleLoadData(&module, p);
            if (status == CudaApi.Success) break;
            if (status != CudaApi.ErrorUnsupportedPtxVersion) break; // only an old driver is worth retrying with older PTX
        }
        if (status != CudaApi.Success)
            throw GpuException.Device($"loading the PTX of {name} on {_id} (compute capability {_major}.{_minor}) failed: {_api.ErrorName(status)}");
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

    private void Check(int status, string call)
    {
        if (status != CudaApi.Success)
            throw GpuException.Device($"{call} on {_id} failed: {_api.ErrorName(status)}", status == CudaApi.ErrorOutOfMemory);
    }

    /// <summary>A non-blocking stream.</summary>
    private sealed class CudaQueue(CudaDevice device, nint stream) : DeviceQueue
    {
        private nint _stream = stream;

        protected override void LaunchChunk(KernelId id, int threads, ReadOnlySpan<KernelArg> args)
        {
            device.MakeCurrent();
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
                        *(long*)value = args[slot.Param].Value;
                        *(long*)(value + KernelAbi.ViewLengthOffset) = args[slot.Param].Length;
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
            device.MakeCurrent();
            device.Check(device._api.MemcpyHtoDAsync((ulong)destination.Handle + byteOffset, source, (nuint)bytes, _stream), "cuMemcpyHtoDAsync");
            device.Check(device._api.StreamSynchronize(_stream), "cuStreamSynchronize");
        }

        public override void Read(DeviceBuffer source, ulong byteOffset, void* destination, ulong bytes)
        {
            if (bytes == 0) return;
            device.MakeCurrent();
            device.Check(device._api.MemcpyDtoHAsync(destination, (ulong)source.Handle + byteOffset, (nuint)bytes, _stream), "cuMemcpyDtoHAsync");
            device.Check(device._api.StreamSynchronize(_stream), "cuStreamSynchronize");
        }

        public override void Finish()
        {
            device.MakeCurrent();
            device.Check(device._api.StreamSynchronize(_stream), "cuStreamSynchronize");
        }

        public override void Dispose()
        {
            if (_stream == 0) return;
            if (device._api.CtxSetCurrent(device._context) == CudaApi.Success)
            {
                device._api.StreamSynchronize(_stream);
                device._api.StreamDestroy(_stream);
            }
            _stream = 0;
        }
    }
}
