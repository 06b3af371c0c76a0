namespace QiboAccel.Tests.Support;

/// <summary>
/// Backends of one library loaded once per options string and disposed together, for suites that run the same
/// circuits under many option sets.
/// </summary>
internal sealed class BackendCache(Func<string, IBackend> load) : IDisposable
{
    private readonly Dictionary<string, IBackend> _backends = [];

    /// <summary>The backend created with <paramref name="options"/> (loaded on first use).</summary>
    public IBackend this[string options]
    {
        get
        {
            if (!_backends.TryGetValue(options, out IBackend? backend))
            {
                backend = load(options);
                _backends[options] = backend;
            }
            return backend;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (IBackend backend in _backends.Values) backend.Dispose();
        _backends.Clear();
    }
}
