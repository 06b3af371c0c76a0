using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace QiboAccel.Perf;

/// <summary>
/// Reading and writing a whole state through the ABI: for gpu this is the host↔device transfer, reported apart
/// from kernel time (GateKernelBenchmark); for host backends it is a copy.
/// </summary>
public class TransferBenchmark : IDisposable
{
    private IBackend _backend = null!;
    private IQuantumState _state = null!;
    private Complex[] _buffer = null!;

    [Params("cpu", "gpu")]
    public string Backend { get; set; } = "cpu";

    [Params(16, 20, 22)]
    public int Qubits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = PerfBackends.LoadSpec(Backend);
        _state = _backend.CreateState(Qubits);
        _buffer = new Complex[1 << Qubits];
        _buffer[0] = 1;
    }

    [Benchmark]
    public void DeviceToHost() => _state.GetAmplitudes(0, _buffer);

    [Benchmark]
    public void HostToDevice() => _state.SetAmplitudes(0, _buffer);

    [GlobalCleanup]
    public void Dispose()
    {
        _state?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
