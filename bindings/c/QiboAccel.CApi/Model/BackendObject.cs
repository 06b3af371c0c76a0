using QiboAccel.CApi.Interop;

namespace QiboAccel.CApi.Model;

/// <summary>What a qiboaccel_backend* stands for: a loaded backend and the strings its info hands out.</summary>
internal sealed class BackendObject(IBackend backend, string specifier, double loadSeconds) : IDisposable
{
    public IBackend Backend { get; } = backend;

    public string Specifier { get; } = specifier;

    public double LoadSeconds { get; } = loadSeconds;

    public NativeStrings Strings { get; } = new();

    public void Dispose()
    {
        Backend.Dispose();
        Strings.Dispose();
    }
}
