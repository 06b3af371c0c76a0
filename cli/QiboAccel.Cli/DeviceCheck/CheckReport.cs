using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace QiboAccel.Cli.DeviceCheck;

/// <summary>One check's outcome: pass, fail or skip, with a line of detail and numbers for the JSON.</summary>
internal sealed class CheckResult(string section, string name)
{
    public string Section { get; } = section;

    public string Name { get; } = name;

    public string Status { get; set; } = "pass";

    public string Detail { get; set; } = "";

    public double Seconds { get; set; }

    public List<(string Key, double Value)> Metrics { get; } = [];

    public void Fail(string detail)
    {
        Status = "fail";
        Detail = Detail.Length == 0 ? detail : Detail + "; " + detail;
    }
}

/// <summary>Collects the results, prints a line per check and writes the JSON summary (Utf8JsonWriter: no reflection, NativeAOT-safe).</summary>
internal sealed class CheckReport(DeviceCheckOptions options)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public List<CheckResult> Results { get; } = [];

    public List<(string Key, string Value)> Device { get; } = [];

    public int Failed => Results.Count(r => r.Status == "fail");

    /// <summary>Runs <paramref name="body"/> as one check; an exception fails it with its message.</summary>
    public CheckResult Run(string section, string name, Action<CheckResult> body)
    {
        var result = new CheckResult(section, name);
        var sw = Stopwatch.StartNew();
        try
        {
            body(result);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            result.Fail($"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" "));
        }
        result.Seconds = sw.Elapsed.TotalSeconds;
        Results.Add(result);
        string label = result.Status switch { "pass" => "PASS", "skip" => "skip", _ => "FAIL" };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label}  {section,-12} {name,-40} {result.Seconds,7:0.00} s{(result.Detail.Length == 0 ? "" : "  " + result.Detail)}"));
        return result;
    }

    public void WriteJson(string path)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("tool", "qiboaccel device-check");
        w.WriteString("backend", options.Backend);
        w.WriteString("reference", options.Reference);
        w.WriteStartObject("device");
        foreach (var (k, v) in Device) w.WriteString(k, v);
        w.WriteEndObject();
        w.WriteStartObject("sizes");
        w.WriteNumber("qubits", options.Qubits);
        w.WriteStartArray("large_qubits");
        foreach (int n in options.LargeQubits) w.WriteNumberValue(n);
        w.WriteEndArray();
        w.WriteStartArray("bandwidth_qubits");
        foreach (int n in options.BandwidthQubits) w.WriteNumberValue(n);
        w.WriteEndArray();
        w.WriteNumber("threads", options.Threads);
        w.WriteEndObject();
        w.WriteNumber("passed", Results.Count(r => r.Status == "pass"));
        w.WriteNumber("failed", Failed);
        w.WriteNumber("skipped", Results.Count(r => r.Status == "skip"));
        w.WriteNumber("seconds", Math.Round(_clock.Elapsed.TotalSeconds, 3));
        w.WriteStartArray("checks");
        foreach (CheckResult r in Results)
        {
            w.WriteStartObject();
            w.WriteString("section", r.Section);
            w.WriteString("name", r.Name);
            w.WriteString("status", r.Status);
            w.WriteNumber("seconds", Math.Round(r.Seconds, 4));
            if (r.Detail.Length > 0) w.WriteString("detail", r.Detail);
            if (r.Metrics.Count > 0)
            {
                w.WriteStartObject("metrics");
                foreach (var (k, v) in r.Metrics)
                {
                    if (double.IsFinite(v)) w.WriteNumber(k, v);
                    else w.WriteNull(k);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
