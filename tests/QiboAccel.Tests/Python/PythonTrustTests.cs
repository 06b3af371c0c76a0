using System.Diagnostics;
using QiboAccel.Tests.Loader;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Python;

/// <summary>
/// The python bridge's knobs (finding S4): QIBOACCEL_LIBPYTHON is vetted from its bytes before it is loaded,
/// QIBOACCEL_PYTHON and the python folders must be absolute, the user's site-packages (and their .pth files, which run
/// code at start-up) are left out unless QIBOACCEL_PYTHON_USER_SITE=1, and a Python traceback stays behind --debug.
/// Each case runs the program in a child process, which is where the environment takes effect.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class PythonTrustTests(HostileBackends hostile) : IClassFixture<HostileBackends>
{
    private static Dictionary<string, string?> Env(params (string Key, string? Value)[] pairs)
    {
        var env = new Dictionary<string, string?> { ["QIBOACCEL_PYTHON"] = null, ["QIBOACCEL_LIBPYTHON"] = null, ["QIBOACCEL_PYTHONPATH"] = null };
        foreach (var (k, v) in pairs) env[k] = v;
        return env;
    }

    [Fact]
    public void ALibpythonOverrideIsVettedBeforeItIsLoaded()
    {
        using var dir = new TempFolder();
        string marker = dir.Combine("marker");
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", "python@numpy"],
            Env(("QIBOACCEL_LIBPYTHON", hostile.PathOf("HOSTILE_CTOR_ONLY")), ("QIBOACCEL_TEST_MARKER", marker)));
        Assert.Equal(1, r.Exit);
        Assert.Contains("does not export Py_InitializeEx", r.ErrorLine);
        Assert.False(File.Exists(marker), "the library named by QIBOACCEL_LIBPYTHON ran its constructor before being refused");
    }

    [Theory]
    [InlineData("QIBOACCEL_LIBPYTHON", "libpython3.11.so", "is not an absolute path")]
    [InlineData("QIBOACCEL_PYTHON", "python3", "is not an absolute path")]
    [InlineData("QIBOACCEL_PYTHONPATH", "python", "python folders must be absolute paths")]
    public void RelativeOverridesAreRefused(string variable, string value, string message)
    {
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", "python@numpy"], Env((variable, value)));
        Assert.Equal(1, r.Exit);
        Assert.Contains(message, r.ErrorLine);
    }

    [Fact]
    public void PythonFoldersOthersCanWriteAreRefused()
    {
        using var dir = new TempFolder();
        string open = dir.Combine("open");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, (UnixFileMode)0x1ff);
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", $"python@numpy;pythonpath={open}"], Env());
        Assert.Equal(1, r.Exit);
        Assert.Contains($"python folder '{open}' refused: the folder '{open}' is writable by every user", r.ErrorLine);
    }

    [Fact]
    public void TheUsersSitePackagesAreLeftOutUnlessAskedFor()
    {
        using var dir = new TempFolder();
        string home = dir.Combine("home"), marker = dir.Combine("marker");
        // Where this Python looks for the user's site-packages under that HOME.
        var query = new ProcessStartInfo("/usr/bin/python3", ["-c", "import site; print(site.getusersitepackages())"]) { RedirectStandardOutput = true };
        query.Environment["HOME"] = home;
        using (var p = Process.Start(query)!)
        {
            string site = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            Assert.StartsWith(home, site);
            Directory.CreateDirectory(site);
            File.WriteAllText(Path.Combine(site, "zz_marker.pth"), $"import os; open({Quote(marker)}, 'a').write('pth ran\\n')\n");
        }
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", "python@numpy", "--shots", "4"], Env(("HOME", home)));
        Assert.True(r.Exit == 0, r.Err);
        Assert.False(File.Exists(marker), "a .pth file in the user's site-packages ran");
        r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", "python@numpy", "--shots", "4"],
            Env(("HOME", home), ("QIBOACCEL_PYTHON_USER_SITE", "1")));
        Assert.True(r.Exit == 0, r.Err);
        // Asked for, it is read (by the embedded interpreter and by the python asked where its library is).
        Assert.StartsWith("pth ran\n", File.ReadAllText(marker));
    }

    [Fact]
    public void APythonTracebackStaysBehindDebug()
    {
        using var dir = new TempFolder();
        dir.File("qibo_backend_qa_boom.py", "def create_backend(options=''):\n    raise RuntimeError('boom from create_backend')\n");
        var r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", $"python@qa_boom;pythonpath={dir.Path}"], Env());
        Assert.Equal(1, r.Exit);
        Assert.Contains("boom from create_backend", r.ErrorLine);
        Assert.Contains("(run with --debug for details)", r.ErrorLine);
        r = CliRunner.Run(["run", "examples/circuits/bell.qasm", "--backend", $"python@qa_boom;pythonpath={dir.Path}", "--debug"], Env());
        Assert.Equal(1, r.Exit);
        Assert.Contains("traceback", r.Err);
        Assert.Contains("qibo_backend_qa_boom.py", r.Err);
    }

    private static string Quote(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
