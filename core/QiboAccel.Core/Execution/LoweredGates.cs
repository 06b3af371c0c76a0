using QiboAccel.Gates;

namespace QiboAccel.Execution;

/// <summary>
/// A sequence of gates lowered once into one batch, one record per gate, whose records can take other parameter
/// values afterwards (<see cref="Replace"/>) without lowering the rest again: sweeps and parameter shifts change a
/// few angles of an otherwise fixed circuit.
/// </summary>
internal sealed class LoweredGates
{
    private readonly BackendInfo _info;
    private readonly OpBatch _scratch;

    /// <summary>Lowers <paramref name="gates"/> (concrete) for the backend <paramref name="info"/> describes.</summary>
    public LoweredGates(IReadOnlyList<Gate> gates, int nQubits, BackendInfo info)
    {
        _info = info;
        _scratch = new OpBatch(nQubits);
        Batch = new OpBatch(nQubits);
        Gates = [.. gates];
        for (int i = 0; i < Gates.Length; i++) Lowering.AddGate(Batch, Gates[i], info, i);
    }

    /// <summary>The records, record i coming from gate i.</summary>
    public OpBatch Batch { get; }

    /// <summary>The gates as they are now.</summary>
    public Gate[] Gates { get; }

    /// <summary>Makes record <paramref name="index"/> the lowering of <paramref name="gate"/> (same kind and qubits).</summary>
    public void Replace(int index, Gate gate)
    {
        Lowering.Relower(Batch, index, gate, _info, _scratch);
        Gates[index] = gate;
    }
}
