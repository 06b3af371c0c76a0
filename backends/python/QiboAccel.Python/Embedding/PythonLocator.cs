using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using QiboAccel.Safety;

namespace QiboAccel.Python.Embedding;

/// <summary>Where the interpreter came from: a dlopen handle to resolve the C API from, and what to tell users.</summary>
/// <param name="Handle">dlopen handle of libpython (or of the main program when the host is Python itself).</param>
/// <param name="Library">Path of the loaded libpython, or a description of where the symbols were found.</param>
/// <param name="Executable">The python executable the library belongs to (program name for the interpreter), or null.</param>
/// <param name="HostIsPython">True when the host process already contains CPython (e.g. qibo calling QiboAccel).</param>
internal sealed record PythonRuntime(nint Handle, string Library, string? Executable, bool HostIsPython);

/// <summary>
/// Finds the CPython shared library to embed. In order:
/// <list type="number">
/// <item>the host process itself, when it already contains CPython (a Python program loading QiboAccel);</item>
/// <item><c>QIBOACCEL_LIBPYTHON</c>: the path of a libpython3.X.so to load as is;</item>
/// <item><c>QIBOACCEL_PYTHON</c>: a python executable, asked (as a child process) for its LIBDIR and INSTSONAME/LDLIBRARY;</item>
/// <item>otherwise Debian's <c>/usr/bin/python3</c> first, then every <c>python3</c> on PATH, asked the same way;</item>
/// <item>last, libpython3.13 … 3.8 by soname through the dynamic linker's search path.</item>
/// </list>
/// The library is loaded with RTLD_GLOBAL: extension modules such as numpy's are not linked against libpython and
/// expect its symbols to be global.
/// </summary>
internal static unsafe class PythonLocator
{
    /// <summary>Environment variable naming the python executable to embed.</summary>
    public const string PythonVariable = "QIBOACCEL_PYTHON";

    /// <summary>Environment variable naming the libpython3.X.so to embed.</summary>
    public const string LibraryVariable = "QIBOACCEL_LIBPYTHON";

    /// <summary>How to get a working Python, appended to every "not found" message.</summary>
    public const string InstallHint =
        "install Debian's Python 3 with numpy and its shared library: apt-get install python3-numpy libpython3-dev "
        + "(libpython3.11 is enough at run time), or set " + PythonVariable + " to a python executable built with a shared "
        + "libpython (or " + LibraryVariable + " to the libpython3.X.so itself)";

    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    private static extern nint DlOpen(byte* file, int mode);

    [DllImport("libc.so.6", EntryPoint = "dlerror")]
    private static extern byte* DlError();

    // Asked of each candidate python: everything needed to find its shared library.
    private const string QueryScript =
        "import sys, sysconfig\n"
        + "v = sysconfig.get_config_var\n"
        + "print(sys.executable)\n"
        + "print('%d.%d' % sys.version_info[:2])\n"
        + "for k in ('LIBDIR', 'INSTSONAME', 'LDLIBRARY', 'MULTIARCH', 'Py_ENABLE_SHARED'): print(v(k) or '')\n"
        + "print(sys.base_prefix)\n";

