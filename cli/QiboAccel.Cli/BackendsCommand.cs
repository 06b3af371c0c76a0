using System.Text.Json;
using QiboAccel.Discovery;

namespace QiboAccel.Cli;

/// <summary><c>qiboaccel backends</c>: the manifests found, and what each backend says about itself.</summary>
internal static class BackendsCommand
{
    public static int Execute(string[] args)
    {
        var cl = new CommandLine(args, new HashSet<string> { "json" });
        bool json = cl.Flag("json");
        cl.RejectUnknown();
        if (cl.Positionals.Count > 0) throw new UsageException("backends takes no arguments");

        var problems = new List<string>();
        var manifests = Backends.List(problems);
        var rows = new List<(string Name, BackendManifest Manifest, BackendInfo? Info, string? Error)>();
        foreach (var m in manifests)
        {
            // A language bridge is listed as the backends it runs (python@numpy), loaded as a user would.
            foreach (string spec in m.ListAs.Count > 0 ? m.ListAs : [m.ManifestPath])
            {
                string name = m.ListAs.Count > 0 ? spec : m.Name;
                try
                {
                    using var backend = Backends.Load(spec);
                    rows.Add((name, m, backend.Info, null));
                }
                catch (BackendException e)
                {
                    rows.Add((name, m, null, e.Message));
                }
            }
        }
        if (json) WriteJson(rows, problems);
        else WriteText(rows, problems);
        return 0;
    }

    private static void WriteText(List<(string Name, BackendManifest Manifest, BackendInfo? Info, string? Error)> rows, List<string> problems)
    {
        if (rows.Count == 0)
        {
            Console.WriteLine($"no backends found; searched {string.Join(":", BackendDiscovery.SearchPaths())}");
        }
        foreach (var (name, m, info, error) in rows)
        {
            Console.WriteLine($"{name,-12} {m.Description}");
            Console.WriteLine($"{"",12} library   {m.LibraryPath} (ABI {m.AbiVersion})");
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
        foreach (string p in problems) Console.WriteLine($"warning: {p}");
    }

    private static void WriteJson(List<(string Name, BackendManifest Manifest, BackendInfo? Info, string? Error)> rows, List<string> problems)
    {
        using var w = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteStartArray("backends");
        foreach (var (name, m, info, error) in rows)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("manifest", m.ManifestPath);
            w.WriteString("library", m.LibraryPath);
            w.WriteString("abi_version", m.AbiVersion);
            w.WriteBoolean("available", info is not null);
            if (info is null)
            {
                w.WriteString("error", error);
            }
            else
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
