using QiboAccel.Safety;

namespace QiboAccel.Discovery;

/// <summary>Where a manifest folder comes from, which decides what it may define.</summary>
public enum ManifestFolderKind
{
    /// <summary>An entry of <c>QIBOACCEL_BACKEND_PATH</c>.</summary>
    Environment,

    /// <summary><c>backends/</c> beside the program or its parent, or the build's <c>examples/</c> (the installation itself).</summary>
    Program,

    /// <summary><c>~/.local/share/qiboaccel/backends</c>.</summary>
    User,

    /// <summary><c>/usr/local/share/qiboaccel/backends</c> or <c>/usr/share/qiboaccel/backends</c>.</summary>
    System,
}

/// <summary>A folder searched for manifests.</summary>
/// <param name="Path">Absolute path.</param>
/// <param name="Kind">Where it comes from.</param>
public sealed record ManifestFolder(string Path, ManifestFolderKind Kind);

/// <summary>
/// Finds backend manifests (<c>*.json</c>) without loading any library. Folders searched, first match of a name wins:
/// each folder of <c>QIBOACCEL_BACKEND_PATH</c> (colon-separated, absolute paths only), then <c>backends/</c> beside
/// the running program and its parent and the build's <c>examples/</c> (<c>build/examples</c>, where
/// <c>./qiboaccel build</c> puts the C template backend), then <c>~/.local/share/qiboaccel/backends</c>,
/// <c>/usr/local/share/qiboaccel/backends</c>, <c>/usr/share/qiboaccel/backends</c>.
/// </summary>
/// <remarks>
/// Trust rules (README, "Trust model"): a folder writable by every user, or owned by someone other than this user or
/// root, is skipped, and so is such a manifest; the built-in names (<see cref="ReservedNames"/>) are only taken from
/// the program's own and the system folders, so a manifest elsewhere cannot replace <c>cpu</c> for every run (a
/// manifest given by its path is always used). Every skipped folder or manifest is reported in the problems list;
/// a broken manifest never stops the search.
/// </remarks>
public static class BackendDiscovery
{
    /// <summary>Environment variable naming extra manifest folders.</summary>
    public const string PathVariable = "QIBOACCEL_BACKEND_PATH";

    /// <summary>At most this many manifests are read from one folder.</summary>
    public const int MaxManifestsPerFolder = 1000;

    /// <summary>Names of the backends that come with the program; user folders cannot define them.</summary>
    public static IReadOnlySet<string> ReservedNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "cpu", "gpu", "python" };

    /// <summary>The folders searched, in order (existing or not), as paths.</summary>
    public static IReadOnlyList<string> SearchPaths() => SearchFolders().Select(f => f.Path).ToList();

    /// <summary>The folders searched, in order (existing or not); refused <c>QIBOACCEL_BACKEND_PATH</c> entries go to <paramref name="problems"/>.</summary>
    public static IReadOnlyList<ManifestFolder> SearchFolders(List<string>? problems = null)
    {
        var folders = new List<ManifestFolder>();
        string? env = Environment.GetEnvironmentVariable(PathVariable);
        foreach (string entry in (env ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathRooted(entry))
            {
                // A relative entry would mean "wherever the program happens to be started".
                problems?.Add($"{PathVariable}: entry '{MessageText.Clip(entry)}' is not an absolute path; ignored");
                continue;
            }
            folders.Add(new(entry, ManifestFolderKind.Environment));
        }
        string baseDir = AppContext.BaseDirectory;
        folders.Add(new(Path.Combine(baseDir, "backends"), ManifestFolderKind.Program));
        folders.Add(new(Path.Combine(baseDir, "..", "backends"), ManifestFolderKind.Program));
        folders.Add(new(Path.Combine(baseDir, "..", "examples"), ManifestFolderKind.Program));
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home)) folders.Add(new(Path.Combine(home, ".local", "share", "qiboaccel", "backends"), ManifestFolderKind.User));
        folders.Add(new("/usr/local/share/qiboaccel/backends", ManifestFolderKind.System));
        folders.Add(new("/usr/share/qiboaccel/backends", ManifestFolderKind.System));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ManifestFolder>();
        foreach (var f in folders)
        {
            string full = Path.GetFullPath(f.Path);
            if (seen.Add(full)) result.Add(f with { Path = full });
        }
        return result;
    }

    /// <summary>Every usable manifest found, first of each name; skipped ones are reported in <paramref name="problems"/>.</summary>
    public static IReadOnlyList<BackendManifest> FindAll(List<string>? problems = null)
    {
        var found = new Dictionary<string, BackendManifest>(StringComparer.Ordinal);
        var order = new List<BackendManifest>();
        foreach (var manifest in Scan(problems, stopAt: null))
        {
            if (found.TryAdd(manifest.Name, manifest)) order.Add(manifest);
        }
        return order;
    }

    /// <summary>
    /// The manifest of the backend called <paramref name="name"/>, or null: folders are read in order and the search
    /// stops at the first match, so nothing after it is read (and no library is loaded).
    /// </summary>
    public static BackendManifest? Find(string name, List<string>? problems = null)
        => Scan(problems, stopAt: name).FirstOrDefault(m => m.Name == name);

    private static IEnumerable<BackendManifest> Scan(List<string>? problems, string? stopAt)
    {
        foreach (ManifestFolder folder in SearchFolders(problems))
        {
            if (!Directory.Exists(folder.Path)) continue;
            if (UnixFile.DistrustFolder(folder.Path) is { } distrust)
            {
                problems?.Add($"{folder.Path}: manifest folder ignored: {distrust}");
                continue;
            }
            List<string> files;
            try
            {
                files = Directory.EnumerateFiles(folder.Path, "*.json").Order(StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems?.Add($"{folder.Path}: cannot list the manifest folder: {e.Message}");
                continue;
            }
            if (files.Count > MaxManifestsPerFolder)
            {
                problems?.Add($"{folder.Path}: {files.Count} manifests; only the first {MaxManifestsPerFolder} are read");
                files.RemoveRange(MaxManifestsPerFolder, files.Count - MaxManifestsPerFolder);
            }
            foreach (string file in files)
            {
                BackendManifest manifest;
                try
                {
                    if (UnixFile.Distrust(file) is { } untrusted) throw new FormatException($"{file}: manifest ignored: {untrusted}");
                    manifest = BackendManifest.Read(file);
                }
                catch (Exception e) when (e is FormatException or LimitExceededException)
                {
                    problems?.Add(e.Message);
                    continue;
                }
                if (ReservedNames.Contains(manifest.Name) && folder.Kind is ManifestFolderKind.Environment or ManifestFolderKind.User)
                {
                    problems?.Add($"{file}: manifest ignored: the name '{manifest.Name}' belongs to a backend that comes with qiboaccel; "
                        + $"use another name, or load this one by its path (--backend {file})");
                    continue;
                }
                yield return manifest;
                if (manifest.Name == stopAt) yield break;
            }
        }
    }
}
