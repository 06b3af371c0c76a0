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

    /// <summary>Loads a backend by the names the benchmarks use: cpu, gpu, python@numpy, example-c.</summary>
    public static IBackend LoadSpec(string name) => name switch
    {
        "cpu" => Load("cpu.json"),
        "gpu" => Load("gpu.json"),
        "python@numpy" => Load("python.json", "numpy"),
        "example-c" => Load("../examples/qibo_example_c.json"),
        _ => throw new ArgumentException($"unknown benchmark backend '{name}'"),
    };
}
