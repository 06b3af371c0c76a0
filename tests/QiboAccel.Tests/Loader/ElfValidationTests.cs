using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Loader;

/// <summary>
/// A library is judged from its bytes before dlopen maps it or runs its constructors (findings D5, S1): truncated
/// files (SIGBUS before), libraries for another machine or class, executables, and libraries that do not export the
/// entry point are refused with one line; dlopen's own failures are reported in one line too.
/// </summary>
public class ElfValidationTests(HostileBackends hostile) : IClassFixture<HostileBackends>
{
    private static string Template => RepoPaths.Combine("build", "examples", "libqibo_example_c.so");

    private static BackendException LoadFails(string path)
    {
        var e = Assert.Throws<BackendException>(() => Backends.Load(path));
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private string CopyOfTemplate(string name, Action<byte[]>? patch = null, int? length = null)
    {
        Assert.True(File.Exists(Template), $"{Template} is missing: run ./qiboaccel build first");
        byte[] bytes = File.ReadAllBytes(Template);
        if (length is { } n) bytes = bytes[..n];
        patch?.Invoke(bytes);
        string path = Path.Combine(hostile.Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(4)]
    [InlineData(64)]
    [InlineData(512)]
    [InlineData(4096)]
    [InlineData(-2)] // half
    [InlineData(-1)] // all but the last byte
    public void TruncatedLibrariesAreRefusedBeforeLoading(int cut)
    {
        int size = (int)new FileInfo(Template).Length;
        int length = cut switch { -2 => size / 2, -1 => size - 1, _ => cut };
        // Loaded, a truncated copy used to kill this very process with SIGBUS.
        var e = LoadFails(CopyOfTemplate($"truncated-{length}.so", length: length));
        Assert.Matches("is truncated|no ELF header", e.Message);
    }

    [Fact]
    public void AThirtyTwoBitLibraryIsRefused()
        => Assert.Contains("32-bit ELF file", LoadFails(CopyOfTemplate("elf32.so", b => b[4] = 1)).Message);

    [Fact]
    public void ALibraryForAnotherMachineIsRefused()
    {
        // e_machine = EM_AARCH64 (183) on x86-64, or EM_X86_64 (62) on anything else.
        ushort other = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64 ? (ushort)183 : (ushort)62;
        var e = LoadFails(CopyOfTemplate("other-machine.so", b => BitConverter.TryWriteBytes(b.AsSpan(18), other)));
        Assert.Contains("is built for", e.Message);
    }

    [Fact]
    public void ObjectFilesAndExecutablesAreRefused()
    {
        Assert.Contains("is an executable (ET_EXEC)", LoadFails(CopyOfTemplate("exec.so", b => b[16] = 2)).Message);
        Assert.Contains("object file (ET_REL)", LoadFails(CopyOfTemplate("object.so", b => b[16] = 1)).Message);
        // A position-independent executable is ET_DYN like a library: it is refused for lacking the entry point.
        Assert.Contains("does not export qibo_backend_get_api", LoadFails("/bin/ls").Message);
    }

    [Fact]
    public void ASectionTableOutsideTheFileIsRefused()
    {
        // e_shoff pointed past the end of the file.
        var e = LoadFails(CopyOfTemplate("bad-shoff.so", b => BitConverter.TryWriteBytes(b.AsSpan(40), (ulong)b.Length + 4096)));
        Assert.Contains("section table", e.Message);
    }

    [Fact]
    public void ALibraryWithoutTheEntryPointIsRefusedWithoutRunningIt()
    {
        // S1: the constructor of a library without qibo_backend_get_api must not run. The marker file is written by
        // the constructor; the loader runs in a child process so the marker variable reaches the C library.
        using var dir = new TempFolder();
        string marker = dir.Combine("marker");
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", hostile.PathOf("HOSTILE_CTOR_ONLY")],
            new Dictionary<string, string?> { ["QIBOACCEL_TEST_MARKER"] = marker });
        Assert.Equal(1, r.Exit);
        Assert.Contains("is not a QiboAccel backend: it does not export qibo_backend_get_api", r.ErrorLine);
        Assert.False(File.Exists(marker), "the library's constructor ran although the library was refused");

        // The same constructor in a library that does export the entry point runs on load: the marker works.
        string marking = dir.Combine("libmarking.so");
        HostileBackends.BuildMarking(marking, "loaded");
        r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", marking], new Dictionary<string, string?> { ["QIBOACCEL_TEST_MARKER"] = marker });
        Assert.True(r.Exit == 0, r.Err);
        Assert.Equal("loaded\n", File.ReadAllText(marker));
    }

    [Fact]
    public void DlopenFailuresAreOneLineWithTheLinkersReason()
    {
        // A valid backend that needs a library which is gone: only dlopen can tell, and it says so in one line.
        using var dir = new TempFolder();
        File.WriteAllText(dir.Combine("dep.c"), "int qa_dependency(void) { return 42; }\n");
        File.WriteAllText(dir.Combine("needs.c"), "#include <qibo/backend.h>\nint qa_dependency(void);\n"
            + "QIBO_EXPORT uint32_t qibo_backend_get_api(qibo_api_request* r) { (void)r; return (uint32_t)qa_dependency(); }\n");
        HostileBackends.Gcc("-o", dir.Combine("libqadep.so"), dir.Combine("dep.c"));
        HostileBackends.Gcc("-o", dir.Combine("libneeds.so"), dir.Combine("needs.c"), "-L", dir.Path, "-lqadep");
        File.Delete(dir.Combine("libqadep.so"));
        var e = LoadFails(dir.Combine("libneeds.so"));
        Assert.Contains("cannot load backend library", e.Message);
        Assert.Contains("libqadep.so: cannot open shared object file", e.Message);
        Assert.DoesNotContain("strace", e.Message); // .NET's advice is not the linker's reason
    }

    [Fact]
    public void AFifoOrADeviceIsNotALibrary()
    {
        using var dir = new TempFolder();
        string fifo = dir.Combine("fifo.so");
        Fifo.Make(fifo);
        Assert.Contains("is a named pipe (FIFO), not a regular file", LoadFails(fifo).Message);
        Assert.Contains("is a character device", LoadFails("/dev/zero").Message);
    }
}
