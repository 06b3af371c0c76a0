using System.Text.Json;
using QiboAccel.Discovery;

namespace QiboAccel.Cli;

/// <summary>
/// <c>qiboaccel backends</c>: the manifests found, read without loading any library (listing must not run code);
/// with <c>--details</c>, or for the backends named, each is also loaded to show what it says about itself.
/// </summary>
internal static class BackendsCommand
{
    private sealed record Row(string Name, BackendManifest Manifest, bool Loaded, BackendInfo? Info, string? Error);

    public static int Execute(string[] args)
    {
        var cl = new CommandLine(args, new HashSet<string> { "json", "details" });
        bool json = cl.Flag("json");
        bool details = cl.Flag("details");
        cl.RejectUnknown();
        var wanted = cl.Positionals;

        var problems = new List<string>();
        var manifests = Backends.List(problems);
        var rows = new List<Row>();
        foreach (var m in manifests)
        {
            // A language bridge is listed as the backends it runs (python@numpy), loaded as a user would load them.
            foreach (string spec in m.ListAs.Count > 0 ? m.ListAs : [m.ManifestPath])
            {
                string name = m.ListAs.Count > 0 ? spec : m.Name;
                if (wanted.Count > 0 && !wanted.Contains(name) && !wanted.Contains(m.Name)) continue;
                if (!details && wanted.Count == 0)
                {
                    rows.Add(new Row(name, m, false, null, null));
                    continue;
                }
                try
                {
                    using var backend = Backends.Load(spec);
                    rows.Add(new Row(name, m, true, backend.Info, null));
                }
                catch (BackendException e)
                {
                    rows.Add(new Row(name, m, true, null, e.Message.ReplaceLineEndings(" ")));
                }
            }
        }
        var missing = wanted.Where(w => !rows.Any(r => r.Name == w || r.Manifest.Name == w)).ToList();
        if (json) WriteJson(rows, problems);
        else WriteText(rows, problems, details || wanted.Count > 0);
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"qiboaccel: error: no installed backend called {string.Join(", ", missing.Select(m => $"'{QiboAccel.Safety.MessageText.Clip(m, 40)}'"))}");
            return 1;
        }
        return 0;
    }

    private static void WriteText(List<Row> rows, List<string> problems, bool loaded)
    {
        if (rows.Count == 0)
        {
            Console.WriteLine($"no backends found; searched {string.Join(":", BackendDiscovery.SearchPaths())}");
        }
        foreach (var (name, m, wasLoaded, info, error) in rows)
        {
            Console.WriteLine($"{name,-12} {m.Description}");
            Console.WriteLine($"{"",12} library   {m.LibraryPath} (ABI {m.AbiVersion})");
            Console.WriteLine($"{"",12} manifest  {m.ManifestPath}");
            if (!wasLoaded) continue;
            if (info is null)
            {
                Console.WriteLine($"{"",12} UNAVAILABLE: {error}");
                continue;
            }
            Console.WriteLine($"{"",12} version   {info.Version}; device: {info.Device}");
            Console.WriteLine($"{"",12} limits    up to {info.MaxQubits} qubits; precisions {string.Join(", ", info.Precisions.Select(p => p.Name()))}; "
                + (info.MaxMatrixTargets == 0 ? "matrices on any number of qubits" : $"matrices on up to {info.MaxMatrixTargets} qubits"));
            Console.WriteLine($"{"",12} native    {string.Join(" ", info.NativeOps.Order().Select(k => k.ToString()))}");
        }
        if (!loaded && rows.Count > 0) Console.WriteLine("(read from the manifests; nothing was loaded. --details loads each backend and shows its capabilities)");
        foreach (string p in problems) Console.WriteLine($"warning: {p}");
    }

    private static void WriteJson(List<Row> rows, List<string> problems)
    {
        using var w = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteStartArray("backends");
        foreach (var (name, m, loaded, info, error) in rows)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("description", m.Description);
            w.WriteString("manifest", m.ManifestPath);
            w.WriteString("library", m.LibraryPath);
            w.WriteString("abi_version", m.AbiVersion);
            w.WriteBoolean("loaded", loaded);
            if (loaded)
            {
                w.WriteBoolean("available", info is not null);
            }
            if (loaded && info is null)
            {
                w.WriteString("error", error);
            }
            else if (info is not null)
            {
                w.WriteString("version", info.Version);
                w.WriteString("device", info.Device);
                w.WriteNumber("max_qubits", info.MaxQubits);
                w.WriteStartArray("precisions");
                foreach (var p in info.Precisions) w.WriteStringValue(p.Name());
                w.WriteEndArray();
                w.WriteNumber("max_matrix_targets", info.MaxMatrixTargets);
                w.WriteStartArray("native_ops");
                foreach (var k in info.NativeOps.Order()) w.WriteStringValue(k.ToString());
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("problems");
        foreach (string p in problems) w.WriteStringValue(p);
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        Console.WriteLine();
    }
}
