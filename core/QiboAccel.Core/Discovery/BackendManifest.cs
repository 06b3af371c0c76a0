using System.Text.Json;

namespace QiboAccel.Discovery;

/// <summary>
/// A backend's manifest: a small JSON file that lets a host list backends without loading any code
/// (the Vulkan loader's idea). Format, version 1:
/// <code>{ "manifest_version": 1, "name": "cpu", "library_path": "libqibo_cpu.so", "abi_version": "1.0", "description": "…" }</code>
/// <c>library_path</c> is absolute or relative to the manifest's folder.
/// </summary>
/// <param name="Name">The backend's name, as users type it (<c>cpu</c>; <c>python</c> for the Python bridge).</param>
/// <param name="LibraryPath">Absolute path of the shared library.</param>
/// <param name="AbiVersion">ABI version the library implements, "major.minor".</param>
/// <param name="Description">One line for humans.</param>
/// <param name="ManifestPath">Where the manifest was read from.</param>
public sealed record BackendManifest(string Name, string LibraryPath, string AbiVersion, string Description, string ManifestPath)
{
    /// <summary>
    /// Optional <c>"list_as"</c>: the specifiers under which <c>qiboaccel backends</c> shows this library (a language
    /// bridge lists the backends it runs, e.g. <c>["python@numpy"]</c>); empty means the manifest's own name.
    /// </summary>
    public IReadOnlyList<string> ListAs { get; init; } = [];

    /// <summary>
    /// Optional <c>"options"</c>: backend_create options this manifest always passes, before any the user adds
    /// (<c>NAME:MORE</c>, joined with a comma). One library can so be installed under several names, e.g. <c>mpi</c>
    /// for libqibo_cpu.so with <c>"options": "mpi"</c>.
    /// </summary>
    public string Options { get; init; } = "";

    /// <summary>The manifest format this host reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Reads a manifest; every problem is a <see cref="FormatException"/> naming the file and the field.</summary>
    public static BackendManifest Read(string path)
    {
        string full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{full}: cannot read backend manifest: {e.Message}", e);
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{full}: a backend manifest is a JSON object");
            int format = root.TryGetProperty("manifest_version", out var fv) && fv.TryGetInt32(out int f) ? f : -1;
            if (format != FormatVersion)
            {
                throw new FormatException($"{full}: manifest_version must be {FormatVersion}, found {(format < 0 ? "none" : format)}");
            }
            string name = RequiredString(root, "name", full);
            string library = RequiredString(root, "library_path", full);
            string abi = RequiredString(root, "abi_version", full);
            string description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
            string dir = Path.GetDirectoryName(full)!;
            var listAs = new List<string>();
            if (root.TryGetProperty("list_as", out var l))
            {
                if (l.ValueKind != JsonValueKind.Array || l.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                {
                    throw new FormatException($"{full}: \"list_as\" must be a list of backend specifiers (strings)");
                }
                listAs.AddRange(l.EnumerateArray().Select(e => e.GetString()!));
            }
            string options = "";
            if (root.TryGetProperty("options", out var o))
            {
                if (o.ValueKind != JsonValueKind.String) throw new FormatException($"{full}: \"options\" must be a string (backend_create options)");
                options = o.GetString()!;
            }
            return new BackendManifest(name, Path.GetFullPath(Path.Combine(dir, library)), abi, description, full) { ListAs = listAs, Options = options };
        }
        catch (JsonException e)
        {
            throw new FormatException($"{full}:{e.LineNumber + 1}: invalid JSON in backend manifest: {e.Message}", e);
        }
    }

    private static string RequiredString(JsonElement root, string field, string path)
        => root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())
            ? v.GetString()!
            : throw new FormatException($"{path}: backend manifest needs a non-empty string \"{field}\"");
}
