using System.Globalization;
using System.Text;
using System.Text.Json;

namespace QiboAccel.Cli.Bench;

/// <summary>Writes <c>qiboaccel bench</c> results as a table, JSON, CSV and an SVG chart.</summary>
internal static class BenchReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    public static void WriteTable(TextWriter o, IReadOnlyList<BenchRow> rows, Precision precision, int threads, double streamBytesPerSecond)
    {
        o.WriteLine(string.Create(Inv, $"precision {precision.Name()}; this machine's read-modify-write bandwidth ({threads} threads, measured now): {streamBytesPerSecond / 1e9:0.0} GB/s"));
        o.WriteLine("GB/s: bytes the gates must stream (2 x the amplitudes each gate can change) / time; of pass: that / the bandwidth above;");
        o.WriteLine("pass-times: time / one read-modify-write pass over the state; fidelity: |<first backend|this backend>|^2");
        o.WriteLine();
        o.WriteLine($"{"circuit",-14} {"n",3} {"ops",6}  {"backend",-22} {"median",10} {"ratio",7} {"GB/s",7} {"of pass",8} {"pass-times",10} {"fidelity",12}");
        foreach (var r in rows)
        {
            if (r.Error is not null)
            {
                o.WriteLine($"{r.Circuit,-14} {r.Qubits,3} {"",6}  {r.Backend,-22} error: {r.Error}");
                continue;
            }
            string fidelity = r.Fidelity is { } f ? f.ToString("0.000000000", Inv) : "(reference)";
            o.WriteLine(string.Create(Inv,
                $"{r.Circuit,-14} {r.Qubits,3} {r.Gates,6}  {r.Backend,-22} {Time(r.MedianSeconds),10} {r.RatioToFirst,7:0.00} {r.BandwidthGBs,7:0.0} {r.FractionOfStream,8:0%} {r.PassTimes,10:0.0} {fidelity,12}"));
        }
    }

    public static void WriteJson(string path, IReadOnlyList<BenchRow> rows, Precision precision, double streamBytesPerSecond)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("precision", precision.Name());
        w.WriteNumber("threads", Environment.ProcessorCount);
        w.WriteNumber("read_modify_write_bytes_per_second", streamBytesPerSecond);
        w.WriteStartArray("results");
        foreach (var r in rows)
        {
            w.WriteStartObject();
            w.WriteString("circuit", r.Circuit);
            w.WriteNumber("qubits", r.Qubits);
            w.WriteNumber("operations", r.Gates);
            w.WriteString("backend", r.Backend);
            if (r.Error is not null)
            {
                w.WriteString("error", r.Error);
            }
            else
            {
                w.WriteNumber("median_seconds", r.MedianSeconds);
                w.WriteNumber("ratio_to_first", r.RatioToFirst);
                w.WriteNumber("streamed_bytes", r.GatesBytes);
                w.WriteNumber("bandwidth_gb_per_s", r.BandwidthGBs);
                w.WriteNumber("fraction_of_pass_bandwidth", r.FractionOfStream);
                w.WriteNumber("pass_times", r.PassTimes);
                if (r.Fidelity is { } f) w.WriteNumber("fidelity_to_first", f);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteCsv(string path, IReadOnlyList<BenchRow> rows)
    {
        var sb = new StringBuilder("circuit,qubits,operations,backend,median_seconds,ratio_to_first,bandwidth_gb_per_s,fraction_of_pass_bandwidth,pass_times,fidelity_to_first,error\n");
        foreach (var r in rows)
        {
            sb.Append(Inv, $"{r.Circuit},{r.Qubits},{r.Gates},{Csv(r.Backend)},{r.MedianSeconds:R},{r.RatioToFirst:R},{r.BandwidthGBs:R},{r.FractionOfStream:R},{r.PassTimes:R},{r.Fidelity?.ToString("R", Inv)},{Csv(r.Error ?? "")}\n");
        }
        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>One panel per circuit: median time (log scale) against qubits, one line per backend.</summary>
    public static void WriteSvg(string path, IReadOnlyList<BenchRow> rows, Precision precision)
    {
        var ok = rows.Where(r => r.Error is null && r.MedianSeconds > 0).ToList();
        var circuits = ok.Select(r => r.Circuit).Distinct().ToList();
        var backends = rows.Select(r => r.Backend).Distinct().ToList();
        const int width = 860, panelHeight = 240, left = 70, right = 190, top = 40, gap = 50;
        int height = top + circuits.Count * (panelHeight + gap) + 10;
        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(Inv, $"<text x=\"{left}\" y=\"20\" font-size=\"15\">qiboaccel bench: median time per circuit ({precision.Name()} precision, {Environment.ProcessorCount} threads)</text>\n");
        for (int c = 0; c < circuits.Count; c++)
        {
            var data = ok.Where(r => r.Circuit == circuits[c]).ToList();
            int y0 = top + c * (panelHeight + gap);
            int plotW = width - left - right, plotH = panelHeight - 30;
            double xmin = data.Min(r => r.Qubits), xmax = Math.Max(data.Max(r => r.Qubits), xmin + 1);
            double ymin = Math.Floor(Math.Log10(data.Min(r => r.MedianSeconds))), ymax = Math.Ceiling(Math.Log10(data.Max(r => r.MedianSeconds)));
            if (ymax <= ymin) ymax = ymin + 1;
            double X(double q) => left + (q - xmin) / (xmax - xmin) * plotW;
            double Y(double s) => y0 + plotH - (Math.Log10(s) - ymin) / (ymax - ymin) * plotH;
            svg.Append(Inv, $"<text x=\"{left}\" y=\"{y0 - 6}\" font-weight=\"bold\">{Escape(circuits[c])}</text>\n");
            svg.Append(Inv, $"<rect x=\"{left}\" y=\"{y0}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#999\"/>\n");
            for (double e = ymin; e <= ymax; e++)
            {
                double y = Y(Math.Pow(10, e));
                svg.Append(Inv, $"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{y:0.0}\" y2=\"{y:0.0}\" stroke=\"#eee\"/>");
                svg.Append(Inv, $"<text x=\"{left - 6}\" y=\"{y + 4:0.0}\" text-anchor=\"end\">{Time(Math.Pow(10, e))}</text>\n");
            }
            foreach (int q in data.Select(r => r.Qubits).Distinct())
            {
                svg.Append(Inv, $"<text x=\"{X(q):0.0}\" y=\"{y0 + plotH + 15}\" text-anchor=\"middle\">{q}</text>");
            }
            svg.Append(Inv, $"<text x=\"{left + plotW / 2}\" y=\"{y0 + plotH + 28}\" text-anchor=\"middle\">qubits</text>\n");
            for (int b = 0; b < backends.Count; b++)
            {
                var points = data.Where(r => r.Backend == backends[b]).OrderBy(r => r.Qubits).ToList();
                if (points.Count == 0) continue;
                string color = Colors[b % Colors.Length];
                svg.Append(Inv, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(" ", points.Select(p => string.Create(Inv, $"{X(p.Qubits):0.0},{Y(p.MedianSeconds):0.0}")))}\"/>\n");
                foreach (var p in points) svg.Append(Inv, $"<circle cx=\"{X(p.Qubits):0.0}\" cy=\"{Y(p.MedianSeconds):0.0}\" r=\"3\" fill=\"{color}\"/>");
                svg.Append(Inv, $"\n<rect x=\"{left + plotW + 15}\" y=\"{y0 + 10 + 18 * b}\" width=\"12\" height=\"12\" fill=\"{color}\"/>");
                svg.Append(Inv, $"<text x=\"{left + plotW + 32}\" y=\"{y0 + 20 + 18 * b}\">{Escape(backends[b])}</text>\n");
            }
        }
        svg.Append("</svg>\n");
        File.WriteAllText(path, svg.ToString());
    }

    private static string Time(double s) => s switch
    {
        < 1e-3 => string.Create(Inv, $"{s * 1e6:0.#} µs"),
        < 1 => string.Create(Inv, $"{s * 1e3:0.##} ms"),
        _ => string.Create(Inv, $"{s:0.##} s"),
    };

    private static string Csv(string text) => text.Contains(',') || text.Contains('"') ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
