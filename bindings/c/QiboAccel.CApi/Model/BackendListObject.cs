using QiboAccel.CApi.Interop;

namespace QiboAccel.CApi.Model;

/// <summary>One installed backend as qiboaccel_backend_list_get reports it.</summary>
internal sealed record BackendListEntry(string Specifier, string Description, string ManifestPath, string LibraryPath,
    string AbiVersion, bool Probed, bool Available, string Error);

/// <summary>What a qiboaccel_backend_list* stands for.</summary>
internal sealed class BackendListObject(IReadOnlyList<BackendListEntry> entries, IReadOnlyList<string> problems, string searchPath) : IDisposable
{
    public IReadOnlyList<BackendListEntry> Entries { get; } = entries;

    public IReadOnlyList<string> Problems { get; } = problems;

    public string SearchPath { get; } = searchPath;

    public NativeStrings Strings { get; } = new();

    public void Dispose() => Strings.Dispose();
}
