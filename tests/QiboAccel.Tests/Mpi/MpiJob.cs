using System.Diagnostics;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Mpi;

/// <summary>
/// Starts jobs under Open MPI's mpirun (Debian's openmpi-bin; ./run-tests installs it through scripts/apt-ensure).
/// Runs as root are allowed through the environment (CI runs as root) and more ranks than cores through
/// --oversubscribe (CI has 2 cores). A job that outlives its timeout is killed and the test fails: the mpi mode
/// promises never to hang.
/// </summary>
internal static class MpiJob
{
    private const string Install = "OpenMPI is needed for the mpi-mode tests: ./run-tests installs it (scripts/apt-ensure libopenmpi-dev openmpi-bin), " +
                                   "or run apt-get install libopenmpi-dev openmpi-bin, then ./qiboaccel build";

    /// <summary>mpirun's path; fails the test with an install hint when OpenMPI or the shim is missing.</summary>
    public static string Mpirun()
    {
        string? found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "mpirun")).FirstOrDefault(File.Exists);
        Assert.True(found is not null, $"mpirun is not on PATH. {Install}");
        string shim = RepoPaths.Combine("build", "backends", "libqibo_mpi_shim.so");
        Assert.True(File.Exists(shim), $"{shim} is missing (the backends were built without mpicc). {Install}");
        return found!;
    }

    /// <summary>The CLI as users run it under mpirun: the NativeAOT executable build/cli/qiboaccel.</summary>
    public static string[] Cli(params string[] args)
    {
        string cli = CliProgram.Path;
        Assert.True(File.Exists(cli), $"{cli} is missing: run ./qiboaccel build first");
        return [cli, .. args];
    }

    /// <summary>The test driver (tests/QiboAccel.MpiDriver, copied beside the tests).</summary>
    public static string[] Driver(params string[] args) =>
        ["dotnet", Path.Combine(AppContext.BaseDirectory, "QiboAccel.MpiDriver.dll"), .. args];

    /// <summary>Runs <paramref name="command"/> on <paramref name="ranks"/> ranks; returns exit code, output, errors and seconds.</summary>
    public static (int Exit, string Out, string Err, double Seconds) Run(int ranks, string[] command,
        IReadOnlyDictionary<string, string>? environment = null, int timeoutSeconds = 180)
    {
        var psi = new ProcessStartInfo(Mpirun()) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (string a in new[] { "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--oversubscribe" }) psi.ArgumentList.Add(a);
        foreach (string a in command) psi.ArgumentList.Add(a);
        psi.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        psi.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        // Containers often forbid the cross-process memory attach Open MPI's shared-memory transport tries first.
        psi.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the MPI job hung (killed after {timeoutSeconds} s): {string.Join(" ", command)}\n{stderr.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed.TotalSeconds);
    }
}
