using QiboAccel.Abi;
using QiboAccel.Discovery;
using QiboAccel.Execution;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Loader;

/// <summary>
/// A manifest's optional "options" (how the mpi manifest installs libqibo_cpu.so a second time, as "mpi"), and the
/// host's memory check, which a distributed backend takes over.
/// </summary>
public sealed class ManifestOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qiboaccel-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Manifest(string extra)
    {
        string library = RepoPaths.Combine("build", "backends", "libqibo_cpu.so");
        string path = Path.Combine(_dir, "one.json");
        File.WriteAllText(path, $$"""{ "manifest_version": 1, "name": "one", "library_path": "{{library}}", "abi_version": "1.0"{{extra}} }""");
        return path;
    }

    [Fact]
    public void OptionsAreReadAndDefaultToEmpty()
    {
        Assert.Equal("", BackendManifest.Read(Manifest("")).Options);
        Assert.Equal("threads=1", BackendManifest.Read(Manifest(""", "options": "threads=1" """)).Options);
    }

    [Fact]
    public void OptionsMustBeAString()
    {
        var e = Assert.Throws<FormatException>(() => BackendManifest.Read(Manifest(""", "options": 3 """)));
        Assert.Contains("\"options\" must be a string", e.Message);
    }

    [Fact]
    public void TheManifestsOptionsComeFirstAndTheUsersAfter()
    {
        string path = Manifest(""", "options": "threads=1" """);
        using (IBackend backend = Backends.Load(path)) Assert.StartsWith("1 thread,", backend.Info.Device);
        // The user's items follow the manifest's, so a later threads= wins.
        using (IBackend backend = Backends.Load(path + "?threads=2")) Assert.StartsWith("2 threads,", backend.Info.Device);
        // And the manifest's are not lost when the user adds others: an unknown key is still refused by name.
        var e = Assert.Throws<BackendException>(() => Backends.Load(path + "?nonsense=1"));
        Assert.Contains("unknown option 'nonsense'", e.Message);
    }

    [Fact]
    public void TheHostLeavesTheMemoryCheckToADistributedBackend()
    {
        BackendInfo Info(string device) => new("x", "1", "", device, 62, [Precision.Double], 0, new HashSet<QiboOpKind>(), "", "1.0");
        // 2^45 amplitudes (512 TiB) fit no machine: refused for an ordinary backend...
        var e = Assert.Throws<BackendException>(() => Executor.CheckFits(Info("2 threads, AVX2"), 45, Precision.Double));
        Assert.Contains("this machine has", e.Message);
        // ...but a distributed one holds a share per process and checks that share itself.
        Executor.CheckFits(Info("distributed over 4096 MPI ranks"), 45, Precision.Double);
        Assert.True(Info("distributed over 2 MPI ranks").IsDistributed);
        Assert.False(Info("cpu, not distributed").IsDistributed);
    }
}
