using System.Text.Json;
using QiboAccel.Abi;

namespace QiboAccel.Python.Embedding;

/// <summary>
/// Where this library lives, and the Python folders its manifest names. A manifest in the library's folder whose
/// <c>library_path</c> is this library may carry <c>"python_path"</c>: a folder, or a list of folders, absolute or
/// relative to the manifest, put on sys.path (build.sh writes the repository's <c>python/</c> folder there, which
/// holds qibo_backend_numpy). The host never tells a backend where its manifest is, hence the lookup.
/// </summary>
internal static unsafe class LibraryLocation
{
    private static readonly Lazy<string?> s_library = new(Find);
    private static readonly Lazy<IReadOnlyList<string>> s_pythonPaths = new(ReadPythonPaths);

    /// <summary>Absolute path of libqibo_python.so, or null if the dynamic linker cannot tell.</summary>
    public static string? LibraryPath => s_library.Value;

    /// <summary>The existing folders named by python_path in the manifests next to the library.</summary>
    public static IReadOnlyList<string> PythonPaths => s_pythonPaths.Value;

    private static string? Find() =>
        LibraryFile.Containing((delegate* unmanaged[Cdecl]<QiboApiRequest*, QiboErrorCode>)&EntryPoint.GetApi);

    private static IReadOnlyList<string> ReadPythonPaths()
    {
        var paths = new List<string>();
        string? library = LibraryPath;
        string? folder = library is null ? null : Path.GetDirectoryName(library);
        if (folder is null || !Directory.Exists(folder)) return paths;
        foreach (string manifest in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                using var doc = JsonDocument.Parse(ReadManifest(manifest));
                JsonElement root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) continue;
                if (!root.TryGetProperty("library_path", out JsonElement lib) || lib.ValueKind != JsonValueKind.String) continue;
                if (Path.GetFullPath(Path.Combine(folder, lib.GetString()!)) != library) continue;
                if (!root.TryGetProperty("python_path", out JsonElement python)) continue;
                IEnumerable<JsonElement> entries = python.ValueKind == JsonValueKind.Array ? python.EnumerateArray() : [python];
                foreach (JsonElement entry in entries)
                {
                    if (entry.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(entry.GetString())) continue;
                    string dir = Path.GetFullPath(Path.Combine(folder, entry.GetString()!));
                    if (Directory.Exists(dir) && !paths.Contains(dir)) paths.Add(dir);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                // Not our manifest, or unreadable: the host reports broken manifests itself.
            }
        }
        return paths;
    }

    /// <summary>A manifest's text: a regular file (a FIFO would block), at most 1 MiB.</summary>
    private static string ReadManifest(string path)
    {
        using var handle = Safety.UnixFile.OpenRegular(path, out Safety.UnixFile.Status status);
        if (status.Size > 1 << 20) throw new IOException($"{path} is larger than 1 MiB");
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
