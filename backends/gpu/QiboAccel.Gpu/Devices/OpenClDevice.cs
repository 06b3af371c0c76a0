using System.Runtime.InteropServices;
using System.Text;
using QiboAccel.Gpu.Launch;
using QiboAccel.Gpu.Native;

namespace QiboAccel.Gpu.Devices;

/// <summary>
/// An OpenCL device driven through the OpenCL C API (ILGPU's own accelerator is not used: it needs dynamic code and
/// refuses devices without the generic address space). Programs are the generator's OpenCL C, built on first use.
/// Every driver call that may initialise a compiler runs inside <see cref="SignalGuard.Protect"/>.
/// </summary>
internal sealed unsafe class OpenClDevice : Device
{
    private const uint ContextPlatform = 0x1084;
    private const int PreferredGroupSize = 256;
    private const ulong DeviceTypeCpu = 1 << 1;

    private readonly OpenClApi _api;
    private readonly nint _device;
    private readonly nint _context;
    private readonly string _id;
    private readonly string _description;
    private readonly Lock _buildLock = new();
    private readonly nint[] _programs = new nint[GeneratedKernels.Count];
    private readonly int[] _groupSizes = new int[GeneratedKernels.Count];
    private readonly KernelSlot[][] _slots = new KernelSlot[GeneratedKernels.Count][];

    private OpenClDevice(OpenClApi api, int index, DeviceEntry entry)
    {
        _api = api;
        _device = entry.Device;
        _id = $"opencl:{index}";
        MaxAllocation = entry.MaxAllocation;
        GlobalMemory = entry.GlobalMemory;
        SupportsDouble = entry.SupportsDouble;
        uint units = InfoUInt(api, _device, OpenClApi.DeviceMaxComputeUnits);
        ReductionThreads = PowerOfTwoBelow(1024L * Math.Max(units, 1u));
        IsCpu = (InfoULong(api, _device, OpenClApi.DeviceType) & DeviceTypeCpu) != 0;
        _description = $"OpenCL {_id}: {entry.PlatformName} / {entry.DeviceName} ({entry.Version}, {units} compute units, " +
            $"{Format(GlobalMemory)}{(SupportsDouble ? "" : ", " + NoFp64Note)})";
        using (SignalGuard.Protect())
        {
            nint* properties = stackalloc nint[3] { (nint)ContextPlatform, entry.Platform, 0 };
            nint device = _device;
            int error;
            _context = api.CreateContext(properties, 1, &device, null, null, &error);
            if (error != OpenClApi.Success) throw GpuException.Device($"clCreateContext on {_id} ({entry.DeviceName}) failed: {OpenClApi.ErrorName(error)}");
        }
    }

    public override string Id => _id;

    public override string Description => _description;

    public override ulong MaxAllocation { get; }

    public override ulong GlobalMemory { get; }

    public override bool SupportsDouble { get; }

    public override long ReductionThreads { get; }

    /// <summary>True for a CPU device (PoCL): dense products are expensive there.</summary>
    public bool IsCpu { get; }

    public override double[] DenseCost => IsCpu ? CpuDenseCost : GpuDenseCost;

