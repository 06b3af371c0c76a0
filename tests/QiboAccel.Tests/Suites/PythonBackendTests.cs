using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// The conformance suite on the reference Python backend (python/qibo_backend_numpy) run through the python bridge
/// (libqibo_python.so). Needs Debian's python3 with numpy and libpython (apt-get install python3-numpy libpython3-dev):
/// when they are missing every case fails with the bridge's install hint, never a silent skip.
/// </summary>
public class PythonNumpyBackendTests : BackendSuite
{
    protected override IBackend LoadBackend(string options = "") => TestBackends.Load("backends", "python.json", options.Length == 0 ? "numpy" : options);
}

/// <summary>
/// The conformance suite on the "few dozen lines" backend printed in python/README.md, extracted from the README, so
/// that the documentation's example stays a working backend.
/// </summary>
public class PythonReadmeExampleBackendTests : BackendSuite
{
    private static readonly Lazy<string> Folder = new(Extract);

    protected override IBackend LoadBackend(string options = "")
        => TestBackends.Load("backends", "python.json", options.Length == 0 ? $"tiny;pythonpath={Folder.Value}" : options);

    private static string Extract()
    {
        string readme = File.ReadAllText(RepoPaths.Combine("python", "README.md"));
        const string marker = "<!-- readme-example: qibo_backend_tiny";
        int at = readme.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"python/README.md has no '{marker}' block");
        int start = readme.IndexOf("```python\n", at, StringComparison.Ordinal) + "```python\n".Length;
        int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        string folder = Directory.CreateTempSubdirectory("qiboaccel-readme-example-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "qibo_backend_tiny"));
        File.WriteAllText(Path.Combine(folder, "qibo_backend_tiny", "__init__.py"), readme[start..end] + "\n");
        // The interpreter may read the file (tracebacks) until the process ends: delete the folder then.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        };
        return folder;
    }
}
