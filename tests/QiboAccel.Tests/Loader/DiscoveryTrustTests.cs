using System.Text.Json;
using QiboAccel.Discovery;
using QiboAccel.Safety;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Loader;

/// <summary>
/// What discovery loads, from where, and what it refuses (findings S2, S3, W8, and issue #13's lookup by name):
/// listing reads manifests only; lookup by name loads only the backend asked for; built-in names cannot be taken
/// from user folders; folders and files others can write or own are refused; relative search-path entries and
/// library paths leaving the manifest's folder are refused; a broken manifest never breaks a run. Libraries with a
/// constructor that writes a marker file prove which libraries were loaded.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DiscoveryTrustTests
{
    private static string ManifestJson(string name, string library)
        => $$"""{ "manifest_version": 1, "name": "{{name}}", "library_path": "{{library}}", "abi_version": "1.0", "description": "test {{name}}" }""";

    /// <summary>A manifest folder holding marking backends, and the marker file they write.</summary>
    private sealed class Setup : IDisposable
    {
        private readonly TempFolder _root = new("qiboaccel-discovery-");

        public Setup(params string[] names)
        {
            Folder = _root.Combine("backends");
            Directory.CreateDirectory(Folder);
            foreach (string name in names) Add(name);
        }

        public string Folder { get; }

        public string Root => _root.Path;

        public string Marker => _root.Combine("marker");

        public string Loaded => File.Exists(Marker) ? File.ReadAllText(Marker) : "";

        public string Add(string name, string? folder = null)
        {
            folder ??= Folder;
            Directory.CreateDirectory(folder);
            HostileBackends.BuildMarking(Path.Combine(folder, $"lib{name}.so"), name);
            string manifest = Path.Combine(folder, $"{name}.json");
            File.WriteAllText(manifest, ManifestJson(name, $"lib{name}.so"));
            return manifest;
        }

        public Dictionary<string, string?> Env(Dictionary<string, string?>? extra = null)
        {
            var env = new Dictionary<string, string?> { ["QIBOACCEL_BACKEND_PATH"] = Folder, ["QIBOACCEL_TEST_MARKER"] = Marker };
            foreach (var (k, v) in extra ?? []) env[k] = v;
            return env;
        }

        public void Dispose() => _root.Dispose();
    }

    [Fact]
    public void ListingBackendsLoadsNoLibrary()
    {
        using var s = new Setup("alpha", "beta");
        var r = CliRunner.Run(["backends"], s.Env());
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("alpha", r.Out);
        Assert.Contains("beta", r.Out);
        Assert.Equal("", s.Loaded);
        r = CliRunner.Run(["backends", "--json"], s.Env());
        using (var doc = JsonDocument.Parse(r.Out))
        {
            var alpha = doc.RootElement.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "alpha");
            Assert.False(alpha.GetProperty("loaded").GetBoolean());
        }
        Assert.Equal("", s.Loaded);

        // Asking for details loads them, so the marker does work.
        r = CliRunner.Run(["backends", "alpha", "--json"], s.Env());
        Assert.True(r.Exit == 0, r.Err);
        Assert.Equal("alpha\n", s.Loaded);
        using (var doc = JsonDocument.Parse(r.Out))
        {
            var alpha = Assert.Single(doc.RootElement.GetProperty("backends").EnumerateArray());
            Assert.True(alpha.GetProperty("available").GetBoolean());
            Assert.Equal(40, alpha.GetProperty("max_qubits").GetInt32());
        }
    }

    [Fact]
    public void LookupByNameLoadsOnlyTheBackendAskedFor()
    {
        using var s = new Setup("alpha", "beta", "gamma");
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", "beta", "--shots", "4"], s.Env());
        Assert.True(r.Exit == 0, r.Err);
        Assert.Equal("beta\n", s.Loaded);
        Assert.Contains("backend    beta 0", r.Out);
        // The default run loads cpu and nothing from the search path.
        File.Delete(s.Marker);
        r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--shots", "4"], s.Env());
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("backend    cpu ", r.Out);
        Assert.Equal("", s.Loaded);
    }

    [Fact]
    public void BuiltInNamesCannotBeTakenFromUserFolders()
    {
        // S3: a "cpu" on QIBOACCEL_BACKEND_PATH and a "gpu" in ~/.local/share/qiboaccel/backends are ignored.
        using var s = new Setup();
        string fakeCpu = s.Add("cpu");
        string home = Path.Combine(s.Root, "home");
        s.Add("gpu", Path.Combine(home, ".local", "share", "qiboaccel", "backends"));
        var env = s.Env(new() { ["HOME"] = home });
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--shots", "4"], env);
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("backend    cpu 0.1.0", r.Out);
        r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", "gpu", "--shots", "4"], env);
        Assert.DoesNotContain("backend    gpu 0 (none)", r.Out);
        Assert.Equal("", s.Loaded);
        r = CliRunner.Run(["backends"], env);
        Assert.Contains($"{fakeCpu}: manifest ignored: the name 'cpu' belongs to a backend that comes with qiboaccel", r.Out);
        Assert.Contains("gpu.json: manifest ignored: the name 'gpu'", r.Out);
        // Given by its path, the user's manifest is used: that is an explicit choice.
        r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", fakeCpu, "--shots", "4"], env);
        Assert.True(r.Exit == 0, r.Err);
        Assert.Equal("cpu\n", s.Loaded);
    }

    [Fact]
    public void WhatOtherUsersCanWriteIsRefused()
    {
        using var s = new Setup("alpha");
        File.SetUnixFileMode(s.Folder, (UnixFileMode)0x1ff); // 0777: anyone could add a manifest
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", "alpha"], s.Env());
        Assert.Equal(1, r.Exit);
        Assert.Contains("unknown backend 'alpha'", r.ErrorLine);
        Assert.Contains("skipped", r.ErrorLine);
        r = CliRunner.Run(["backends"], s.Env());
        Assert.Contains($"{s.Folder}: manifest folder ignored: the folder '{s.Folder}' is writable by every user", r.Out);
        Assert.Equal("", s.Loaded);

        // A library anyone can overwrite is refused even when given by its path.
        File.SetUnixFileMode(s.Folder, (UnixFileMode)0x1ed); // 0755
        string library = Path.Combine(s.Folder, "libalpha.so");
        File.SetUnixFileMode(library, (UnixFileMode)0x1ff);
        r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", library], s.Env());
        Assert.Equal(1, r.Exit);
        Assert.Contains($"refusing to load backend library '{library}': the file '{library}' is writable by every user", r.ErrorLine);
        // And a manifest anyone can edit.
        File.SetUnixFileMode(library, (UnixFileMode)0x1ed);
        string manifest = Path.Combine(s.Folder, "alpha.json");
        File.SetUnixFileMode(manifest, (UnixFileMode)0x1b6); // 0666
        r = CliRunner.Run(["backends"], s.Env());
        Assert.Contains($"{manifest}: manifest ignored: the file '{manifest}' is writable by every user", r.Out);
        Assert.Equal("", s.Loaded);
    }

    [Fact]
    public void WhatAnotherUserOwnsIsRefused()
    {
        using var s = new Setup("alpha");
        string manifest = Path.Combine(s.Folder, "alpha.json");
        string library = Path.Combine(s.Folder, "libalpha.so");
        if (UnixFile.EffectiveUid == 0)
        {
            // As root (CI): hand the files to nobody (65534) and watch root refuse them.
            Chown(manifest, 65534);
            var r = CliRunner.Run(["backends"], s.Env());
            Assert.Contains($"{manifest}: manifest ignored: the file '{manifest}' belongs to user id 65534, not to you (user id 0) or root", r.Out);
            Chown(library, 65534);
            r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", library], s.Env());
            Assert.Contains("belongs to user id 65534", r.ErrorLine);
            Chown(s.Folder, 65534);
            r = CliRunner.Run(["backends"], s.Env());
            Assert.Contains($"{s.Folder}: manifest folder ignored: the folder '{s.Folder}' belongs to user id 65534", r.Out);
            Assert.Equal("", s.Loaded);
        }
        else
        {
            // Not root: files cannot be given away, so judge our own files as another (non-root) user would.
            uint other = UnixFile.EffectiveUid + 1;
            Assert.Contains($"belongs to user id {UnixFile.EffectiveUid}, not to you (user id {other}) or root", UnixFile.Distrust(library, other)!);
            Assert.Contains("belongs to user id", UnixFile.DistrustFolder(s.Folder, other)!);
            Assert.Null(UnixFile.Distrust(library, UnixFile.EffectiveUid));
        }
        // Files owned by root are trusted by everyone: system libraries are.
        Assert.Null(UnixFile.Distrust("/bin/ls", 12345));
    }

    private static void Chown(string path, int uid)
    {
        using var p = System.Diagnostics.Process.Start("chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void RelativeSearchPathEntriesAreRefused()
    {
        using var s = new Setup("alpha");
        // "backends" relative to the working directory would find alpha: it must not.
        var env = s.Env(new() { ["QIBOACCEL_BACKEND_PATH"] = "backends" });
        var r = CliRunner.Run(["run", Path.GetFullPath(RepoPaths.Combine("examples", "circuits", "bell.qasm")), "--backend", "alpha"], env, workingDirectory: s.Root);
        Assert.Equal(1, r.Exit);
        Assert.Contains("unknown backend 'alpha'", r.ErrorLine);
        r = CliRunner.Run(["backends"], env, workingDirectory: s.Root);
        Assert.Contains("QIBOACCEL_BACKEND_PATH: entry 'backends' is not an absolute path; ignored", r.Out);
        Assert.Equal("", s.Loaded);
    }

    [Fact]
    public void LibraryPathsMayNotLeaveTheManifestsFolder()
    {
        using var s = new Setup();
        s.Add("alpha", Path.Combine(s.Root, "elsewhere"));
        string manifest = Path.Combine(s.Folder, "escape.json");
        File.WriteAllText(manifest, ManifestJson("escape", "../elsewhere/libalpha.so"));
        var r = CliRunner.Run(["backends"], s.Env());
        Assert.Contains("\"library_path\" '../elsewhere/libalpha.so' leads out of the manifest's folder", r.Out);
        r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", manifest], s.Env());
        Assert.Equal(1, r.Exit);
        Assert.Contains("leads out of the manifest's folder", r.ErrorLine);
        // An absolute path is the author's explicit choice and is allowed.
        File.WriteAllText(manifest, ManifestJson("escape", Path.Combine(s.Root, "elsewhere", "libalpha.so")));
        r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", "escape", "--shots", "2"], s.Env());
        Assert.True(r.Exit == 0, r.Err);
        Assert.Equal("alpha\n", s.Loaded);
    }

    [Fact]
    public void BrokenManifestsNeverBreakARun()
    {
        // W8: "manifest_version": "1" (a string) used to throw from TryGetInt32 and end every run; a FIFO named
        // *.json blocked the search forever.
        using var s = new Setup("alpha");
        File.WriteAllText(Path.Combine(s.Folder, "bad.json"), """{"manifest_version": "1", "name": "x", "library_path": "x.so", "abi_version": "1.0"}""");
        File.WriteAllText(Path.Combine(s.Folder, "true.json"), """{"manifest_version": true, "name": "y", "library_path": "y.so", "abi_version": "1.0"}""");
        File.WriteAllText(Path.Combine(s.Folder, "deep.json"), new string('[', 100_000));
        File.WriteAllText(Path.Combine(s.Folder, "slash.json"), ManifestJson("a/b", "x.so"));
        Fifo.Make(Path.Combine(s.Folder, "zz.json"));
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--shots", "4"], s.Env(), timeoutSeconds: 30);
        Assert.True(r.Exit == 0, r.Err);
        r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", "alpha", "--shots", "4"], s.Env(), timeoutSeconds: 30);
        Assert.True(r.Exit == 0, r.Err);
        r = CliRunner.Run(["backends"], s.Env(), timeoutSeconds: 30);
        Assert.Equal(0, r.Exit);
        Assert.Contains("bad.json: \"manifest_version\" must be the number 1, found the string \"1\"", r.Out);
        Assert.Contains("true.json: \"manifest_version\" must be the number 1, found true", r.Out);
        Assert.Contains("deep.json: the JSON nests deeper than 64 levels", r.Out);
        Assert.Contains("slash.json: \"name\" 'a/b' must be", r.Out);
        Assert.Contains("zz.json: cannot read backend manifest:", r.Out);
        Assert.Contains("is a named pipe (FIFO), not a regular file", r.Out);
    }

    [Fact]
    public void TheCTemplateResolvesByName()
    {
        // ./qiboaccel build puts libqibo_example_c.so and its manifest in build/examples, which is searched.
        var r = CliRunner.Run("run", "examples/circuits/bell.qasm", "--backend", "example-c", "--shots", "200", "--seed", "5", "--json");
        Assert.True(r.Exit == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var freq = doc.RootElement.GetProperty("frequencies");
        Assert.Equal(200, freq.EnumerateObject().Sum(kv => kv.Value.GetInt32()));
        Assert.All(freq.EnumerateObject(), kv => Assert.Contains(kv.Name, new[] { "00", "11" }));
        // Same seed, same shots as on cpu: the host supplies the randoms and the ABI fixes the rule.
        var cpu = CliRunner.Run("run", "examples/circuits/bell.qasm", "--shots", "200", "--seed", "5", "--json");
        using var cpuDoc = JsonDocument.Parse(cpu.Out);
        Assert.Equal(cpuDoc.RootElement.GetProperty("frequencies").ToString(), freq.ToString());
    }

    [Fact]
    public void SearchFoldersComeInTheDocumentedOrder()
    {
        var folders = BackendDiscovery.SearchFolders();
        Assert.Equal(ManifestFolderKind.Program, folders.First(f => f.Path.EndsWith("/backends", StringComparison.Ordinal)).Kind);
        Assert.Contains(folders, f => f.Path.EndsWith("/examples", StringComparison.Ordinal) && f.Kind == ManifestFolderKind.Program);
        Assert.Equal(["/usr/local/share/qiboaccel/backends", "/usr/share/qiboaccel/backends"], folders.TakeLast(2).Select(f => f.Path));
        Assert.Equal(new HashSet<string> { "cpu", "gpu", "python" }, BackendDiscovery.ReservedNames);
    }
}
