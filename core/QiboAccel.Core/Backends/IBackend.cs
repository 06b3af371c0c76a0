namespace QiboAccel;

/// <summary>
/// A loaded simulator backend. Implementations wrap a backend library behind the C ABI; the host never
/// references a backend's managed code. Thread-safe: states may be created and used from several threads.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>The specifier the backend was loaded with (e.g. "cpu", "./libx.so").</summary>
    string Specifier { get; }

    /// <summary>Capabilities reported by the backend.</summary>
    BackendInfo Info { get; }

    /// <summary>Allocates a state of <paramref name="nQubits"/> qubits in |0…0⟩.</summary>
    IQuantumState CreateState(int nQubits, Precision precision = Precision.Double);
}
