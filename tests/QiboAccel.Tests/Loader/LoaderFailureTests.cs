using System.Diagnostics;
using QiboAccel.Abi;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Loader;

/// <summary>Builds broken_backend.c once per fault into a temporary folder.</summary>
public sealed class BrokenBackends : IDisposable
{
    public BrokenBackends()
    {
        Folder = Directory.CreateTempSubdirectory("qiboaccel-broken-").FullName;
        string source = RepoPaths.Combine("tests", "QiboAccel.Tests", "Loader", "broken_backend.c");
        foreach (string fault in Faults)
        {
            Gcc.Run($"broken_backend.c -D{fault}", "-std=c99", "-shared", "-fPIC", "-Wall", "-Werror", "-Wno-unused-function", "-Wno-unused-variable",
                $"-D{fault}", "-I", RepoPaths.Combine("abi", "include"), "-o", PathOf(fault), source);
        }
    }

    public static readonly string[] Faults = ["BROKEN_NO_SYMBOL", "BROKEN_MAJOR", "BROKEN_SMALL_TABLE", "BROKEN_NULL_SLOT", "BROKEN_NO_MATRIX", "BROKEN_CREATE", "BROKEN_CRASH"];

    public string Folder { get; }

    public string PathOf(string fault) => Path.Combine(Folder, $"lib{fault.ToLowerInvariant()}.so");

    // The libraries stay loaded for the life of the process (backends are never unloaded), so only the folder goes.
    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>Every way a backend library can be wrong gives a clear error, never a crash.</summary>
public class LoaderFailureTests(BrokenBackends broken) : IClassFixture<BrokenBackends>
{
    private static BackendException LoadFails(string spec) => Assert.Throws<BackendException>(() => Backends.Load(spec));

    [Fact]
    public void MissingFile()
    {
        var e = LoadFails("/nonexistent/libnothing.so");
        Assert.Contains("does not exist", e.Message);
        Assert.Contains("/nonexistent/libnothing.so", e.Message);
    }

    [Fact]
    public void NotASharedLibrary()
    {
        string path = Path.Combine(broken.Folder, "text.so");
        File.WriteAllText(path, "hello");
        Assert.Contains("not a shared library", LoadFails(path).Message);
    }

    [Fact]
    public void MissingEntryPoint()
    {
        var e = LoadFails(broken.PathOf("BROKEN_NO_SYMBOL"));
        Assert.Contains("does not export qibo_backend_get_api", e.Message);
    }

    [Fact]
    public void MajorVersionMismatch()
    {
        var e = LoadFails(broken.PathOf("BROKEN_MAJOR"));
        Assert.Equal(QiboErrorCode.VersionMismatch, e.Code);
        Assert.Contains("ABI 2.0", e.Message);
        Assert.Contains($"this host speaks {AbiVersion.Major}.{AbiVersion.Minor}", e.Message);
    }

    [Fact]
    public void TableTooSmall()
    {
        var e = LoadFails(broken.PathOf("BROKEN_SMALL_TABLE"));
        Assert.Contains("function table is", e.Message);
        Assert.Contains("needs at least", e.Message);
    }

    [Fact]
    public void RequiredSlotNull()
    {
        Assert.Contains("state_apply", LoadFails(broken.PathOf("BROKEN_NULL_SLOT")).Message);
    }

    [Fact]
    public void MissingRequiredCapability()
    {
        Assert.Contains("MATRIX and MEASURE", LoadFails(broken.PathOf("BROKEN_NO_MATRIX")).Message);
    }

    [Fact]
    public void ErrorObjectsCarryTheBackendsMessage()
    {
        var e = LoadFails(broken.PathOf("BROKEN_CREATE"));
        Assert.Equal(QiboErrorCode.Device, e.Code);
        Assert.Contains("no device", e.Message);
    }

    [Fact]
    public void UnknownBackendNameListsWhatIsInstalled()
    {
        var e = LoadFails("no-such-backend");
        Assert.Contains("unknown backend 'no-such-backend'", e.Message);
        Assert.Contains("Searched:", e.Message);
    }

    [Fact]
    public void ManifestWithWrongAbiMajor()
    {
        string manifest = Path.Combine(broken.Folder, "future.json");
        File.WriteAllText(manifest, """{ "manifest_version": 1, "name": "future", "library_path": "libfuture.so", "abi_version": "3.1" }""");
        var e = LoadFails(manifest);
        Assert.Equal(QiboErrorCode.VersionMismatch, e.Code);
        Assert.Contains("3.1", e.Message);
    }

    [Fact]
    public void MalformedManifest()
    {
        string manifest = Path.Combine(broken.Folder, "bad.json");
        File.WriteAllText(manifest, """{ "manifest_version": 1, "name": "bad" }""");
        Assert.Contains("library_path", LoadFails(manifest).Message);
        File.WriteAllText(manifest, "{ not json");
        Assert.Contains("invalid JSON", LoadFails(manifest).Message);
    }

    [Fact]
    public void TheConformanceKitSurvivesACrashingBackend()
    {
        // Each case runs in a child process: the crash fails bit-order, and the handshake case still passes.
        using var run = Process.Start(CliProgram.StartInfo("conformance", broken.PathOf("BROKEN_CRASH")))!;
        string output = run.StandardOutput.ReadToEnd();
        run.StandardError.ReadToEnd();
        run.WaitForExit();
        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"PASS\s+abi-handshake", output);
        Assert.Matches(@"FAIL\s+bit-order.*crashed the process \(signal 11\)", output);
        Assert.Matches(@"\d+ cases: \d+ passed, \d+ failed", output);
    }

    [Fact]
    public void EmptySpecifier() => Assert.Contains("empty", LoadFails(" ").Message);
}
