using System.Runtime.InteropServices;

namespace QiboAccel.Gpu.Native;

/// <summary>
/// The CUDA driver API entry points libqibo_gpu.so uses, resolved from libcuda.so.1 (installed with the NVIDIA
/// driver) at run time: no CUDA toolkit is needed, and the library loads on machines without a driver.
/// </summary>
internal sealed unsafe class CudaApi
{
    public const int Success = 0;
    public const int ErrorOutOfMemory = 2;
    public const int ErrorNoDevice = 100;
    public const int ErrorUnsupportedPtxVersion = 222;
    public const int ErrorInvalidPtx = 218;
    public const int ErrorNoBinaryForGpu = 209;

    public const int JitInfoLogBuffer = 3;
    public const int JitInfoLogBufferSizeBytes = 4;
    public const int JitErrorLogBuffer = 5;
    public const int JitErrorLogBufferSizeBytes = 6;
    public const int JitLogVerbose = 12;

    public const int AttributeMultiprocessorCount = 16;
    public const int AttributeMaxThreadsPerMultiprocessor = 39;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;
    public const int FuncAttributeMaxThreadsPerBlock = 0;
    public const uint StreamNonBlocking = 1;

    private static readonly Lock LoadLock = new();
    private static CudaApi? s_api;
    private static string? s_loadError;

    public delegate* unmanaged<uint, int> Init;
    public delegate* unmanaged<int*, int> DriverGetVersion;
    public delegate* unmanaged<int*, int> DeviceGetCount;
    public delegate* unmanaged<int*, int, int> DeviceGet;
    public delegate* unmanaged<byte*, int, int, int> DeviceGetName;
    public delegate* unmanaged<nuint*, int, int> DeviceTotalMem;
    public delegate* unmanaged<int*, int, int, int> DeviceGetAttribute;
    public delegate* unmanaged<nint*, int, int> DevicePrimaryCtxRetain;
    public delegate* unmanaged<nint, int> CtxPushCurrent;
    public delegate* unmanaged<nint*, int> CtxPopCurrent;
    public delegate* unmanaged<nint*, void*, uint, int*, void**, int> ModuleLoadDataEx;
    public delegate* unmanaged<nuint*, nuint*, int> MemGetInfo;
    public delegate* unmanaged<void**, nuint, int> MemAllocHost;
    public delegate* unmanaged<void*, int> MemFreeHost;
    public delegate* unmanaged<nint*, nint, byte*, int> ModuleGetFunction;
    public delegate* unmanaged<int*, int, nint, int> FuncGetAttribute;
    public delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int> LaunchKernel;
    public delegate* unmanaged<nint*, uint, int> StreamCreate;
    public delegate* unmanaged<nint, int> StreamSynchronize;
    public delegate* unmanaged<nint, int> StreamDestroy;
    public delegate* unmanaged<ulong*, nuint, int> MemAlloc;
    public delegate* unmanaged<ulong, int> MemFree;
    public delegate* unmanaged<ulong, void*, nuint, nint, int> MemcpyHtoDAsync;
    public delegate* unmanaged<void*, ulong, nuint, nint, int> MemcpyDtoHAsync;
    public delegate* unmanaged<ulong, ulong, nuint, nint, int> MemcpyDtoDAsync;
    public delegate* unmanaged<int, byte**, int> GetErrorName;

    /// <summary>The API, or null with <paramref name="error"/> saying why (no driver, missing symbol, cuInit failed).</summary>
    public static CudaApi? TryGet(out string error)
    {
        lock (LoadLock)
        {
            if (s_api == null && s_loadError == null)
            {
                if (!NativeLibrary.TryLoad("libcuda.so.1", out nint library))
                {
                    s_loadError = "libcuda.so.1 (the NVIDIA driver's CUDA library) is not installed";
                }
                else
                {
                    try
                    {
                        CudaApi api = Load(library);
                        int status = api.Init(0);
                        if (status == Success) s_api = api;
                        else s_loadError = $"cuInit failed: {api.ErrorName(status)}";
                    }
                    catch (EntryPointNotFoundException e)
                    {
                        s_loadError = $"libcuda.so.1 lacks a driver API function: {e.Message}";
                    }
                }
            }
            error = s_loadError ?? "";
            return s_api;
        }
    }