    public override HostBuffer AllocateHost(ulong bytes)
    {
        void* p = NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 64), 4096);
        return new HostBuffer(this, p, bytes);
    }

    public override void FreeHost(void* pointer) => NativeMemory.AlignedFree(pointer);

    /// <summary>One device of the machine's OpenCL platforms, numbered across platforms in enumeration order.</summary>
    internal readonly record struct DeviceEntry(nint Platform, nint Device, string PlatformName, string DeviceName, string Version,
        ulong MaxAllocation, ulong GlobalMemory, bool SupportsDouble);

    /// <summary>Every OpenCL device of every platform; throws QIBO_ERROR_DEVICE saying what to install when there is none.</summary>
    public static List<DeviceEntry> Enumerate(OpenClApi api)
    {
        var result = new List<DeviceEntry>();
        using (SignalGuard.Protect())
        {
            uint count = 0;
            int status = api.GetPlatformIDs(0, null, &count);
            if (status == OpenClApi.PlatformNotFoundKhr || (status == OpenClApi.Success && count == 0))
                throw GpuException.Device("no OpenCL platform found: install an OpenCL driver (apt-get install pocl-opencl-icd for the CPU, or the GPU vendor's ICD)");
            Check(status, "clGetPlatformIDs");
            var platforms = new nint[count];
            fixed (nint* p = platforms) Check(api.GetPlatformIDs(count, p, null), "clGetPlatformIDs");
            foreach (nint platform in platforms)
            {
                uint devices = 0;
                status = api.GetDeviceIDs(platform, OpenClApi.DeviceTypeAll, 0, null, &devices);
                if (status == OpenClApi.DeviceNotFound || devices == 0) continue;
                Check(status, "clGetDeviceIDs");
                var ids = new nint[devices];
                fixed (nint* d = ids) Check(api.GetDeviceIDs(platform, OpenClApi.DeviceTypeAll, devices, d, null), "clGetDeviceIDs");
                string platformName = PlatformString(api, platform, OpenClApi.PlatformName);
                foreach (nint device in ids)
                {
                    result.Add(new DeviceEntry(platform, device, platformName, InfoString(api, device, OpenClApi.DeviceName),
                        InfoString(api, device, OpenClApi.DeviceVersion), InfoULong(api, device, OpenClApi.DeviceMaxMemAllocSize),
                        InfoULong(api, device, OpenClApi.DeviceGlobalMemSize), InfoULong(api, device, OpenClApi.DeviceDoubleFpConfig) != 0));
                }
            }
        }
        if (result.Count == 0)
            throw GpuException.Device("the OpenCL platforms have no device: install an OpenCL driver (apt-get install pocl-opencl-icd for the CPU)");
        return result;
    }

    /// <summary>Opens device <paramref name="index"/> of <see cref="Enumerate"/>.</summary>
    public static OpenClDevice Open(OpenClApi api, int index)
    {
        List<DeviceEntry> all = Enumerate(api);
        if (index < 0 || index >= all.Count)
        {
            string list = string.Join("; ", all.Select((d, i) => $"opencl:{i} = {d.PlatformName} / {d.DeviceName}"));
            throw GpuException.Invalid($"OpenCL device {index} does not exist; this machine has {all.Count}: {list}");
        }
        return new OpenClDevice(api, index, all[index]);
    }

    public override DeviceBuffer Allocate(ulong bytes, int elementSize, string what)
    {
        if (bytes > MaxAllocation) throw AllocationFailed(bytes, what, "larger than the device's CL_DEVICE_MAX_MEM_ALLOC_SIZE");
        int error;
        nint buffer = _api.CreateBuffer(_context, OpenClApi.MemReadWrite, (nuint)Math.Max(bytes, 16), null, &error);
        if (error != OpenClApi.Success)
        {
            if (OpenClApi.IsOutOfMemory(error)) throw AllocationFailed(bytes, what, "clCreateBuffer: " + OpenClApi.ErrorName(error));
            throw GpuException.Device($"clCreateBuffer({bytes} bytes for {what}) on {_id} failed: {OpenClApi.ErrorName(error)}");
        }
        return new DeviceBuffer(this, buffer, bytes, elementSize);
    }

    public override void Free(DeviceBuffer buffer) => _api.ReleaseMemObject((nint)buffer.Handle);

    public override DeviceQueue CreateQueue()
    {
        int error;
        nint queue;
        using (SignalGuard.Protect()) queue = _api.CreateCommandQueue(_context, _device, 0, &error);
        if (error != OpenClApi.Success) throw GpuException.Device($"clCreateCommandQueue on {_id} failed: {OpenClApi.ErrorName(error)}");
        return new OpenClQueue(this, queue);
    }

    /// <summary>The built program of a kernel (built, and warmed up, on first use).</summary>
    private nint Program(KernelId id, out int groupSize)
    {
        int k = (int)id;
        lock (_buildLock)
        {
            if (_programs[k] == 0) Build(id);
            groupSize = _groupSizes[k];
            return _programs[k];
        }
    }

    private void Build(KernelId id)
    {
        if (GeneratedKernels.UsesDouble(id) && !SupportsDouble)
            throw GpuException.Unsupported($"{_id} has no double precision (cl_khr_fp64): use complex64 states");
        int k = (int)id;
        string name = GeneratedKernels.Name(id);
        using var guard = SignalGuard.Protect();
        byte[] source = Encoding.UTF8.GetBytes(GeneratedKernels.OpenClSource(id));
        int error;
        nint program;
        fixed (byte* s = source)
        {
            byte* text = s;
            nuint length = (nuint)source.Length;
            program = _api.CreateProgramWithSource(_context, 1, &text, &length, &error);
        }
        if (error != OpenClApi.Success) throw GpuException.Device($"clCreateProgramWithSource({name}) on {_id} failed: {OpenClApi.ErrorName(error)}");
        nint device = _device;
        error = _api.BuildProgram(program, 1, &device, null, null, null);
        if (error != OpenClApi.Success)
        {
            string log = BuildLog(program);
            _api.ReleaseProgram(program);
            throw GpuException.Device($"building kernel {name} on {_id} failed: {OpenClApi.ErrorName(error)}: {log}");
        }
        nint kernel = CreateKernel(program, id);
        try
        {
            nuint maxGroup = 0;
            Check(_api.GetKernelWorkGroupInfo(kernel, _device, OpenClApi.KernelWorkGroupSize, (nuint)sizeof(nuint), &maxGroup, null), "clGetKernelWorkGroupInfo");
            int group = 1;
            while (group * 2 <= PreferredGroupSize && (nuint)(group * 2) <= maxGroup) group *= 2;
            _groupSizes[k] = group;
            _slots[k] = KernelAbi.OpenCl(GeneratedKernels.Params(id));
            WarmUp(kernel, id, group);
        }
        finally
        {
            _api.ReleaseKernel(kernel);
        }
        _programs[k] = program;
    }

    /// <summary>
    /// Runs the kernel once with a thread count of 0 (every work item returns at once) so that drivers that compile
    /// lazily per launch configuration (PoCL) do it now, inside the signal guard, rather than on a driver thread later.
    /// </summary>
    private void WarmUp(nint kernel, KernelId id, int group)
    {
        int error;
        nint queue = _api.CreateCommandQueue(_context, _device, 0, &error);
        Check(error, "clCreateCommandQueue");
        nint scratch = _api.CreateBuffer(_context, OpenClApi.MemReadWrite, 64, null, &error);
        Check(error, "clCreateBuffer");
        try
        {
            KernelParamKind[] kinds = GeneratedKernels.Params(id);
            Span<KernelArg> args = stackalloc KernelArg[kinds.Length];
            for (int i = 0; i < kinds.Length; i++)
            {
                args[i] = kinds[i] switch
                {
                    KernelParamKind.View => default,
                    KernelParamKind.Int32 => KernelArg.Int32(0),
                    KernelParamKind.Float32 => KernelArg.Float32(0),
                    KernelParamKind.Float64 => KernelArg.Float64(0),
                    _ => KernelArg.Int64(0),
                };
            }
            SetArguments(kernel, id, 0, args, scratch);
            nuint global = (nuint)group, local = (nuint)group;
            Check(_api.EnqueueNDRangeKernel(queue, kernel, 1, null, &global, &local, 0, null, null), "clEnqueueNDRangeKernel");
            Check(_api.Finish(queue), "clFinish");
        }
        finally
        {
            _api.ReleaseMemObject(scratch);
            _api.ReleaseCommandQueue(queue);
        }
    }

    private nint CreateKernel(nint program, KernelId id)
    {
        byte[] entry = Encoding.UTF8.GetBytes(GeneratedKernels.OpenClEntry(id) + "\0");
        int error;
        nint kernel;
        fixed (byte* e = entry) kernel = _api.CreateKernel(program, e, &error);
        if (error != OpenClApi.Success) throw GpuException.Device($"clCreateKernel({GeneratedKernels.Name(id)}) on {_id} failed: {OpenClApi.ErrorName(error)}");
        return kernel;
    }

    /// <summary>
    /// Sets a kernel's arguments in the layout of <see cref="KernelAbi.OpenCl"/>: the views' buffers, the thread
    /// count, then every parameter with views as { int index = 0; long length }. A zero view argument (warm-up)
    /// binds <paramref name="scratch"/>.
    /// </summary>
    private void SetArguments(nint kernel, KernelId id, int threads, ReadOnlySpan<KernelArg> args, nint scratch = 0)
    {
        KernelSlot[] slots = _slots[(int)id];
        byte* value = stackalloc byte[KernelAbi.ViewDescriptorSize];
        for (int s = 0; s < slots.Length; s++)
        {
            KernelSlot slot = slots[s];
            new Span<byte>(value, KernelAbi.ViewDescriptorSize).Clear();
            nuint size;
            switch (slot.Kind)
            {
                case SlotKind.Buffer:
                    nint mem = args[slot.Param].Value != 0 ? (nint)args[slot.Param].Value : scratch;
                    *(nint*)value = mem;
                    size = (nuint)sizeof(nint);
                    break;
                case SlotKind.ThreadCount:
                    *(int*)value = threads;
                    size = 4;
                    break;
                case SlotKind.ViewDescriptor:
                    // The element index of the view's start in its buffer (ILGPU's view descriptor holds an int).
                    *(int*)value = checked((int)args[slot.Param].Offset);
                    *(long*)(value + KernelAbi.ViewLengthOffset) = args[slot.Param].Value != 0 ? args[slot.Param].Length : 0;
                    size = KernelAbi.ViewDescriptorSize;
                    break;
                default:
                    args[slot.Param].WriteScalar(value);
                    size = (nuint)slot.Size;
                    break;
            }
            int error = _api.SetKernelArg(kernel, (uint)s, size, value);
            if (error != OpenClApi.Success)
                throw GpuException.Device($"clSetKernelArg({GeneratedKernels.Name(id)}, {s}) on {_id} failed: {OpenClApi.ErrorName(error)}");
        }
    }

    private string BuildLog(nint program)
    {
        nuint size = 0;
        if (_api.GetProgramBuildInfo(program, _device, OpenClApi.ProgramBuildLog, 0, null, &size) != OpenClApi.Success || size == 0) return "(no build log)";
        var log = new byte[size];
        fixed (byte* l = log) _api.GetProgramBuildInfo(program, _device, OpenClApi.ProgramBuildLog, size, l, null);
        string text = Encoding.UTF8.GetString(log).TrimEnd('\0', '\n', ' ');
        return text.Length > 2000 ? text[..2000] + "..." : text;
    }

    private static void Check(int status, string call)
    {
        if (status != OpenClApi.Success) throw GpuException.Device($"{call} failed: {OpenClApi.ErrorName(status)}", OpenClApi.IsOutOfMemory(status));
    }

    private static string PlatformString(OpenClApi api, nint platform, uint param)
    {
        nuint size = 0;
        if (api.GetPlatformInfo(platform, param, 0, null, &size) != OpenClApi.Success || size == 0) return "?";
        var bytes = new byte[size];
        fixed (byte* b = bytes) api.GetPlatformInfo(platform, param, size, b, null);
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static string InfoString(OpenClApi api, nint device, uint param)
    {
        nuint size = 0;
        if (api.GetDeviceInfo(device, param, 0, null, &size) != OpenClApi.Success || size == 0) return "?";
        var bytes = new byte[size];
        fixed (byte* b = bytes) api.GetDeviceInfo(device, param, size, b, null);
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static ulong InfoULong(OpenClApi api, nint device, uint param)
    {
        ulong value = 0;
        api.GetDeviceInfo(device, param, sizeof(ulong), &value, null);
        return value;
    }

    private static uint InfoUInt(OpenClApi api, nint device, uint param)
    {
        uint value = 0;
        api.GetDeviceInfo(device, param, sizeof(uint), &value, null);
        return value;
    }

    /// <summary>A command queue with its own kernel objects (clSetKernelArg is not thread-safe on a shared kernel).</summary>
    private sealed class OpenClQueue(OpenClDevice device, nint queue) : DeviceQueue
    {
        private readonly nint[] _kernels = new nint[GeneratedKernels.Count];
        private nint _queue = queue;

        protected override void LaunchChunk(KernelId id, int threads, ReadOnlySpan<KernelArg> args)
        {
            OpenClApi api = device._api;
            nint program = device.Program(id, out int group);
            ref nint kernel = ref _kernels[(int)id];
            if (kernel == 0) kernel = device.CreateKernel(program, id);
            device.SetArguments(kernel, id, threads, args);
            nuint local = (nuint)group;
            nuint global = ((nuint)threads + local - 1) / local * local;
            int error = api.EnqueueNDRangeKernel(_queue, kernel, 1, null, &global, &local, 0, null, null);
            if (error != OpenClApi.Success)
                throw GpuException.Device($"clEnqueueNDRangeKernel({GeneratedKernels.Name(id)}, {threads} threads) on {device._id} failed: {OpenClApi.ErrorName(error)}", OpenClApi.IsOutOfMemory(error));
        }

        public override void Write(DeviceBuffer destination, ulong byteOffset, void* source, ulong bytes)
        {
            if (bytes == 0) return;
            int error = device._api.EnqueueWriteBuffer(_queue, (nint)destination.Handle, 1, (nuint)byteOffset, (nuint)bytes, source, 0, null, null);
            if (error != OpenClApi.Success)
                throw GpuException.Device($"clEnqueueWriteBuffer({bytes} bytes) on {device._id} failed: {OpenClApi.ErrorName(error)}", OpenClApi.IsOutOfMemory(error));
        }

        public override void WriteAsync(DeviceBuffer destination, ulong byteOffset, HostBuffer source, ulong bytes)
        {
            if (bytes == 0) return;
            int error = device._api.EnqueueWriteBuffer(_queue, (nint)destination.Handle, 0, (nuint)byteOffset, (nuint)bytes, source.Pointer, 0, null, null);
            if (error != OpenClApi.Success)
                throw GpuException.Device($"clEnqueueWriteBuffer({bytes} bytes, non-blocking) on {device._id} failed: {OpenClApi.ErrorName(error)}", OpenClApi.IsOutOfMemory(error));
        }

        public override void Copy(DeviceBuffer source, DeviceBuffer destination, ulong bytes)
        {
            if (bytes == 0) return;
            int error = device._api.EnqueueCopyBuffer(_queue, (nint)source.Handle, (nint)destination.Handle, 0, 0, (nuint)bytes, 0, null, null);
            if (error != OpenClApi.Success)
                throw GpuException.Device($"clEnqueueCopyBuffer({bytes} bytes) on {device._id} failed: {OpenClApi.ErrorName(error)}", OpenClApi.IsOutOfMemory(error));
        }

        public override void Read(DeviceBuffer source, ulong byteOffset, void* destination, ulong bytes)
        {
            if (bytes == 0) return;
            int error = device._api.EnqueueReadBuffer(_queue, (nint)source.Handle, 1, (nuint)byteOffset, (nuint)bytes, destination, 0, null, null);
            if (error != OpenClApi.Success)
                throw GpuException.Device($"clEnqueueReadBuffer({bytes} bytes) on {device._id} failed: {OpenClApi.ErrorName(error)}", OpenClApi.IsOutOfMemory(error));
        }

        public override void Finish()
        {
            int error = device._api.Finish(_queue);
            SignalGuard.Repair();
            if (error != OpenClApi.Success)
                throw GpuException.Device($"clFinish on {device._id} failed: {OpenClApi.ErrorName(error)}", OpenClApi.IsOutOfMemory(error));
        }

        public override void Dispose()
        {
            if (_queue == 0) return;
            device._api.Finish(_queue);
            foreach (nint kernel in _kernels)
            {
                if (kernel != 0) device._api.ReleaseKernel(kernel);
            }
            device._api.ReleaseCommandQueue(_queue);
            _queue = 0;
        }
    }
}
