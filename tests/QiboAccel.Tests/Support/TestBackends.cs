namespace QiboAccel.Tests.Support;

/// <summary>Loads the backends built into build/ by <c>./qiboaccel build</c> (which <c>./run-tests</c> runs first).</summary>
internal static class TestBackends
{
    /// <summary>Loads the backend whose manifest is build/&lt;folder&gt;/&lt;manifest&gt;, failing loudly if it was not built.</summary>
    public static IBackend Load(string folder, string manifest, string options = "")
    {
        string path = RepoPaths.Combine("build", folder, manifest);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: build the backends first with ./qiboaccel build (./run-tests does it)");
        }
        return Backends.Load(options.Length == 0 ? path : path + "?" + options);
    }
}