    /// <summary>Loads a libpython as described above; throws a <see cref="BridgeException"/> saying what is missing.</summary>
    public static PythonRuntime Load()
    {
        nint main = NativeLibrary.GetMainProgramHandle();
        if (NativeLibrary.TryGetExport(main, "Py_IsInitialized", out _) && NativeLibrary.TryGetExport(main, "PyGILState_Ensure", out _))
        {
            return new PythonRuntime(main, "the host process (CPython is already loaded)", null, HostIsPython: true);
        }

        string? libraryOverride = Environment.GetEnvironmentVariable(LibraryVariable);
        string? pythonOverride = Environment.GetEnvironmentVariable(PythonVariable);
        if (!string.IsNullOrEmpty(pythonOverride) && !Path.IsPathRooted(pythonOverride))
        {
            throw BridgeException.Invalid($"{PythonVariable}={MessageText.Clip(pythonOverride)} is not an absolute path; give the full path of a python executable");
        }
        if (!string.IsNullOrEmpty(libraryOverride))
        {
            if (!Path.IsPathRooted(libraryOverride))
            {
                throw BridgeException.Invalid($"{LibraryVariable}={MessageText.Clip(libraryOverride)} is not an absolute path; give the full path of a libpython3.X.so");
            }
            // Checked from its bytes before dlopen, which would run the library's constructors.
            string? problem = File.Exists(libraryOverride) ? Vet(libraryOverride) : "the file does not exist";
            nint handle = 0;
            if (problem is null && !TryOpen(libraryOverride, out handle, out string error)) problem = error;
            if (problem is not null)
            {
                throw BridgeException.Device($"{LibraryVariable}={MessageText.Clip(libraryOverride)} cannot be loaded: {problem}; {InstallHint}");
            }
            string? executable = !string.IsNullOrEmpty(pythonOverride) ? pythonOverride : GuessExecutable(libraryOverride);
            return new PythonRuntime(handle, libraryOverride, executable, HostIsPython: false);
        }

        var attempts = new List<string>();
        IEnumerable<string> candidates = !string.IsNullOrEmpty(pythonOverride) ? [pythonOverride] : DefaultExecutables();
        foreach (string python in candidates)
        {
            PythonRuntime? runtime = TryExecutable(python, attempts);
            if (runtime is not null) return runtime;
        }
        if (!string.IsNullOrEmpty(pythonOverride))
        {
            throw BridgeException.Device($"{PythonVariable}={pythonOverride} is not usable: {string.Join("; ", attempts)}; {InstallHint}");
        }

        // No python executable answered: try the dynamic linker's search path by soname.
        for (int minor = 13; minor >= 8; minor--)
        {
            foreach (string name in new[] { $"libpython3.{minor}.so.1.0", $"libpython3.{minor}.so" })
            {
                if (TryOpen(name, out nint handle, out _)) return new PythonRuntime(handle, name, GuessExecutable(name), HostIsPython: false);
            }
        }
        attempts.Add("no libpython3.8 to 3.13 on the dynamic linker's search path");
        throw BridgeException.Device($"Python 3 is not available to the python bridge: {string.Join("; ", attempts)}; {InstallHint}");
    }

