namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// Where each qubit's bit of the amplitude index currently lives. The bits are named as the kit names them
/// (bit = n - 1 - qubit, the "canonical" position); physical positions below <see cref="Local"/> index a rank's
/// slice, and position <see cref="Local"/> + j is bit j of the rank number. Bringing a global qubit into the slice
/// swaps it with a local one and only relabels from then on, so a run of gates on a qubit pays for one exchange.
/// </summary>
internal sealed class QubitLayout
{
    private readonly int[] _position; // canonical bit -> physical position
    private readonly int[] _bit;      // physical position -> canonical bit

    /// <summary>The identity layout of <paramref name="n"/> bits, the lowest <paramref name="local"/> of them local.</summary>
    public QubitLayout(int n, int local)
    {
        N = n;
        Local = local;
        _position = new int[n];
        _bit = new int[n];
        Reset();
    }

    /// <summary>Number of qubits.</summary>
    public int N { get; }

    /// <summary>Number of local positions (qubits in a rank's slice).</summary>
    public int Local { get; }

    /// <summary>True when every bit is at its canonical position.</summary>
    public bool IsIdentity
    {
        get
        {
            for (int b = 0; b < N; b++)
            {
                if (_position[b] != b) return false;
            }
            return true;
        }
    }

    /// <summary>Physical position of canonical bit <paramref name="bit"/>.</summary>
    public int PositionOf(int bit) => _position[bit];

    /// <summary>Canonical bit held at physical <paramref name="position"/>.</summary>
    public int BitAt(int position) => _bit[position];

    /// <summary>Exchanges the bits held at two positions (after the amplitudes were moved, or as a pure relabelling).</summary>
    public void Swap(int p, int q)
    {
        int a = _bit[p], b = _bit[q];
        _bit[p] = b;
        _bit[q] = a;
        _position[a] = q;
        _position[b] = p;
    }

    /// <summary>True when both layouts put every bit at the same position.</summary>
    public bool SameAs(QubitLayout other) => N == other.N && Local == other.Local && _position.AsSpan().SequenceEqual(other._position);

    /// <summary>Takes <paramref name="other"/>'s positions (a layout of the same size and split: state_copy copies the slice as it lies).</summary>
    public void CopyFrom(QubitLayout other)
    {
        other._position.CopyTo(_position, 0);
        other._bit.CopyTo(_bit, 0);
    }

    /// <summary>Back to the identity.</summary>
    public void Reset()
    {
        for (int b = 0; b < N; b++) _position[b] = _bit[b] = b;
    }
}
