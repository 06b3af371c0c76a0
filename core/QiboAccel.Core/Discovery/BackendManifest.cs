using System.Text.Json;
using QiboAccel.Safety;

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

    /// <summary>
    /// Reads a manifest; every problem is a <see cref="FormatException"/> naming the file and the field. The file must
    /// be a regular file within <see cref="InputLimits.JsonFileBytes"/>; <c>name</c> is letters, digits, '-', '_' and '.',
    /// starting with a letter; a relative <c>library_path</c> must stay inside the manifest's folder.
    /// </summary>
    public static BackendManifest Read(string path)
    {
        string full = Path.GetFullPath(path);
        string where = MessageText.Clip(full, 200);
        string text;
        try
        {
            text = InputFile.ReadText(full, InputLimits.JsonFileBytes, "backend manifest");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LimitExceededException)
        {
            throw new FormatException($"{where}: cannot read backend manifest: {e.Message}", e);
        }
        try
        {
            using var doc = JsonInput.Parse(text, where, lenient: false);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: a backend manifest is a JSON object");
            if (!root.TryGetProperty("manifest_version", out var fv))
            {
                throw new FormatException($"{where}: \"manifest_version\" is missing (it must be the number {FormatVersion})");
            }
            if (fv.ValueKind != JsonValueKind.Number || !fv.TryGetInt32(out int format) || format != FormatVersion)
            {
                throw new FormatException($"{where}: \"manifest_version\" must be the number {FormatVersion}, found {Describe(fv)}");
            }
            string name = RequiredString(root, "name", where);
            if (name.Length > 64 || !char.IsAsciiLetter(name[0]) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                throw new FormatException($"{where}: \"name\" '{MessageText.Clip(name, 64)}' must be at most 64 letters, digits, '-', '_' or '.', starting with a letter");
            }
            string library = RequiredString(root, "library_path", where);
            string abi = RequiredString(root, "abi_version", where);
            string description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? MessageText.Clip(d.GetString()!, 300) : "";
            string dir = Path.GetDirectoryName(full)!;
            string libraryPath = ResolveLibrary(library, dir, where);
            var listAs = new List<string>();
            if (root.TryGetProperty("list_as", out var l))
            {
                if (l.ValueKind != JsonValueKind.Array || l.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                {
                    throw new FormatException($"{where}: \"list_as\" must be a list of backend specifiers (strings)");
                }
                listAs.AddRange(l.EnumerateArray().Select(e => MessageText.Clip(e.GetString()!, 64)));
            }
            string options = "";
            if (root.TryGetProperty("options", out var o))
            {
                if (o.ValueKind != JsonValueKind.String) throw new FormatException($"{full}: \"options\" must be a string (backend_create options)");
                options = o.GetString()!;
            }
            return new BackendManifest(name, libraryPath, abi, description, full) { ListAs = listAs, Options = options };
        }
        catch (JsonException e)
        {
            throw new FormatException($"{where}:{e.LineNumber + 1}: invalid JSON in backend manifest: {MessageText.Clip(e.Message, 200)}", e);
        }
        catch (LimitExceededException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    /// <summary>
    /// An absolute library_path is taken as written (the manifest's author chose it); a relative one is resolved against
    /// the manifest's folder and must stay inside it, so that "../../somewhere/lib.so" cannot point anywhere.
    /// </summary>
    private static string ResolveLibrary(string library, string dir, string where)
    {
        if (library.Contains('\0')) throw new FormatException($"{where}: \"library_path\" contains a NUL character");
        if (Path.IsPathRooted(library)) return Path.GetFullPath(library);
        string resolved = Path.GetFullPath(Path.Combine(dir, library));
        string inside = dir.EndsWith('/') ? dir : dir + "/";
        if (!resolved.StartsWith(inside, StringComparison.Ordinal))
        {
            throw new FormatException($"{where}: \"library_path\" '{MessageText.Clip(library, 100)}' leads out of the manifest's folder "
                + "(a relative path must stay inside it; write an absolute path to load a library from elsewhere)");
        }
        return resolved;
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{MessageText.Clip(e.GetString()!, 20)}\"",
        JsonValueKind.Number => $"the number {MessageText.Clip(e.GetRawText(), 20)}",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "a list",
        _ => "an object",
    };

    private static string RequiredString(JsonElement root, string field, string path)
        => root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())
            ? v.GetString()!
            : throw new FormatException($"{path}: backend manifest needs a non-empty string \"{field}\"");
}
