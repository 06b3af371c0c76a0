using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>The conformance suite on libqibo_cpu.so.</summary>
public class CpuBackendTests : BackendSuite
{
    protected override IBackend LoadBackend(string options = "") => TestBackends.Load("backends", "cpu.json", options);
}

/// <summary>The conformance suite on libqibo_cpu.so with one thread (the single-threaded kernels).</summary>
public class CpuSingleThreadBackendTests : BackendSuite
{
    protected override IBackend LoadBackend(string options = "") => TestBackends.Load("backends", "cpu.json", options.Length == 0 ? "threads=1" : options);
}

/// <summary>The conformance suite on the plain-C template backend (examples/backends/c), which implements only MATRIX and MEASURE.</summary>
public class ExampleCBackendTests : BackendSuite
{
    protected override IBackend LoadBackend(string options = "") => TestBackends.Load("examples", "qibo_example_c.json", options);
}
