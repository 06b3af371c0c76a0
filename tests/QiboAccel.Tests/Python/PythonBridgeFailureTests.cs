using System.Diagnostics;
using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Python;

/// <summary>
/// Small throwaway Python backends written into a temporary folder, which the tests put on sys.path through the
/// bridge's options (<c>NAME;pythonpath=DIR</c>). Module names are unique to this process's run (the interpreter
/// caches imported modules for the life of the process).
/// </summary>
public sealed class ThrowawayPythonBackends : IDisposable
{
    public ThrowawayPythonBackends()
    {
        Folder = Directory.CreateTempSubdirectory("qiboaccel-python-").FullName;
        Write("qa_raises", """
            from qibo_backend_numpy import NumpyBackend, NumpyState


            class ExplodingState(NumpyState):
                def apply(self, ops, qubits, matrices, randoms, cbits):
                    self._explode(len(ops))

                def _explode(self, n):
                    raise RuntimeError(f"the state exploded after {n} ops")


            class Backend(NumpyBackend):
                def create_state(self, n_qubits, precision):
                    import numpy as np
                    return ExplodingState(n_qubits, np.dtype(precision))


            def create_backend():
                return Backend()
            """);
        Write("qa_opindex", """
            from qibo_backend_numpy import NumpyBackend, NumpyState
            from qiboaccel_bridge import BackendError, ERROR_UNSUPPORTED


            class PickyState(NumpyState):
                def apply(self, ops, qubits, matrices, randoms, cbits):
                    # applies the first op, then refuses the second
                    super().apply(ops[:1], qubits, matrices, randoms, cbits)
                    raise BackendError("op 1 is not to my taste", ERROR_UNSUPPORTED, op_index=1)


            class Backend(NumpyBackend):
                def create_state(self, n_qubits, precision):
                    import numpy as np
                    return PickyState(n_qubits, np.dtype(precision))


            def create_backend():
                return Backend()
            """);
        Write("qa_badinfo", """
            class Backend:
                def info(self):
                    return {"name": "badinfo", "max_qubits": "many", "native_ops": ["MATRIX", "MEASURE"]}

                def create_state(self, n_qubits, precision):
                    raise AssertionError("never called")


            def create_backend():
                return Backend()
            """);
        Write("qa_badreturns", """
            from qibo_backend_numpy import NumpyBackend, NumpyState


            class ListState(NumpyState):
                def probabilities(self, qubits):
                    return [0.5] * (2 ** len(qubits))  # a list, not a float64 array

                def sample(self, qubits, randoms):
                    import numpy as np
                    return np.zeros(len(randoms) + 1, dtype=np.uint64)  # one outcome too many


            class Backend(NumpyBackend):
                def create_state(self, n_qubits, precision):
                    import numpy as np
                    if n_qubits == 3:
                        return None
                    return ListState(n_qubits, np.dtype(precision))


            def create_backend():
                return Backend()
            """);
        Write("qa_nofactory", """
            def make_backend():
                return None
            """);
        Write("qa_syntax", """
            def create_backend(:
                return None
            """);
        Write("qa_missingdep", """
            import qiboaccel_no_such_dependency


            def create_backend():
                return None
            """);
    }

    public string Folder { get; }

    /// <summary>The bridge options loading throwaway backend <paramref name="name"/>.</summary>
    public string Options(string name) => $"{name};pythonpath={Folder}";

