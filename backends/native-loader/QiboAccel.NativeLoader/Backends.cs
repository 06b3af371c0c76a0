using QiboAccel.Abi;
using QiboAccel.Discovery;
using QiboAccel.NativeLoader;

namespace QiboAccel;

/// <summary>
/// Entry point for loading backends: <c>using var backend = Backends.Load("cpu");</c>. Every backend, ours or a
/// third party's, is a shared library reached through the C ABI (never a managed reference).
/// </summary>
public static class Backends
{
    /// <summary>
    /// Loads the backend named by <paramref name="specifier"/> (see <see cref="BackendSpecifier"/>): <c>cpu</c>,
    /// <c>cpu:threads=1</c>, <c>python@numpy</c>, <c>./libx.so</c>, <c>path/to/manifest.json</c>.
    /// Every failure is a <see cref="BackendException"/> with a one-line message.
    /// </summary>
    public static IBackend Load(string specifier)
    {
        BackendSpecifier spec;
        try
        {
            spec = BackendSpecifier.Parse(specifier);
        }
        catch (FormatException e)
        {
            throw new BackendException(QiboErrorCode.InvalidArgument, e.Message, inner: e);
        }
        var (library, defaults) = ResolveLibrary(spec);
        string options = defaults.Length == 0 ? spec.Options : spec.Options.Length == 0 ? defaults : $"{defaults},{spec.Options}";
        return new NativeBackend(LoadedLibrary.Get(library), spec.Text, options);
    }

    /// <summary>The installed backends' manifests (no library is loaded); unreadable manifests go to <paramref name="problems"/>.</summary>
    public static IReadOnlyList<BackendManifest> List(List<string>? problems = null) => BackendDiscovery.FindAll(problems);

    /// <summary>The library to load and the manifest's own options ("" for a library path).</summary>
    private static (string Library, string Options) ResolveLibrary(BackendSpecifier spec)
    {
        if (spec.Path is not null)
        {
            if (!spec.Path.EndsWith(".json", StringComparison.Ordinal)) return (spec.Path, "");
            BackendManifest read = ReadManifest(spec.Path);
            return (read.LibraryPath, read.Options);
        }
        // Read manifests in search order and stop at the first of this name: no other manifest's library is loaded.
        var problems = new List<string>();
        BackendManifest? manifest = BackendDiscovery.Find(spec.Name!, problems);
        if (manifest is null)
        {
            var all = BackendDiscovery.FindAll();
            string known = all.Count == 0 ? "none found" : string.Join(", ", all.Select(m => m.ListAs.Count > 0 ? string.Join(", ", m.ListAs) : m.Name));
            string hint = spec.Text.Contains('@') ? $" (the '{spec.Name}' language bridge is not installed)" : "";
            string skipped = problems.Count == 0 ? "" : $"; {problems.Count} manifest folder(s) or manifest(s) were skipped (qiboaccel backends says why)";
            throw new BackendException(QiboErrorCode.InvalidArgument,
                $"unknown backend '{Safety.MessageText.Clip(spec.Text)}'{hint}; installed: {known}{skipped}. Searched: {string.Join(":", BackendDiscovery.SearchPaths())}");
        }
        CheckAbi(manifest);
        return (manifest.LibraryPath, manifest.Options);
    }

    private static BackendManifest ReadManifest(string path)
    {
        if (File.Exists(path) && Safety.UnixFile.Distrust(path) is { } distrust)
        {
            throw new BackendException(QiboErrorCode.InvalidArgument,
                $"refusing backend manifest '{Safety.MessageText.Clip(path, 200)}': {distrust} (another user could have placed or could replace it)");
        }
        try
        {
            var manifest = BackendManifest.Read(path);
            CheckAbi(manifest);
            return manifest;
        }
        catch (FormatException e)
        {
            throw new BackendException(QiboErrorCode.InvalidArgument, e.Message, inner: e);
        }
    }

    private static void CheckAbi(BackendManifest manifest)
    {
        string major = manifest.AbiVersion.Split('.')[0];
        if (major != AbiVersion.Major.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new BackendException(QiboErrorCode.VersionMismatch,
                $"backend '{manifest.Name}' ({manifest.ManifestPath}) declares ABI {manifest.AbiVersion}; this host speaks {AbiVersion.Major}.{AbiVersion.Minor}");
        }
    }
}
