using System.Diagnostics;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Loader;

/// <summary>Builds hostile_backend.c variants (and other small test libraries) into a temporary folder, once per test class.</summary>
public sealed class HostileBackends : IDisposable
{
    public static readonly string[] Variants = ["LAZY", "HOSTILE_BAD_SAMPLE", "HOSTILE_NAN_AMPS", "HOSTILE_NEG_PROBS", "HOSTILE_HUGE_INFO", "HOSTILE_OK_ERROR", "HOSTILE_CTOR_ONLY"];

    public HostileBackends()
    {
        Folder = Directory.CreateTempSubdirectory("qiboaccel-hostile-").FullName;
        foreach (string variant in Variants) Build(PathOf(variant), variant == "LAZY" ? [] : [variant]);
    }

    public string Folder { get; }

    public string PathOf(string variant) => Path.Combine(Folder, $"lib{variant.ToLowerInvariant()}.so");

    /// <summary>Compiles hostile_backend.c with the given macros (NAME or NAME=VALUE) into <paramref name="output"/>.</summary>
    public static void Build(string output, params string[] defines)
        => Gcc([.. defines.Select(d => "-D" + d), "-o", output, RepoPaths.Combine("tests", "QiboAccel.Tests", "Loader", "hostile_backend.c"), "-lm"]);

    /// <summary>A constructor-marking backend whose marker line is <paramref name="tag"/>.</summary>
    public static void BuildMarking(string output, string tag, bool export = true)
        => Build(output, export ? "HOSTILE_CTOR" : "HOSTILE_CTOR_ONLY", $"HOSTILE_TAG=\"{tag}\"");

    /// <summary>Runs gcc -std=c99 -shared -fPIC with the ABI header on the include path.</summary>
    public static void Gcc(params string[] args)
    {
        var psi = new ProcessStartInfo("gcc", ["-std=c99", "-shared", "-fPIC", "-Wall", "-Werror", "-I", RepoPaths.Combine("abi", "include"), .. args])
        {
            RedirectStandardError = true,
        };
        using var gcc = Process.Start(psi) ?? throw new InvalidOperationException("gcc is required for the loader tests (apt-get install gcc)");
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0) throw new InvalidOperationException($"gcc {string.Join(' ', args)} failed: {errors}");
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
