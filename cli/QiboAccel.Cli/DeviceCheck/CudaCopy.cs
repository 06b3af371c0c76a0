using System.Diagnostics;
using System.Runtime.InteropServices;

namespace QiboAccel.Cli.DeviceCheck;

/// <summary>
/// The yardstick for the gates' bandwidth: a device-to-device copy of one state's bytes with the CUDA driver API
/// (libcuda.so.1; P/Invoke of plain ints and pointers, no toolkit, NativeAOT-safe), on the device's primary context.
/// </summary>
internal static class CudaCopy
{
    private const string Lib = "libcuda.so.1";

    /// <summary>GB/s (bytes read + written per second) of cuMemcpyDtoD over <paramref name="bytes"/>; null with a reason when CUDA is not there.</summary>
    public static double? Measure(int ordinal, long bytes, out string reason)
    {
        reason = "";
        try
        {
            int status;
            if ((status = cuInit(0)) != 0 || (status = cuDeviceGet(out int device, ordinal)) != 0 || (status = cuDevicePrimaryCtxRetain(out nint context, device)) != 0)
            {
                reason = $"CUDA error {status} opening device {ordinal}";
                return null;
            }
            ulong a = 0, b = 0;
            cuCtxPushCurrent_v2(context);
            try
            {
                if ((status = cuMemAlloc_v2(out a, (nuint)bytes)) != 0 || (status = cuMemAlloc_v2(out b, (nuint)bytes)) != 0)
                {
                    reason = $"CUDA error {status} allocating 2 x {bytes} bytes";
                    return null;
                }
                cuMemcpyDtoD_v2(b, a, (nuint)bytes);
                cuCtxSynchronize();
                const int repeats = 10;
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < repeats; i++) cuMemcpyDtoD_v2(i % 2 == 0 ? b : a, i % 2 == 0 ? a : b, (nuint)bytes);
                if ((status = cuCtxSynchronize()) != 0)
                {
                    reason = $"CUDA error {status} in cuMemcpyDtoD";
                    return null;
                }
                return 2.0 * bytes * repeats / sw.Elapsed.TotalSeconds / 1e9;
            }
            finally
            {
                if (a != 0) cuMemFree_v2(a);
                if (b != 0) cuMemFree_v2(b);
                cuCtxPopCurrent_v2(out _);
                cuDevicePrimaryCtxRelease_v2(device);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            reason = $"{Lib} is not usable: {e.Message}";
            return null;
        }
    }

    [DllImport(Lib)] private static extern int cuInit(uint flags);
    [DllImport(Lib)] private static extern int cuDeviceGet(out int device, int ordinal);
    [DllImport(Lib)] private static extern int cuDevicePrimaryCtxRetain(out nint context, int device);
    [DllImport(Lib)] private static extern int cuDevicePrimaryCtxRelease_v2(int device);
    [DllImport(Lib)] private static extern int cuCtxPushCurrent_v2(nint context);
    [DllImport(Lib)] private static extern int cuCtxPopCurrent_v2(out nint context);
    [DllImport(Lib)] private static extern int cuMemAlloc_v2(out ulong pointer, nuint bytes);
    [DllImport(Lib)] private static extern int cuMemFree_v2(ulong pointer);
    [DllImport(Lib)] private static extern int cuMemcpyDtoD_v2(ulong destination, ulong source, nuint bytes);
    [DllImport(Lib)] private static extern int cuCtxSynchronize();
}
