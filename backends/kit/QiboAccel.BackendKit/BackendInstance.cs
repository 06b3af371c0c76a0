namespace QiboAccel.BackendKit;

/// <summary>One backend instance (a qibo_backend*): a device, a configuration, and the states it creates.</summary>
public abstract class BackendInstance : IDisposable
{
    /// <summary>
    /// What backend_get_info reports. Read once, right after <see cref="BackendImplementation.CreateBackend"/>: the
    /// kit keeps native copies of the strings for the instance's lifetime and validates every request against
    /// these limits (precisions, max_qubits, native kinds, max_matrix_targets) before any method here is called.
    /// </summary>
    public abstract BackendCapabilities Capabilities { get; }

    /// <summary>
    /// state_create: a state of <paramref name="nQubits"/> qubits initialised to |0...0&gt;. The kit has checked
    /// that 1 &lt;= <paramref name="nQubits"/> &lt;= max_qubits and that <paramref name="precision"/> is one the
    /// capabilities offer.
    /// </summary>
    public abstract BackendState CreateState(int nQubits, Abi.QiboPrecision precision);

    /// <summary>backend_destroy (the host destroys the instance's states first).</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
