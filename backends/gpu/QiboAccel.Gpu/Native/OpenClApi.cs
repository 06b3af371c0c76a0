using System.Runtime.InteropServices;

namespace QiboAccel.Gpu.Native;

/// <summary>
/// The OpenCL 1.2 entry points libqibo_gpu.so uses, resolved from libOpenCL.so.1 (the ICD loader) at run time, so
/// the library loads on machines without OpenCL and reports a clear error instead.
/// </summary>
internal sealed unsafe class OpenClApi
{
    public const int Success = 0;
    public const int DeviceNotFound = -1;
    public const int PlatformNotFoundKhr = -1001;

    public const uint PlatformVersion = 0x0901;
    public const uint PlatformName = 0x0902;
    public const uint PlatformVendor = 0x0903;

    public const ulong DeviceTypeAll = 0xFFFFFFFF;
    public const uint DeviceType = 0x1000;
    public const uint DeviceMaxComputeUnits = 0x1002;
    public const uint DeviceMaxWorkGroupSize = 0x1004;
    public const uint DeviceAddressBits = 0x100D;
    public const uint DeviceMaxMemAllocSize = 0x1010;
    public const uint DeviceGlobalMemSize = 0x101F;
    public const uint DeviceName = 0x102B;
    public const uint DeviceVendor = 0x102C;
    public const uint DeviceVersion = 0x102F;
    public const uint DeviceDoubleFpConfig = 0x1032;

    public const uint ProgramBuildLog = 0x1183;
    public const uint KernelWorkGroupSize = 0x11B0;
    public const ulong MemReadWrite = 1;

    private static readonly Lock LoadLock = new();
    private static OpenClApi? s_api;
    private static string? s_loadError;

    public delegate* unmanaged<uint, nint*, uint*, int> GetPlatformIDs;
    public delegate* unmanaged<nint, uint, nuint, void*, nuint*, int> GetPlatformInfo;
    public delegate* unmanaged<nint, ulong, uint, nint*, uint*, int> GetDeviceIDs;
    public delegate* unmanaged<nint, uint, nuint, void*, nuint*, int> GetDeviceInfo;
    public delegate* unmanaged<nint*, uint, nint*, void*, void*, int*, nint> CreateContext;
    public delegate* unmanaged<nint, nint, ulong, int*, nint> CreateCommandQueue;
    public delegate* unmanaged<nint, ulong, nuint, void*, int*, nint> CreateBuffer;
    public delegate* unmanaged<nint, int> ReleaseMemObject;
    public delegate* unmanaged<nint, uint, byte**, nuint*, int*, nint> CreateProgramWithSource;
    public delegate* unmanaged<nint, uint, nint*, byte*, void*, void*, int> BuildProgram;
    public delegate* unmanaged<nint, nint, uint, nuint, void*, nuint*, int> GetProgramBuildInfo;
    public delegate* unmanaged<nint, int> ReleaseProgram;
    public delegate* unmanaged<nint, byte*, int*, nint> CreateKernel;
    public delegate* unmanaged<nint, uint, nuint, void*, int> SetKernelArg;
    public delegate* unmanaged<nint, nint, uint, nuint, void*, nuint*, int> GetKernelWorkGroupInfo;
    public delegate* unmanaged<nint, int> ReleaseKernel;
    public delegate* unmanaged<nint, nint, uint, nuint*, nuint*, nuint*, uint, nint*, nint*, int> EnqueueNDRangeKernel;
    public delegate* unmanaged<nint, nint, uint, nuint, nuint, void*, uint, nint*, nint*, int> EnqueueReadBuffer;
    public delegate* unmanaged<nint, nint, uint, nuint, nuint, void*, uint, nint*, nint*, int> EnqueueWriteBuffer;
    public delegate* unmanaged<nint, nint, nint, nuint, nuint, nuint, uint, nint*, nint*, int> EnqueueCopyBuffer;
    public delegate* unmanaged<nint, int> Finish;
    public delegate* unmanaged<nint, int> ReleaseCommandQueue;

    /// <summary>The API, or null with <paramref name="error"/> saying why (no loader, missing symbol).</summary>
    public static OpenClApi? TryGet(out string error)
    {
        lock (LoadLock)
        {
            if (s_api == null && s_loadError == null)
            {
                if (!NativeLibrary.TryLoad("libOpenCL.so.1", out nint library) && !NativeLibrary.TryLoad("libOpenCL.so", out library))
                {
                    s_loadError = "libOpenCL.so.1 (the OpenCL ICD loader) is not installed: apt-get install ocl-icd-libopencl1 " +
                        "and a driver, e.g. pocl-opencl-icd for the CPU";
                }
                else
                {
                    try
                    {
                        s_api = Load(library);
                    }
                    catch (EntryPointNotFoundException e)
                    {
                        s_loadError = $"libOpenCL.so.1 lacks an OpenCL 1.2 function: {e.Message}";
                    }
                }
            }
            error = s_loadError ?? "";
            return s_api;
        }
    }

