using System.Globalization;

namespace QiboAccel.Gpu;

/// <summary>
/// backend_create options: comma-separated, a device ("", "cuda", "cuda:N", "opencl", "opencl:N") and settings
/// "fusion=on|off" (gate fusion, default on), "fusion_qubits=N" (the most targets a fused matrix gets, 2-5,
/// default 5) and "fusion_model=gpu|cpu" (the prices fusion weighs dense products with; default: by the device's
/// type) and "fp64=on|off" (off: treat the device as one without fp64 — complex64 only, reductions in compensated
/// float — so that path, which such devices take, can be tested on any device; default on). Example:
/// "opencl:0,fusion=off".
/// </summary>
internal sealed record GpuOptions(string Device, bool Fusion, int FusionQubits, string FusionModel, bool Fp64 = true)
{
    /// <summary>Parses <paramref name="text"/>; unknown or malformed settings are QIBO_ERROR_INVALID_ARGUMENT naming them.</summary>
    public static GpuOptions Parse(string text)
    {
        string device = "";
        bool fusion = true;
        int fusionQubits = GpuBackend.MaxMatrixTargets;
        string model = "";
        bool fp64 = true;
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0) continue;
            int eq = raw.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                if (device.Length > 0) throw Bad(text, $"two devices ('{device}', '{raw}')");
                device = raw;
                continue;
            }
            string key = raw[..eq].Trim().ToLowerInvariant(), value = raw[(eq + 1)..].Trim().ToLowerInvariant();
            switch (key)
            {
                case "fusion":
                    fusion = Switch(text, key, value);
                    break;
                case "fp64":
                    fp64 = Switch(text, key, value);
                    break;
                case "fusion_qubits":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out fusionQubits) || fusionQubits is < 2 or > GpuBackend.MaxMatrixTargets)
                        throw Bad(text, $"fusion_qubits={value} (use 2 to {GpuBackend.MaxMatrixTargets})");
                    break;
                case "fusion_model":
                    if (value is not ("gpu" or "cpu")) throw Bad(text, $"fusion_model={value} (use gpu or cpu)");
                    model = value;
                    break;
                default:
                    throw Bad(text, $"unknown setting '{key}'");
            }
        }
        return new GpuOptions(device, fusion, fusionQubits, model, fp64);
    }

    private static bool Switch(string text, string key, string value) => value switch
    {
        "on" or "true" or "1" => true,
        "off" or "false" or "0" => false,
        _ => throw Bad(text, $"{key}={value} (use on or off)"),
    };

    private static GpuException Bad(string text, string what) => GpuException.Invalid(
        $"gpu backend options '{text}': {what}; options are a device ('' = CUDA if a driver is present, else OpenCL; 'cuda:N'; 'opencl:N') " +
        "and fusion=on|off, fusion_qubits=2..5, fusion_model=gpu|cpu, fp64=on|off, comma-separated");
}