    /// <summary>/usr/bin/python3 (Debian's, which finds Debian's numpy), then each python3 on PATH.</summary>
    private static IEnumerable<string> DefaultExecutables()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string> { "/usr/bin/python3" };
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            // A relative PATH entry means "the current folder": never run a python3 found there.
            if (Path.IsPathRooted(dir)) list.Add(Path.Combine(dir, "python3"));
        }
        foreach (string path in list)
        {
            if (!File.Exists(path) || UnixFile.Distrust(path) is not null) continue;
            string real = RealPath(path);
            if (seen.Add(real)) yield return path;
        }
        if (seen.Count == 0) yield return "python3"; // reported as "not found" below
    }

    private static string RealPath(string path)
    {
        try
        {
            FileSystemInfo? target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? Path.GetFullPath(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return path;
        }
    }

    private static PythonRuntime? TryExecutable(string python, List<string> attempts)
    {
        if (File.Exists(python) && UnixFile.Distrust(python) is { } distrust)
        {
            attempts.Add($"{MessageText.Clip(python)}: not run: {distrust}");
            return null;
        }
        string[] lines;
        try
        {
            lines = Query(python);
        }
        catch (Exception e) when (e is not BridgeException)
        {
            attempts.Add($"{python}: cannot run it ({e.Message})");
            return null;
        }
        if (lines.Length < 8)
        {
            attempts.Add($"{python}: unexpected answer to the sysconfig query: {string.Join(" | ", lines)}");
            return null;
        }
        string executable = lines[0].Length > 0 ? lines[0] : python, version = lines[1], libdir = lines[2], soname = lines[3];
        string ldlibrary = lines[4], multiarch = lines[5], shared = lines[6], prefix = lines[7];
        var files = new List<string>();
        foreach (string name in new[] { soname, ldlibrary, $"libpython{version}.so.1.0", $"libpython{version}.so" })
        {
            if (name.Length == 0 || !name.Contains(".so", StringComparison.Ordinal)) continue;
            foreach (string dir in new[] { libdir, Path.Combine(libdir, multiarch), Path.Combine(prefix, "lib"), Path.Combine(prefix, "lib", multiarch) })
            {
                if (dir.Length == 0) continue;
                string file = Path.Combine(dir, name);
                if (!files.Contains(file)) files.Add(file);
            }
        }
        var errors = new List<string>();
        foreach (string file in files)
        {
            if (!File.Exists(file)) continue;
            if (Vet(file) is { } problem)
            {
                errors.Add($"{file}: {problem}");
                continue;
            }
            if (TryOpen(file, out nint handle, out string error)) return new PythonRuntime(handle, file, executable, HostIsPython: false);
            errors.Add($"{file}: {error}");
        }
        if (errors.Count > 0)
        {
            attempts.Add($"{python} (Python {version}): its library cannot be loaded: {string.Join("; ", errors)}");
        }
        else if (shared != "1" && !ldlibrary.Contains(".so", StringComparison.Ordinal))
        {
            attempts.Add($"{python} (Python {version}) was built without a shared libpython (LDLIBRARY={ldlibrary}); "
                + "use Debian's /usr/bin/python3 or a Python built with --enable-shared");
        }
        else
        {
            attempts.Add($"{python} (Python {version}): libpython{version}.so is not installed (looked for {string.Join(", ", files)}); "
                + $"apt-get install libpython{version}");
        }
        return null;
    }

    private static string[] Query(string python)
    {
        if (python.Contains('/') && !File.Exists(python)) throw new FileNotFoundException("no such file");
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        // -s: the user's site-packages stay out of the query as they do out of the embedded interpreter (their .pth
        // files would run code), unless asked for.
        if (Environment.GetEnvironmentVariable(Interpreter.UserSiteVariable) is not ("1" or "true" or "yes")) psi.ArgumentList.Add("-s");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(QueryScript);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("the process did not start");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            throw new TimeoutException("no answer within 30 s");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string error = stderr.Result.Trim();
            throw new InvalidOperationException($"exit code {process.ExitCode}{(error.Length > 0 ? ": " + error : "")}");
        }
        return stdout.Result.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }

    /// <summary>python3.X next to or above a libpython3.X.so, for the interpreter's program name (its prefix).</summary>
    private static string? GuessExecutable(string library)
    {
        string file = Path.GetFileName(library);
        if (!file.StartsWith("libpython", StringComparison.Ordinal)) return null;
        string version = file["libpython".Length..];
        int so = version.IndexOf(".so", StringComparison.Ordinal);
        if (so <= 0) return null;
        version = version[..so];
        string? dir = Path.GetDirectoryName(Path.GetFullPath(library));
        var candidates = new List<string>();
        if (dir is not null)
        {
            candidates.Add(Path.Combine(dir, "..", "bin", "python" + version));
            candidates.Add(Path.Combine(dir, "..", "..", "bin", "python" + version));
        }
        candidates.Add("/usr/bin/python" + version);
        return candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Why the library at <paramref name="path"/> must not be loaded as libpython, or null: it must belong to this user
    /// or root, sit in a folder others cannot write, and be a shared library for this machine exporting the C API's
    /// entry points — all decided from the file before dlopen runs any of its code.
    /// </summary>
    private static string? Vet(string path)
    {
        if (UnixFile.Distrust(path) is { } distrust) return $"refused: {distrust}";
        return ElfImage.Problem(path, "Py_InitializeEx", "PyGILState_Ensure") is { } problem ? $"'{MessageText.Clip(path)}' {problem}" : null;
    }

    private static bool TryOpen(string path, out nint handle, out string error)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(path + "\0");
        DlError(); // binds the import (which may itself call dlerror) and clears any earlier error
        fixed (byte* p = utf8)
        {
            handle = DlOpen(p, RtldNow | RtldGlobal);
        }
        if (handle != 0)
        {
            error = "";
            return true;
        }
        byte* text = DlError();
        error = text == null ? "dlopen failed" : Marshal.PtrToStringUTF8((nint)text) ?? "dlopen failed";
        return false;
    }
}
