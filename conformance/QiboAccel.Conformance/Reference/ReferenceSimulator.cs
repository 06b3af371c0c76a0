using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Gates;

namespace QiboAccel.Conformance.Reference;

/// <summary>
/// A deliberately simple state-vector simulator: for every gate, build its analytic matrix (from
/// <see cref="ReferenceGates"/>, not from the library's tables), and apply it amplitude by amplitude with no tricks.
/// Slow and obviously right; the yardstick for every backend.
/// </summary>
public sealed class ReferenceSimulator
{
    public ReferenceSimulator(int nQubits)
    {
        NQubits = nQubits;
        State = new Complex[1 << nQubits];
        State[0] = 1;
    }

    public int NQubits { get; }

    public Complex[] State { get; }

    /// <summary>The matrix of a gate on its targets, from the reference's own table (<see cref="ReferenceGates"/>).</summary>
    public static Complex[,] MatrixOf(Gate g) => ReferenceGates.Of(g.Kind).Matrix([.. g.Parameters], g.UserMatrix.ToArray());

    /// <summary>
    /// Applies <paramref name="g"/> as the reference counts its qubits: a gate lists its controls before its targets
    /// (<see cref="Gate.Qubits"/>, qibo's constructor order, extra controls after the gate's own), and the reference's
    /// table says how many targets the kind has; every other qubit is a control.
    /// </summary>
    public void Apply(Gate g)
    {
        ReferenceGate entry = ReferenceGates.Of(g.Kind);
        Complex[,] m = MatrixOf(g);
        int targets = entry.Targets > 0 ? entry.Targets : System.Numerics.BitOperations.Log2((uint)m.GetLength(0));
        int[] qubits = [.. g.Qubits];
        if (qubits.Length < entry.Controls + targets)
        {
            throw new InvalidOperationException(
                $"{g}: the reference's {g.Kind} has {entry.Controls} control(s) and {targets} target(s), but the gate lists only {qubits.Length} qubit(s)");
        }
        ApplyMatrix(m, qubits[^targets..], qubits[..^targets]);
    }

    public void ApplyMatrix(Complex[,] m, int[] targets, int[] controls)
    {
        int k = targets.Length, dim = 1 << k;
        int controlMask = 0;
        foreach (int c in controls) controlMask |= 1 << (NQubits - 1 - c);
        var next = (Complex[])State.Clone();
        for (int index = 0; index < State.Length; index++)
        {
            if ((index & controlMask) != controlMask) continue;
            int row = 0;
            foreach (int t in targets) row = (row << 1) | Bit(index, t);
            Complex sum = 0;
            for (int col = 0; col < dim; col++)
            {
                int source = index;
                for (int j = 0; j < k; j++)
                {
                    int bit = (col >> (k - 1 - j)) & 1;
                    int mask = 1 << (NQubits - 1 - targets[j]);
                    source = bit == 1 ? source | mask : source & ~mask;
                }
                sum += m[row, col] * State[source];
            }
            next[index] = sum;
        }
        next.CopyTo(State, 0);
    }

    /// <summary>Runs the gates of a circuit (no measurements).</summary>
    public static Complex[] Run(Circuit circuit)
    {
        var sim = new ReferenceSimulator(circuit.NQubits);
        foreach (var op in circuit.Operations)
        {
            if (op is Gate g) sim.Apply(g);
            else if (op is not Measurement) throw new NotSupportedException($"reference simulator runs gates only, got {op}");
        }
        return sim.State;
    }

    public int Bit(int index, int qubit) => (index >> (NQubits - 1 - qubit)) & 1;
}
