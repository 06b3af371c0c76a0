using System.Globalization;
using QiboAccel.Gpu.Native;

namespace QiboAccel.Gpu.Devices;

/// <summary>
/// Turns backend options into a device. Options: "" (CUDA device 0 if an NVIDIA driver sees a GPU, else OpenCL
/// device 0), "cuda", "cuda:N", "opencl", "opencl:N" (OpenCL devices numbered across platforms in enumeration
/// order). Devices are opened once per process and shared by every backend instance on them.
/// </summary>
internal static class DeviceRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Device> Open = new(StringComparer.Ordinal);

    /// <summary>The device <paramref name="options"/> names.</summary>
    public static Device Get(string options)
    {
        string text = options.Trim();
        lock (Gate)
        {
            if (text.Length == 0) return Auto();
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            string api = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
            string number = colon < 0 ? "0" : text[(colon + 1)..].Trim();
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int index) || (api != "cuda" && api != "opencl"))
            {
                throw GpuException.Invalid($"unknown gpu backend options '{options}': use '' (CUDA if a driver is present, else OpenCL), " +
                    "'cuda:N' or 'opencl:N'");
            }
            return api == "cuda" ? OpenCuda(index) : OpenOpenCl(index);
        }
    }

    private static Device Auto()
    {
        CudaApi? cuda = CudaApi.TryGet(out string cudaError);
        if (cuda != null)
        {
            try
            {
                if (CudaDevice.Count(cuda) > 0) return OpenCuda(0);
                cudaError = "the NVIDIA driver sees no GPU";
            }
            catch (GpuException e)
            {
                cudaError = e.Message; // e.g. cuDeviceGetCount failing: said, not read as "no GPU"
            }
        }
        try
        {
            return OpenOpenCl(0);
        }
        catch (GpuException e) when (e.Code == Abi.QiboErrorCode.Device)
        {
            throw GpuException.Device($"no device for the gpu backend: CUDA: {cudaError}; OpenCL: {e.Message}");
        }
    }

    private static Device OpenCuda(int index)
    {
        string key = $"cuda:{index}";
        if (Open.TryGetValue(key, out Device? device)) return device;
        CudaApi cuda = CudaApi.TryGet(out string error) ?? throw GpuException.Device($"CUDA is not available: {error}");
        device = CudaDevice.Open(cuda, index);
        Open[key] = device;
        return device;
    }

    private static Device OpenOpenCl(int index)
    {
        string key = $"opencl:{index}";
        if (Open.TryGetValue(key, out Device? device)) return device;
        OpenClApi api = OpenClApi.TryGet(out string error) ?? throw GpuException.Device($"OpenCL is not available: {error}");
        device = OpenClDevice.Open(api, index);
        Open[key] = device;
        return device;
    }
}
