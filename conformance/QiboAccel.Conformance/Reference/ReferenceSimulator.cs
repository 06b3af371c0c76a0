using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Gates;

namespace QiboAccel.Conformance.Reference;

/// <summary>
/// A deliberately simple state-vector simulator: for every gate, build its analytic matrix (from
/// <see cref="Analytic"/>, not from the library), and apply it amplitude by amplitude with no tricks.
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

    /// <summary>The matrix of a gate on its targets, from the analytic definitions.</summary>
    public static Complex[,] MatrixOf(Gate g)
    {
        var p = g.Parameters;
        Complex i = Complex.ImaginaryOne;
        return g.Definition.Op switch
        {
            Abi.QiboOpKind.I => Analytic.Id,
            Abi.QiboOpKind.H => Analytic.Hadamard(),
            Abi.QiboOpKind.X => Analytic.PauliX,
            Abi.QiboOpKind.Y => Analytic.PauliY,
            Abi.QiboOpKind.Z => Analytic.PauliZ,
            Abi.QiboOpKind.S => Analytic.Phase(Math.PI / 2),
            Abi.QiboOpKind.Sdg => Analytic.Phase(-Math.PI / 2),
            Abi.QiboOpKind.T => Analytic.Phase(Math.PI / 4),
            Abi.QiboOpKind.Tdg => Analytic.Phase(-Math.PI / 4),
            // SX = sqrt(X) with eigenvalues 1, i on |+>, |->: (1+i)/2·1 + (1−i)/2·X.
            Abi.QiboOpKind.SX => Analytic.Add(Analytic.Scale((1 + i) / 2, Analytic.Id), Analytic.Scale((1 - i) / 2, Analytic.PauliX)),
            Abi.QiboOpKind.SXdg => Analytic.Add(Analytic.Scale((1 - i) / 2, Analytic.Id), Analytic.Scale((1 + i) / 2, Analytic.PauliX)),
            Abi.QiboOpKind.RX => Analytic.Rotation(Analytic.PauliX, p[0]),
            Abi.QiboOpKind.RY => Analytic.Rotation(Analytic.PauliY, p[0]),
            Abi.QiboOpKind.RZ => Analytic.Rotation(Analytic.PauliZ, p[0]),
            Abi.QiboOpKind.U1 => Analytic.Phase(p[0]),
            // qibo: U2(φ, λ) = U3(π/2, φ, λ).
            Abi.QiboOpKind.U2 => Analytic.U3(Math.PI / 2, p[0], p[1]),
            Abi.QiboOpKind.U3 => Analytic.U3(p[0], p[1], p[2]),
            Abi.QiboOpKind.Swap => SwapLike(1),
            Abi.QiboOpKind.ISwap => SwapLike(i),
            Abi.QiboOpKind.FSwap => Analytic.Mul(SwapLike(1), Analytic.Controlled(Analytic.PauliZ, 1)),
            Abi.QiboOpKind.FSim => Analytic.FSim(p[0], p[1]),
            Abi.QiboOpKind.GeneralizedFSim => GeneralizedFSim(g.UserMatrix, p[0]),
            Abi.QiboOpKind.RXX => Analytic.Rotation(Analytic.Kron(Analytic.PauliX, Analytic.PauliX), p[0]),
            Abi.QiboOpKind.RYY => Analytic.Rotation(Analytic.Kron(Analytic.PauliY, Analytic.PauliY), p[0]),
            Abi.QiboOpKind.RZZ => Analytic.Rotation(Analytic.Kron(Analytic.PauliZ, Analytic.PauliZ), p[0]),
            Abi.QiboOpKind.Matrix => Analytic.Square(g.UserMatrix),
            _ => throw new NotSupportedException(g.Name),
        };
    }

    public void Apply(Gate g) => ApplyMatrix(MatrixOf(g), [.. g.Targets], [.. g.Controls]);

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

    private static Complex[,] SwapLike(Complex offDiagonal) => new Complex[,]
    {
        { 1, 0, 0, 0 },
        { 0, 0, offDiagonal, 0 },
        { 0, offDiagonal, 0, 0 },
        { 0, 0, 0, 1 },
    };

    private static Complex[,] GeneralizedFSim(ReadOnlySpan<Complex> block, double phi) => new Complex[,]
    {
        { 1, 0, 0, 0 },
        { 0, block[0], block[1], 0 },
        { 0, block[2], block[3], 0 },
        { 0, 0, 0, Complex.Exp(-Complex.ImaginaryOne * phi) },
    };
}
