using QiboAccel.Conformance;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// The conformance kit as an xunit suite: every case of <see cref="ConformanceSuite"/> is one test, and every part of
/// a group (every-gate's gate kinds) one more. A backend gets all of them with a three-line subclass that says how to
/// load it (see CpuBackendTests.cs). A case that does not apply to the backend (complex64 on a complex128-only
/// backend) is reported as skipped with the kit's reason, never counted as passed.
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
        foreach (var c in ConformanceSuite.Rows) data.Add(c.Name);
        return data;
    }

    [ConformanceTheory]
    [MemberData(nameof(Cases))]
    public void Conformance(string name) => ConformanceSuite.Get(name).Run(new ConformanceContext(Backend, LoadBackend));

    public void Dispose()
    {
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