    private void Write(string name, string source)
    {
        string package = Path.Combine(Folder, "qibo_backend_" + name);
        Directory.CreateDirectory(package);
        File.WriteAllText(Path.Combine(package, "__init__.py"), source + "\n");
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>Every way a Python backend can be missing or wrong gives a clear error naming the cause, never a crash.</summary>
public class PythonBridgeFailureTests(ThrowawayPythonBackends packages) : IClassFixture<ThrowawayPythonBackends>
{
    private static IBackend Load(string options) => TestBackends.Load("backends", "python.json", options);

    private static BackendException LoadFails(string options) => Assert.Throws<BackendException>(() => Load(options).Dispose());

    private static OpBatch XThenX(int n)
    {
        var batch = new OpBatch(n);
        batch.Add(QiboOpKind.Matrix, [0], [], matrix: Analytic.Flatten(Analytic.PauliX));
        batch.Add(QiboOpKind.Matrix, [1], [], matrix: Analytic.Flatten(Analytic.PauliX));
        return batch;
    }

    [Fact]
    public void MissingPackage()
    {
        var e = LoadFails(packages.Options("qa_nosuch"));
        Assert.Equal(QiboErrorCode.InvalidArgument, e.Code);
        Assert.Contains("no Python backend 'qa_nosuch'", e.Message);
        Assert.Contains("qibo_backend_qa_nosuch", e.Message);
        Assert.Contains("QIBOACCEL_PYTHONPATH", e.Message);
        Assert.Contains(packages.Folder, e.Message); // the searched sys.path is listed
    }

    [Fact]
    public void TheHostsLanguageSpecifierReachesTheBridge()
    {
        // python@NAME is parsed by the host into the bridge's options string "NAME".
        var spec = Discovery.BackendSpecifier.Parse("python@qa_nosuch");
        Assert.Equal("python", spec.Name);
        Assert.Equal("qa_nosuch", spec.Options);
        Assert.Contains("no Python backend 'qa_nosuch'", LoadFails(spec.Options).Message);
    }

    [Fact]
    public void ExceptionInApplyCarriesTypeTextAndTraceback()
    {
        using var backend = Load(packages.Options("qa_raises"));
        using var state = backend.CreateState(2);
        var e = Assert.Throws<BackendException>(() => state.Apply(XThenX(2)));
        Assert.Equal(QiboErrorCode.Internal, e.Code);
        Assert.Contains("RuntimeError: the state exploded after 2 ops", e.Message);
        Assert.Contains("qibo_backend_qa_raises", e.Message);
        Assert.Contains("traceback", e.Message);
        Assert.Contains("line 9, in _explode", e.Message); // the raising frame of the backend's source
        Assert.Contains("raise RuntimeError", e.Message);
        Assert.Equal(-1, e.OpIndex); // the exception did not say which op failed
    }

    [Fact]
    public void OpIndexAttributeNamesTheFailingOp()
    {
        using var backend = Load(packages.Options("qa_opindex"));
        using var state = backend.CreateState(2);
        var e = Assert.Throws<BackendException>(() => state.Apply(XThenX(2)));
        Assert.Equal(QiboErrorCode.Unsupported, e.Code);
        Assert.Equal(1, e.OpIndex);
        Assert.Contains("BackendError: op 1 is not to my taste", e.Message);
        var amps = new Complex[4];
        state.GetAmplitudes(0, amps);
        Assert.Equal(1.0, amps[2].Real, 12); // op 0 (X on qubit 0) stays applied
    }

    [Fact]
    public void InvalidRecordsNeverReachPython()
    {
        // The bridge validates records itself: the Python backend gets the valid prefix, the error names the bad op.
        using var backend = Load(packages.Options("qa_raises"));
        using var state = backend.CreateState(2);
        var batch = new OpBatch(2);
        batch.Add(QiboOpKind.Matrix, [7], [], matrix: Analytic.Flatten(Analytic.PauliX));
        var e = Assert.Throws<BackendException>(() => state.Apply(batch));
        Assert.Equal(QiboErrorCode.InvalidArgument, e.Code);
        Assert.Equal(0, e.OpIndex);
        Assert.DoesNotContain("RuntimeError", e.Message);
    }

    [Fact]
    public void WrongTypeInInfo()
    {
        var e = LoadFails(packages.Options("qa_badinfo"));
        Assert.Contains("TypeError", e.Message);
        Assert.Contains("info()['max_qubits'] must be an int, got str", e.Message);
    }

    [Fact]
    public void WrongReturnTypes()
    {
        using var backend = Load(packages.Options("qa_badreturns"));
        var none = Assert.Throws<BackendException>(() => backend.CreateState(3).Dispose());
        Assert.Contains("create_state() returned None", none.Message);

        using var state = backend.CreateState(2);
        var list = Assert.Throws<BackendException>(() => state.Probabilities([0, 1]));
        Assert.Contains("probabilities() must return a numpy.ndarray", list.Message);
        Assert.Contains("got list", list.Message);

        var outcomes = new ulong[4];
        var size = Assert.Throws<BackendException>(() => state.Sample([0], [0.1, 0.2, 0.3, 0.4], outcomes));
        Assert.Contains("sample() returned an array of shape (5,); expected (4,)", size.Message);
    }

    [Fact]
    public void ModuleWithoutCreateBackend()
    {
        var e = LoadFails(packages.Options("qa_nofactory"));
        Assert.Contains("has no create_backend() function", e.Message);
    }

    [Fact]
    public void PackageWithASyntaxError()
    {
        var e = LoadFails(packages.Options("qa_syntax"));
        Assert.Contains("SyntaxError", e.Message);
        Assert.Contains(Path.Combine(packages.Folder, "qibo_backend_qa_syntax", "__init__.py"), e.Message);
        Assert.Contains("def create_backend(:", e.Message);
    }

    [Fact]
    public void PackageWithAMissingDependency()
    {
        var e = LoadFails(packages.Options("qa_missingdep"));
        Assert.Contains("needs the module 'qiboaccel_no_such_dependency'", e.Message);
        Assert.Contains("pip install qiboaccel_no_such_dependency", e.Message);
    }

    [Fact]
    public void MalformedOptions()
    {
        Assert.Contains("expected NAME[:OPTIONS]", LoadFails("not a name").Message);
        Assert.Contains("unknown setting 'colour'", LoadFails("numpy;colour=blue").Message);
        Assert.Contains("takes no options", LoadFails("numpy:fast").Message); // passed on to create_backend("fast")
    }

    [Fact]
    public void CpuGpuAndPythonBackendsInOneProcess()
    {
        using var cpu = TestBackends.Load("backends", "cpu.json");
        using var gpu = TestBackends.Load("backends", "gpu.json", "opencl:0");
        using var python = Load("numpy");
        Assert.Equal("cpu", cpu.Info.Name);
        Assert.Equal("numpy", python.Info.Name);
        var circuits = Enumerable.Range(0, 6).Select(i => RandomCircuits.Create(7, 30, new Random(40 + i))).ToArray();
        var fromCpu = new Complex[circuits.Length][];
        var fromGpu = new Complex[circuits.Length][];
        var fromPython = new Complex[circuits.Length][];
        // Three libraries (three NativeAOT runtimes, PoCL and the embedded interpreter) from several threads at once.
        Parallel.For(0, 3 * circuits.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            int i = k / 3;
            switch (k % 3)
            {
                case 0: fromCpu[i] = cpu.Execute(circuits[i], seed: 3).State!; break;
                case 1: fromGpu[i] = gpu.Execute(circuits[i], seed: 3).State!; break;
                default: fromPython[i] = python.Execute(circuits[i], seed: 3).State!; break;
            }
        });
        for (int i = 0; i < circuits.Length; i++)
        {
            Check.StatesClose(fromCpu[i], fromPython[i], 1e-10, circuits[i]);
            Check.StatesClose(fromCpu[i], fromGpu[i], 1e-10, circuits[i]);
        }

        var bell = new Circuit(2).Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]);
        bell.Measure(0, 1);
        var a = cpu.Execute(bell, 500, seed: 9, returnState: false);
        var b = python.Execute(bell, 500, seed: 9, returnState: false);
        Assert.Equal(a.Frequencies, b.Frequencies); // same host randoms, same ABI rules, same shots
    }
}

