namespace QiboAccel.Discovery;

/// <summary>
/// Finds backend manifests (<c>*.json</c>) without loading any library. Folders searched, first match of a name wins:
/// each folder of <c>QIBOACCEL_BACKEND_PATH</c> (colon-separated), then <c>backends/</c> beside the running program
/// and its parent, then <c>~/.local/share/qiboaccel/backends</c>, <c>/usr/local/share/qiboaccel/backends</c>,
/// <c>/usr/share/qiboaccel/backends</c>.
/// </summary>
public static class BackendDiscovery
{
    /// <summary>Environment variable naming extra manifest folders.</summary>
    public const string PathVariable = "QIBOACCEL_BACKEND_PATH";

    /// <summary>The folders searched, in order (existing or not).</summary>
    public static IReadOnlyList<string> SearchPaths()
    {
        var paths = new List<string>();
        string? env = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(env)) paths.AddRange(env.Split(':', StringSplitOptions.RemoveEmptyEntries));
        string baseDir = AppContext.BaseDirectory;
        paths.Add(Path.Combine(baseDir, "backends"));
        paths.Add(Path.Combine(baseDir, "..", "backends"));
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home)) paths.Add(Path.Combine(home, ".local", "share", "qiboaccel", "backends"));
        paths.Add("/usr/local/share/qiboaccel/backends");
        paths.Add("/usr/share/qiboaccel/backends");
        return paths.Select(p => Path.GetFullPath(p)).Distinct().ToList();
    }

    /// <summary>Every readable manifest found, first of each name; unreadable ones are reported in <paramref name="problems"/>.</summary>
    public static IReadOnlyList<BackendManifest> FindAll(List<string>? problems = null)
    {
        var found = new Dictionary<string, BackendManifest>(StringComparer.Ordinal);
        var order = new List<BackendManifest>();
        foreach (string dir in SearchPaths())
        {
            if (!Directory.Exists(dir)) continue;
            foreach (string file in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
            {
                try
                {
                    var manifest = BackendManifest.Read(file);
                    if (found.TryAdd(manifest.Name, manifest)) order.Add(manifest);
                }
                catch (FormatException e)
                {
                    problems?.Add(e.Message);
                }
            }
        }
        return order;
    }

    /// <summary>The manifest of the backend called <paramref name="name"/>, or null.</summary>
    public static BackendManifest? Find(string name) => FindAll().FirstOrDefault(m => m.Name == name);
}
