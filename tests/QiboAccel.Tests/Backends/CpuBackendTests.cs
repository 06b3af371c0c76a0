using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Backends;

/// <summary>The backend suite on libqibo_cpu.so.</summary>
public class CpuBackendTests : BackendSuite
{
    protected override IBackend LoadBackend() => TestBackends.Load("backends", "cpu.json");
}

/// <summary>The backend suite on libqibo_cpu.so restricted to one thread (the single-threaded kernels).</summary>
public class CpuSingleThreadBackendTests : BackendSuite
{
    protected override IBackend LoadBackend() => TestBackends.Load("backends", "cpu.json", "threads=1");
}