/// <summary>
/// "Which Python" cases need a fresh process (the interpreter starts once per process): a small C host
/// (python_host.c, built with gcc) loads libqibo_python.so under a chosen environment.
/// </summary>
public sealed class PythonHostProgram : IDisposable
{
    public PythonHostProgram()
    {
        Folder = Directory.CreateTempSubdirectory("qiboaccel-python-host-").FullName;
        Program = Path.Combine(Folder, "python_host");
        var psi = new ProcessStartInfo("gcc", ["-std=c99", "-Wall", "-Werror", "-I", RepoPaths.Combine("abi", "include"), "-o", Program,
            RepoPaths.Combine("tests", "QiboAccel.Tests", "Python", "python_host.c"), "-ldl", "-lm"])
        {
            RedirectStandardError = true,
        };
        using var gcc = Process.Start(psi) ?? throw new InvalidOperationException("gcc is required for the python bridge tests");
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0) throw new InvalidOperationException($"gcc failed for python_host.c: {errors}");
    }

    public string Folder { get; }

    public string Program { get; }

    /// <summary>build/backends/libqibo_python.so.</summary>
    public static string Library
    {
        get
        {
            string library = RepoPaths.Combine("build", "backends", "libqibo_python.so");
            Assert.True(File.Exists(library), $"{library} is missing: build the backends first with ./qiboaccel build (./run-tests does it)");
            return library;
        }
    }

    /// <summary>Runs the host on build/backends/libqibo_python.so; returns its exit code and output.</summary>
    public (int Code, string Output) Run(string options, params (string Name, string? Value)[] environment)
        => RunWith(Library, options, environment);

    /// <summary>Runs the host on <paramref name="library"/>; returns its exit code and output.</summary>
    public (int Code, string Output) RunWith(string library, string options, params (string Name, string? Value)[] environment)
    {
        var psi = new ProcessStartInfo(Program, [library, options]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            if (value is null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        }
        using var run = Process.Start(psi)!;
        Task<string> stderr = run.StandardError.ReadToEndAsync();
        string output = run.StandardOutput.ReadToEnd();
        Assert.True(run.WaitForExit(120_000), "python_host did not finish within 2 minutes");
        return (run.ExitCode, output + stderr.Result);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public class PythonRuntimeLocationTests(PythonHostProgram host) : IClassFixture<PythonHostProgram>
{
    private static readonly (string, string?)[] Clean =
        [("QIBOACCEL_PYTHON", null), ("QIBOACCEL_LIBPYTHON", null), ("QIBOACCEL_PYTHONPATH", null)];

    [Fact]
    public void ANonPythonHostEmbedsTheDefaultPython()
    {
        var (code, output) = host.Run("numpy", Clean);
        Assert.True(code == 0, output);
        Assert.Contains("info: numpy numpy", output);
        Assert.Contains("amplitudes: 0.707107 0.000000 0.000000 0.707107", output);
    }

    [Fact]
    public void MissingPythonSaysWhatToInstall()
    {
        var (code, output) = host.Run("numpy", [.. Clean, ("QIBOACCEL_PYTHON", "/nonexistent/bin/python3")]);
        Assert.Equal(1, code);
        Assert.Contains($"error {(int)QiboErrorCode.Device}:", output);
        Assert.Contains("QIBOACCEL_PYTHON=/nonexistent/bin/python3 is not usable", output);
        Assert.Contains("apt-get install python3-numpy libpython3-dev", output);
    }

    [Fact]
    public void UnloadableLibpythonSaysWhatToInstall()
    {
        var (code, output) = host.Run("numpy", [.. Clean, ("QIBOACCEL_LIBPYTHON", "/nonexistent/libpython3.99.so")]);
        Assert.Equal(1, code);
        Assert.Contains("QIBOACCEL_LIBPYTHON=/nonexistent/libpython3.99.so cannot be loaded", output);
        Assert.Contains("apt-get install python3-numpy libpython3-dev", output);
    }

    [Fact]
    public void MissingNumpySaysWhatToInstall()
    {
        // A folder on QIBOACCEL_PYTHONPATH whose "numpy" fails to import exactly as an absent numpy does.
        string shadow = Directory.CreateTempSubdirectory("qiboaccel-no-numpy-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(shadow, "numpy"));
            File.WriteAllText(Path.Combine(shadow, "numpy", "__init__.py"), "raise ModuleNotFoundError(\"No module named 'numpy'\", name='numpy')\n");
            var (code, output) = host.Run("numpy", [.. Clean, ("QIBOACCEL_PYTHONPATH", shadow)]);
            Assert.Equal(1, code);
            Assert.Contains("numpy is missing from the Python at", output);
            Assert.Contains("apt-get install python3-numpy libpython3-dev", output);
            Assert.Contains("QIBOACCEL_PYTHON", output);
        }
        finally
        {
            Directory.Delete(shadow, recursive: true);
        }
    }

    [Fact]
    public void WithoutItsManifestTheLibraryUsesItsEmbeddedBridgeModule()
    {
        // A copy of the library with no manifest beside it: no python_path, so qiboaccel_bridge comes from the copy
        // embedded in the library and qibo_backend_numpy from QIBOACCEL_PYTHONPATH.
        string folder = Directory.CreateTempSubdirectory("qiboaccel-bare-bridge-").FullName;
        try
        {
            string copy = Path.Combine(folder, "libqibo_python.so");
            File.Copy(PythonHostProgram.Library, copy);
            var (code, output) = host.RunWith(copy, "numpy", [.. Clean, ("QIBOACCEL_PYTHONPATH", RepoPaths.Combine("python"))]);
            Assert.True(code == 0, output);
            Assert.Contains("amplitudes: 0.707107 0.000000 0.000000 0.707107", output);
            (code, output) = host.RunWith(copy, "nosuch", Clean);
            Assert.Equal(1, code);
            Assert.Contains("no Python backend 'nosuch'", output); // formatted by the embedded module
            Assert.DoesNotContain(RepoPaths.Combine("python") + ":", output); // the repository's folder is not on sys.path
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void PythonPathVariableFindsBackends()
    {
        string folder = Directory.CreateTempSubdirectory("qiboaccel-pythonpath-").FullName;
        try
        {
            string package = Path.Combine(folder, "qibo_backend_qa_envpath");
            Directory.CreateDirectory(package);
            File.WriteAllText(Path.Combine(package, "__init__.py"), """
                from qibo_backend_numpy import NumpyBackend


                class Backend(NumpyBackend):
                    def info(self):
                        return dict(super().info(), name="envpath", device="from QIBOACCEL_PYTHONPATH")


                def create_backend():
                    return Backend()
                """ + "\n");
            var (code, output) = host.Run("qa_envpath", [.. Clean, ("QIBOACCEL_PYTHONPATH", folder)]);
            Assert.True(code == 0, output);
            Assert.Contains("info: envpath from QIBOACCEL_PYTHONPATH", output);
            Assert.Contains("amplitudes: 0.707107 0.000000 0.000000 0.707107", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
