
namespace QiboAccel.Python.Bridge;

/// <summary>
/// The backend_create options of the python bridge: <c>NAME[:BACKEND_OPTIONS][;pythonpath=DIR[:DIR...]]</c>.
/// <list type="bullet">
/// <item><c>NAME</c> picks the Python module <c>qibo_backend_NAME</c> ('-' becomes '_'); empty or NULL options mean <c>numpy</c>.
/// The host's <c>python@numpy</c> passes <c>numpy</c>.</item>
/// <item><c>BACKEND_OPTIONS</c>, if present, is passed to the module's <c>create_backend(options)</c>.</item>
/// <item><c>pythonpath=</c> adds folders (':'-separated) to the front of sys.path before the import, like
/// <c>QIBOACCEL_PYTHONPATH</c> does.</item>
/// </list>
/// </summary>
/// <param name="Name">The Python backend's name (module suffix).</param>
/// <param name="BackendOptions">Text for create_backend, "" for none.</param>
/// <param name="PythonPath">Extra sys.path folders from the options, in priority order.</param>
internal sealed record BridgeOptions(string Name, string BackendOptions, IReadOnlyList<string> PythonPath)
{
    /// <summary>The Python backend used when the options are empty.</summary>
    public const string DefaultName = "numpy";

    /// <summary>Environment variable with extra sys.path folders (':'-separated).</summary>
    public const string PathVariable = "QIBOACCEL_PYTHONPATH";

    /// <summary>Parses the options; INVALID_ARGUMENT for a malformed string.</summary>
    public static BridgeOptions Parse(string? text)
    {
        text = (text ?? "").Trim();
        string[] parts = text.Split(';');
        string head = parts[0].Trim();
        int colon = head.IndexOf(':');
        string name = (colon < 0 ? head : head[..colon]).Trim();
        string backendOptions = colon < 0 ? "" : head[(colon + 1)..].Trim();
        if (name.Length == 0 && backendOptions.Length == 0) name = DefaultName;
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) || char.IsAsciiDigit(name[0]))
        {
            throw BridgeException.Invalid($"python bridge options '{text}': expected NAME[:OPTIONS][;pythonpath=DIR[:DIR...]] where NAME "
                + "is a Python backend name made of letters, digits, '_' and '-' (python@numpy loads the module qibo_backend_numpy)");
        }
        var path = new List<string>();
        foreach (string part in parts.Skip(1).Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            int eq = part.IndexOf('=');
            string key = eq < 0 ? part : part[..eq].Trim();
            if (key != "pythonpath")
            {
                throw BridgeException.Invalid($"python bridge options '{text}': unknown setting '{key}' (known: pythonpath=DIR[:DIR...])");
            }
            path.AddRange(part[(eq + 1)..].Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        return new BridgeOptions(name.Replace('-', '_'), backendOptions, path);
    }

    /// <summary>
    /// sys.path additions in priority order: the options' pythonpath, QIBOACCEL_PYTHONPATH, the manifest's python_path.
    /// Every folder must be absolute (a relative one would depend on where the program is started) and trusted: owned by
    /// this user or root and not writable by every user, since any module in it can be imported.
    /// </summary>
    public IEnumerable<string> SearchPath(IEnumerable<string> manifestPaths)
    {
        IEnumerable<string> env = (Environment.GetEnvironmentVariable(PathVariable) ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var (folder, from) in PythonPath.Select(p => (p, "pythonpath=")).Concat(env.Select(p => (p, PathVariable + "="))))
        {
            if (!Path.IsPathRooted(folder))
            {
                throw BridgeException.Invalid($"{from}{Safety.MessageText.Clip(folder)}: python folders must be absolute paths");
            }
        }
        var all = PythonPath.Concat(env).Concat(manifestPaths).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        foreach (string folder in all)
        {
            if (Directory.Exists(folder) && Safety.UnixFile.DistrustFolder(folder) is { } distrust)
            {
                throw BridgeException.Invalid($"python folder '{Safety.MessageText.Clip(folder)}' refused: {distrust} (another user could put modules there)");
            }
        }
        return all;
    }
}
