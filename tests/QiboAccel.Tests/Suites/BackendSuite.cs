using QiboAccel.Conformance;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// The conformance kit as an xunit suite: every case of <see cref="ConformanceSuite"/> is one test. A backend
/// gets all of them with a three-line subclass that says how to load it (see CpuBackendTests.cs).
/// </summary>
public abstract class BackendSuite : IDisposable
{
    private IBackend? _backend;

    /// <summary>Loads the backend under test; <paramref name="options"/> are backend_create options ("" for defaults).</summary>
    protected abstract IBackend LoadBackend(string options = "");

    protected IBackend Backend => _backend ??= LoadBackend();

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in ConformanceSuite.All) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conformance(string name)
    {
        try
        {
            ConformanceSuite.Get(name).Run(new ConformanceContext(Backend, LoadBackend));
        }
        catch (ConformanceNotApplicable)
        {
            // e.g. complex64 cases on a complex128-only backend: nothing to check (the CLI reports these as n/a).
        }
    }

    public void Dispose()
    {
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
