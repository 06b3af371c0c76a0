namespace QiboAccel.Perf;

/// <summary>Finds the backends built by <c>./qiboaccel build</c> for the benchmarks.</summary>
internal static class PerfBackends
{
    public static IBackend Load(string manifest, string options = "")
    {
        string root = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "build", "backends", manifest);
            if (File.Exists(candidate)) return Backends.Load(options.Length == 0 ? candidate : candidate + "?" + options);
        }
        throw new InvalidOperationException($"build/backends/{manifest} not found above {root}: run ./qiboaccel build first");
    }
}