    private static CudaApi Load(nint lib)
    {
        var api = new CudaApi();
        api.Init = (delegate* unmanaged<uint, int>)NativeLibrary.GetExport(lib, "cuInit");
        api.DriverGetVersion = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(lib, "cuDriverGetVersion");
        api.DeviceGetCount = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(lib, "cuDeviceGetCount");
        api.DeviceGet = (delegate* unmanaged<int*, int, int>)NativeLibrary.GetExport(lib, "cuDeviceGet");
        api.DeviceGetName = (delegate* unmanaged<byte*, int, int, int>)NativeLibrary.GetExport(lib, "cuDeviceGetName");
        api.DeviceTotalMem = (delegate* unmanaged<nuint*, int, int>)NativeLibrary.GetExport(lib, "cuDeviceTotalMem_v2");
        api.DeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)NativeLibrary.GetExport(lib, "cuDeviceGetAttribute");
        api.DevicePrimaryCtxRetain = (delegate* unmanaged<nint*, int, int>)NativeLibrary.GetExport(lib, "cuDevicePrimaryCtxRetain");
        api.CtxPushCurrent = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "cuCtxPushCurrent_v2");
        api.CtxPopCurrent = (delegate* unmanaged<nint*, int>)NativeLibrary.GetExport(lib, "cuCtxPopCurrent_v2");
        api.ModuleLoadDataEx = (delegate* unmanaged<nint*, void*, uint, int*, void**, int>)NativeLibrary.GetExport(lib, "cuModuleLoadDataEx");
        api.MemGetInfo = (delegate* unmanaged<nuint*, nuint*, int>)NativeLibrary.GetExport(lib, "cuMemGetInfo_v2");
        api.MemAllocHost = (delegate* unmanaged<void**, nuint, int>)NativeLibrary.GetExport(lib, "cuMemAllocHost_v2");
        api.MemFreeHost = (delegate* unmanaged<void*, int>)NativeLibrary.GetExport(lib, "cuMemFreeHost");
        api.ModuleGetFunction = (delegate* unmanaged<nint*, nint, byte*, int>)NativeLibrary.GetExport(lib, "cuModuleGetFunction");
        api.FuncGetAttribute = (delegate* unmanaged<int*, int, nint, int>)NativeLibrary.GetExport(lib, "cuFuncGetAttribute");
        api.LaunchKernel = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int>)NativeLibrary.GetExport(lib, "cuLaunchKernel");
        api.StreamCreate = (delegate* unmanaged<nint*, uint, int>)NativeLibrary.GetExport(lib, "cuStreamCreate");
        api.StreamSynchronize = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "cuStreamSynchronize");
        api.StreamDestroy = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "cuStreamDestroy_v2");
        api.MemAlloc = (delegate* unmanaged<ulong*, nuint, int>)NativeLibrary.GetExport(lib, "cuMemAlloc_v2");
        api.MemFree = (delegate* unmanaged<ulong, int>)NativeLibrary.GetExport(lib, "cuMemFree_v2");
        api.MemcpyHtoDAsync = (delegate* unmanaged<ulong, void*, nuint, nint, int>)NativeLibrary.GetExport(lib, "cuMemcpyHtoDAsync_v2");
        api.MemcpyDtoHAsync = (delegate* unmanaged<void*, ulong, nuint, nint, int>)NativeLibrary.GetExport(lib, "cuMemcpyDtoHAsync_v2");
        api.MemcpyDtoDAsync = (delegate* unmanaged<ulong, ulong, nuint, nint, int>)NativeLibrary.GetExport(lib, "cuMemcpyDtoDAsync_v2");
        api.GetErrorName = (delegate* unmanaged<int, byte**, int>)NativeLibrary.GetExport(lib, "cuGetErrorName");
        return api;
    }

    /// <summary>
    /// True for the errors after which the context is unusable for the rest of the process (the CUDA programming
    /// guide's "sticky" errors: a fault inside a kernel, an unrecoverable hardware error); every later call in that
    /// context fails with the same code.
    /// </summary>
    public static bool IsSticky(int code) => code is 214 // CUDA_ERROR_ECC_UNCORRECTABLE
        or 700 // CUDA_ERROR_ILLEGAL_ADDRESS
        or 702 // CUDA_ERROR_LAUNCH_TIMEOUT
        or 710 // CUDA_ERROR_ASSERT
        or 714 // CUDA_ERROR_HARDWARE_STACK_ERROR
        or 715 // CUDA_ERROR_ILLEGAL_INSTRUCTION
        or 716 // CUDA_ERROR_MISALIGNED_ADDRESS
        or 717 // CUDA_ERROR_INVALID_ADDRESS_SPACE
        or 718 // CUDA_ERROR_INVALID_PC
        or 719 // CUDA_ERROR_LAUNCH_FAILED
        or 4 // CUDA_ERROR_DEINITIALIZED (the driver is shutting down)
        or 999; // CUDA_ERROR_UNKNOWN

    /// <summary>"CUDA_ERROR_OUT_OF_MEMORY (2)" etc.</summary>
    public string ErrorName(int code)
    {
        byte* name = null;
        if (GetErrorName != null && GetErrorName(code, &name) == Success && name != null)
            return $"{Marshal.PtrToStringUTF8((nint)name)} ({code})";
        return $"CUDA error {code}";
    }
}
