using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Noise;

namespace QiboAccel.Conformance.Cases;

/// <summary>
/// What the host's density-matrix lowering relies on: MATRIX records that are not unitary are applied as given, and
/// a noisy circuit simulated as a density matrix equals ρ' = Σ K ρ K† computed directly from the reference state.
/// </summary>
internal static class DensityMatrixCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return new("non-unitary-matrix", "MATRIX records that are not unitary (a controlled projector-like map) are applied as given, and probabilities are then the raw, unnormalised sums", NonUnitary);
        yield return new("density-matrix", "a circuit with amplitude damping, simulated as a density matrix, equals Σ K ρ K† computed directly", DensityMatrix);
    }

    private static void NonUnitary(ConformanceContext c)
    {
        var rng = new Random(31);
        var circuit = RandomCircuits.Layer(4, rng);
        var reference = new ReferenceSimulator(4);
        foreach (var op in circuit.Operations) reference.Apply((Gate)op);
        using var state = c.Backend.CreateState(4);
        state.SetAmplitudes(0, reference.State);
        Complex[,] m = { { 0.3, new Complex(0.1, 0.7) }, { 0, new Complex(0.5, -0.2) } };
        var batch = new OpBatch(4);
        batch.Add(QiboOpKind.Matrix, [2], [0], matrix: Analytic.Flatten(m));
        Complex[,] m2 = Analytic.Scale(0.5, Analytic.Kron(Analytic.PauliX, Analytic.Add(Analytic.Id, Analytic.PauliZ)));
        batch.Add(QiboOpKind.Matrix, [3, 1], [], matrix: Analytic.Flatten(m2));
        state.Apply(batch);
        reference.ApplyMatrix(m, [2], [0]);
        reference.ApplyMatrix(m2, [3, 1], []);
        var actual = new Complex[16];
        state.GetAmplitudes(0, actual);
        Check.StatesClose(reference.State, actual, 1e-10);

        // The norm is no longer 1: state_probabilities returns the sums of |amplitude|² as stored, not normalised
        // (the host's density-matrix path reads Tr ρ from them).
        double norm = reference.State.Sum(a => a.Real * a.Real + a.Imaginary * a.Imaginary);
        Check.True(Math.Abs(norm - 1) > 0.05, $"test set-up: the non-unitary matrices left norm {norm}");
        double[] p = state.Probabilities([2, 0]);
        var raw = new double[4];
        for (int i = 0; i < 16; i++) raw[(((i >> 1) & 1) << 1) | ((i >> 3) & 1)] += reference.State[i].Magnitude * reference.State[i].Magnitude;
        for (int i = 0; i < 4; i++)
        {
            bool normalised = Math.Abs(p[i] - raw[i] / norm) <= 1e-10;
            Check.True(Math.Abs(p[i] - raw[i]) <= 1e-10,
                $"after non-unitary MATRIX records (norm {norm:0.######}), P(q2, q0 = {i}) is {p[i]}, the raw sum of |amplitude|² is {raw[i]}"
                + (normalised ? ": the backend normalised it; the header says probabilities are the raw sums, not normalised" : ""));
        }
    }

    private static void DensityMatrix(ConformanceContext c)
    {
        const int n = 3;
        double gamma = 0.3;
        var circuit = RandomCircuits.Create(n, 12, new Random(5));
        var noisy = new Circuit(n);
        foreach (var op in circuit.Operations) noisy.Add(op);
        noisy.Add(Channel.AmplitudeDamping(1, gamma));
        int max = c.Backend.Info.MaxQubits;
        if (2 * n > max) throw new ConformanceNotApplicable($"a {n}-qubit density matrix needs {2 * n} qubits, the backend offers {max}");
        var result = c.Backend.Execute(noisy, seed: 1, densityMatrix: true);

        // Independent: ρ = |ψ⟩⟨ψ| from the reference, then K0 = diag(1, √(1−γ)), K1 = √γ |0⟩⟨1| on qubit 1, as full 8x8 matrices.
        var psi = ReferenceSimulator.Run(circuit);
        int dim = 1 << n;
        var rho = new Complex[dim, dim];
        for (int i = 0; i < dim; i++)
            for (int j = 0; j < dim; j++) rho[i, j] = psi[i] * Complex.Conjugate(psi[j]);
        Complex[,] k0 = { { 1, 0 }, { 0, Math.Sqrt(1 - gamma) } }, k1 = { { 0, Math.Sqrt(gamma) }, { 0, 0 } };
        var expected = new Complex[dim, dim];
        foreach (var k in new[] { k0, k1 })
        {
            var full = Analytic.Kron(Analytic.Kron(Analytic.Id, k), Analytic.Id);
            var dagger = new Complex[dim, dim];
            for (int i = 0; i < dim; i++)
                for (int j = 0; j < dim; j++) dagger[i, j] = Complex.Conjugate(full[j, i]);
            expected = Analytic.Add(expected, Analytic.Mul(Analytic.Mul(full, rho), dagger));
        }
        var actual = result.DensityMatrix ?? throw new ConformanceFailure("no density matrix in the result");
        Complex[] flat = Analytic.Flatten(expected);
        int bad = ReferenceComparison.FirstDifference(flat, actual, 1e-10);
        if (bad >= 0)
        {
            throw new ConformanceFailure($"ρ[{bad / dim}, {bad % dim}] is {actual[bad]}, Σ K ρ K† computed directly gives {flat[bad]}; "
                + $"the unitary part on a state vector: {ReferenceComparison.Diagnose(c, circuit, Precision.Double)}");
        }
    }
}