    private static OpenClApi Load(nint lib)
    {
        var api = new OpenClApi();
        api.GetPlatformIDs = (delegate* unmanaged<uint, nint*, uint*, int>)NativeLibrary.GetExport(lib, "clGetPlatformIDs");
        api.GetPlatformInfo = (delegate* unmanaged<nint, uint, nuint, void*, nuint*, int>)NativeLibrary.GetExport(lib, "clGetPlatformInfo");
        api.GetDeviceIDs = (delegate* unmanaged<nint, ulong, uint, nint*, uint*, int>)NativeLibrary.GetExport(lib, "clGetDeviceIDs");
        api.GetDeviceInfo = (delegate* unmanaged<nint, uint, nuint, void*, nuint*, int>)NativeLibrary.GetExport(lib, "clGetDeviceInfo");
        api.CreateContext = (delegate* unmanaged<nint*, uint, nint*, void*, void*, int*, nint>)NativeLibrary.GetExport(lib, "clCreateContext");
        api.CreateCommandQueue = (delegate* unmanaged<nint, nint, ulong, int*, nint>)NativeLibrary.GetExport(lib, "clCreateCommandQueue");
        api.CreateBuffer = (delegate* unmanaged<nint, ulong, nuint, void*, int*, nint>)NativeLibrary.GetExport(lib, "clCreateBuffer");
        api.ReleaseMemObject = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "clReleaseMemObject");
        api.CreateProgramWithSource = (delegate* unmanaged<nint, uint, byte**, nuint*, int*, nint>)NativeLibrary.GetExport(lib, "clCreateProgramWithSource");
        api.BuildProgram = (delegate* unmanaged<nint, uint, nint*, byte*, void*, void*, int>)NativeLibrary.GetExport(lib, "clBuildProgram");
        api.GetProgramBuildInfo = (delegate* unmanaged<nint, nint, uint, nuint, void*, nuint*, int>)NativeLibrary.GetExport(lib, "clGetProgramBuildInfo");
        api.ReleaseProgram = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "clReleaseProgram");
        api.CreateKernel = (delegate* unmanaged<nint, byte*, int*, nint>)NativeLibrary.GetExport(lib, "clCreateKernel");
        api.SetKernelArg = (delegate* unmanaged<nint, uint, nuint, void*, int>)NativeLibrary.GetExport(lib, "clSetKernelArg");
        api.GetKernelWorkGroupInfo = (delegate* unmanaged<nint, nint, uint, nuint, void*, nuint*, int>)NativeLibrary.GetExport(lib, "clGetKernelWorkGroupInfo");
        api.ReleaseKernel = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "clReleaseKernel");
        api.EnqueueNDRangeKernel = (delegate* unmanaged<nint, nint, uint, nuint*, nuint*, nuint*, uint, nint*, nint*, int>)NativeLibrary.GetExport(lib, "clEnqueueNDRangeKernel");
        api.EnqueueReadBuffer = (delegate* unmanaged<nint, nint, uint, nuint, nuint, void*, uint, nint*, nint*, int>)NativeLibrary.GetExport(lib, "clEnqueueReadBuffer");
        api.EnqueueWriteBuffer = (delegate* unmanaged<nint, nint, uint, nuint, nuint, void*, uint, nint*, nint*, int>)NativeLibrary.GetExport(lib, "clEnqueueWriteBuffer");
        api.EnqueueCopyBuffer = (delegate* unmanaged<nint, nint, nint, nuint, nuint, nuint, uint, nint*, nint*, int>)NativeLibrary.GetExport(lib, "clEnqueueCopyBuffer");
        api.Finish = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "clFinish");
        api.ReleaseCommandQueue = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "clReleaseCommandQueue");
        return api;
    }

    /// <summary>The symbolic name of an OpenCL error code.</summary>
    public static string ErrorName(int code) => code switch
    {
        0 => "CL_SUCCESS",
        -1 => "CL_DEVICE_NOT_FOUND",
        -2 => "CL_DEVICE_NOT_AVAILABLE",
        -3 => "CL_COMPILER_NOT_AVAILABLE",
        -4 => "CL_MEM_OBJECT_ALLOCATION_FAILURE",
        -5 => "CL_OUT_OF_RESOURCES",
        -6 => "CL_OUT_OF_HOST_MEMORY",
        -11 => "CL_BUILD_PROGRAM_FAILURE",
        -30 => "CL_INVALID_VALUE",
        -33 => "CL_INVALID_DEVICE",
        -34 => "CL_INVALID_CONTEXT",
        -36 => "CL_INVALID_COMMAND_QUEUE",
        -38 => "CL_INVALID_MEM_OBJECT",
        -44 => "CL_INVALID_PROGRAM",
        -46 => "CL_INVALID_KERNEL_NAME",
        -48 => "CL_INVALID_KERNEL",
        -49 => "CL_INVALID_ARG_INDEX",
        -50 => "CL_INVALID_ARG_VALUE",
        -51 => "CL_INVALID_ARG_SIZE",
        -52 => "CL_INVALID_KERNEL_ARGS",
        -54 => "CL_INVALID_WORK_GROUP_SIZE",
        -55 => "CL_INVALID_WORK_ITEM_SIZE",
        -61 => "CL_INVALID_BUFFER_SIZE",
        -63 => "CL_INVALID_GLOBAL_WORK_SIZE",
        -1001 => "CL_PLATFORM_NOT_FOUND_KHR",
        _ => $"OpenCL error {code}",
    };

    /// <summary>True for the codes that mean "not enough memory".</summary>
    public static bool IsOutOfMemory(int code) => code is -4 or -5 or -6 or -61;
}
