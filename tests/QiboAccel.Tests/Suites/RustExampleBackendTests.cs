using System.ComponentModel;
using System.Diagnostics;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// The conformance suite on the Rust template backend (examples/backends/rust), a std-only cdylib that implements
/// only MATRIX and MEASURE. The suite builds it with <c>cargo build --release --offline</c> once per test process
/// (it has no dependencies, so no network is needed); without cargo on PATH every case fails saying so, never a
/// silent skip.
/// </summary>
public class RustExampleBackendTests : BackendSuite
{
    private static readonly Lazy<string> Manifest = new(Build);

    /// <summary>The built template's manifest (an ABI 1.0 backend: other suites use it to exercise the host's fallbacks).</summary>
    internal static string ManifestPath => Manifest.Value;

    protected override IBackend LoadBackend(string options = "")
        => Backends.Load(Manifest.Value + (options.Length == 0 ? "" : "?" + options));

    /// <summary>Runs cargo on examples/backends/rust and returns the path of its manifest.</summary>
    private static string Build()
    {
        string folder = RepoPaths.Combine("examples", "backends", "rust");
        string cargoToml = Path.Combine(folder, "Cargo.toml");
        string manifest = Path.Combine(folder, "qibo_example_rust.json");
        var start = new ProcessStartInfo("cargo")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (string arg in new[] { "build", "--release", "--offline", "--manifest-path", cargoToml })
            start.ArgumentList.Add(arg);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("cargo did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"cannot run cargo to build {cargoToml} ({e.Message}): install a Rust toolchain (https://rustup.rs) and put cargo on PATH", e);
        }

        using (process)
        {
            // Read both streams concurrently so a full pipe never blocks cargo.
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"cargo build --release --offline --manifest-path {cargoToml} failed with exit code {process.ExitCode}:\n{stderr.Result}\n{stdout.Result}");
            }
        }

        string library = Path.Combine(folder, "target", "release", "libqibo_example_rust.so");
        if (!File.Exists(library))
            throw new InvalidOperationException($"cargo succeeded but {library} is missing");
        return manifest;
    }
}
