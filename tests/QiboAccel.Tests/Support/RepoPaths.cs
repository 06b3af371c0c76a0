using System.Runtime.CompilerServices;

namespace QiboAccel.Tests.Support;

/// <summary>Locations inside the repository checkout the tests run from.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding QiboAccel.sln.</summary>
    /// <remarks>
    /// Found by walking up from the test binaries (AppContext.BaseDirectory), or, when they were built
    /// outside the checkout (<c>--artifacts-path /tmp/...</c>), from this source file's compile-time path.
    /// </remarks>
    public static string Root => LazyRoot.Value;

    /// <summary>A path below <see cref="Root"/>.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        string? root = FindUp(AppContext.BaseDirectory) ?? FindUp(Path.GetDirectoryName(SourceFile()));
        return root ?? throw new InvalidOperationException(
            $"No QiboAccel.sln above {AppContext.BaseDirectory} or {SourceFile()}: run the tests from a checkout of the repository.");
    }

    private static string? FindUp(string? start)
    {
        for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QiboAccel.sln")))
                return dir.FullName;
        }
        return null;
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
