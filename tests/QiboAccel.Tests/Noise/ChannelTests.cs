using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Noise;
using QiboAccel.Tests.Support;
using static QiboAccel.Tests.Noise.DensityMath;

namespace QiboAccel.Tests.Noise;

/// <summary>
/// Every channel, run on the CPU backend as a density matrix from a random mixed state, against ρ' = Σ K ρ K†
/// (or the channel's defining formula) computed here with small matrices written out from qibo's definitions.
/// </summary>
public sealed class ChannelTests : IDisposable
{
    private const int N = 3;
    private readonly IBackend _backend = TestBackends.Load("backends", "cpu.json");

    public void Dispose() => _backend.Dispose();

    /// <summary>Runs <paramref name="channel"/> alone on ρ and returns the resulting density matrix.</summary>
    private Complex[,] RunChannel(Channel channel, Complex[,] rho)
    {
        var circuit = new Circuit(N);
        circuit.Add(channel);
        ExecutionResult r = _backend.Execute(circuit, densityMatrix: true, initialState: Flatten(rho));
        Assert.True(r.IsDensityMatrix);
        return Square(r.DensityMatrix);
    }

    private void CheckKraus(Func<int[], Channel> make, int[] targets, IReadOnlyList<Complex[,]> kraus, int seed)
    {
        var rho = RandomDensityMatrix(N, new Random(seed));
        Complex[,] expected = KrausSum(rho, kraus, targets, N);
        Complex[,] actual = RunChannel(make(targets), rho);
        Assert.True(MaxDiff(expected, actual) < 1e-12, $"max deviation {MaxDiff(expected, actual)}");
        Complex trace = 0;
        for (int i = 0; i < 1 << N; i++) trace += actual[i, i];
        Assert.Equal(1.0, trace.Real, 12);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void PauliNoise(int qubit)
        => CheckKraus(t => Channel.PauliNoise(t[0], 0.1, 0.2, 0.3), [qubit],
            [Scale(Math.Sqrt(0.4), Id), Scale(Math.Sqrt(0.1), X), Scale(Math.Sqrt(0.2), Y), Scale(Math.Sqrt(0.3), Z)], 1 + qubit);

    [Fact]
    public void AmplitudeDamping()
        => CheckKraus(t => Channel.AmplitudeDamping(t[0], 0.3), [1],
            [new Complex[,] { { 1, 0 }, { 0, Math.Sqrt(0.7) } }, new Complex[,] { { 0, Math.Sqrt(0.3) }, { 0, 0 } }], 2);

    [Fact]
    public void PhaseDamping()
        => CheckKraus(t => Channel.PhaseDamping(t[0], 0.4), [2],
            [new Complex[,] { { 1, 0 }, { 0, Math.Sqrt(0.6) } }, new Complex[,] { { 0, 0 }, { 0, Math.Sqrt(0.4) } }], 3);

    [Fact]
    public void Reset()
        => CheckKraus(t => Channel.ResetNoise(t[0], 0.2, 0.3), [0],
        [
            Scale(Math.Sqrt(0.5), Id),
            Ket(2, 0, 0, Math.Sqrt(0.2)), Ket(2, 0, 1, Math.Sqrt(0.2)),
            Ket(2, 1, 0, Math.Sqrt(0.3)), Ket(2, 1, 1, Math.Sqrt(0.3)),
        ], 4);

    [Fact]
    public void ThermalRelaxationWithT2BelowT1UsesQibosKrausOperators()
    {
        double t1 = 1.0, t2 = 0.5, time = 0.3, excited = 0.2;
        double pReset = 1 - Math.Exp(-time / t1), p0 = pReset * (1 - excited), p1 = pReset * excited;
        double pz = (1 - pReset) * (1 - Math.Exp(-time / t2) * Math.Exp(time / t1)) / 2;
        CheckKraus(t => Channel.ThermalRelaxation(t[0], t1, t2, time, excited), [1],
        [
            Scale(Math.Sqrt(1 - pz - p0 - p1), Id), Scale(Math.Sqrt(pz), Z),
            Ket(2, 0, 0, Math.Sqrt(p0)), Ket(2, 0, 1, Math.Sqrt(p0)),
            Ket(2, 1, 0, Math.Sqrt(p1)), Ket(2, 1, 1, Math.Sqrt(p1)),
        ], 5);
    }

    [Fact]
    public void ThermalRelaxationWithT2AboveT1FollowsQibosChoiMatrix()
    {
        double t1 = 1.0, t2 = 1.6, time = 0.4, excited = 0.1;
        double pReset = 1 - Math.Exp(-time / t1), p0 = pReset * (1 - excited), p1 = pReset * excited, e2 = Math.Exp(-time / t2);
        var rho = RandomDensityMatrix(N, new Random(6));
        const int q = 2;
        // qibo's Choi matrix [[1-p1,0,0,e2],[0,p1,0,0],[0,0,p0,0],[e2,0,0,1-p0]] as a map on each 2x2 block of qubit q.
        int dim = 1 << N, bit = 1 << (N - 1 - q);
        var expected = new Complex[dim, dim];
        for (int i = 0; i < dim; i++)
        for (int j = 0; j < dim; j++)
        {
            int i0 = i & ~bit, j0 = j & ~bit;
            bool a = (i & bit) != 0, b = (j & bit) != 0;
            Complex m00 = rho[i0, j0], m11 = rho[i0 | bit, j0 | bit];
            expected[i, j] = (a, b) switch
            {
                (false, false) => (1 - p1) * m00 + p0 * m11,
                (true, true) => p1 * m00 + (1 - p0) * m11,
                _ => e2 * rho[i, j],
            };
        }
        Complex[,] actual = RunChannel(Channel.ThermalRelaxation(q, t1, t2, time, excited), rho);
        Assert.True(MaxDiff(expected, actual) < 1e-12, $"max deviation {MaxDiff(expected, actual)}");
    }

    [Theory]
    [InlineData(new[] { 1 }, 0.3)]
    [InlineData(new[] { 2, 0 }, 0.5)]
    [InlineData(new[] { 0, 1 }, 16.0 / 15)]
    public void DepolarizingIsAMixWithThePartialTraceTimesIdentity(int[] targets, double lambda)
    {
        var rho = RandomDensityMatrix(N, new Random(7 + targets.Length));
        int dim = 1 << N, k = targets.Length, d = 1 << k;
        int mask = 0;
        foreach (int t in targets) mask |= 1 << (N - 1 - t);
        var expected = new Complex[dim, dim];
        for (int i = 0; i < dim; i++)
        for (int j = 0; j < dim; j++)
        {
            Complex partial = 0;
            if (Sub(i, targets, N) == Sub(j, targets, N))
            {
                // (Tr_Q ρ)[rest(i), rest(j)] = Σ_s ρ[(rest(i), s), (rest(j), s)]
                for (int s = 0; s < dim; s++)
                {
                    if ((s & ~mask) != 0) continue;
                    partial += rho[(i & ~mask) | s, (j & ~mask) | s];
                }
            }
            expected[i, j] = (1 - lambda) * rho[i, j] + lambda / d * partial;
        }
        Complex[,] actual = RunChannel(Channel.Depolarizing(targets, lambda), rho);
        Assert.True(MaxDiff(expected, actual) < 1e-12, $"max deviation {MaxDiff(expected, actual)}");
    }

    [Fact]
    public void UnitaryChannelOnTwoQubits()
    {
        var rng = new Random(8);
        Complex[,] u1 = Analytic.RandomUnitary(2, rng), u2 = Analytic.RandomUnitary(2, rng);
        CheckKraus(t => Channel.Unitary(t, [0.2, 0.3], [Flatten(u1), Flatten(u2)]), [2, 1],
            [Scale(Math.Sqrt(0.5), Analytic.Identity(4)), Scale(Math.Sqrt(0.2), u1), Scale(Math.Sqrt(0.3), u2)], 9);
    }

    [Fact]
    public void GeneralKrausChannelOnTwoQubits()
    {
        // Two 4x4 blocks of the first four columns of a random 8x8 unitary: Σ K†K = I, nothing diagonal about it.
        Complex[,] v = Analytic.RandomUnitary(3, new Random(10));
        var k0 = new Complex[4, 4];
        var k1 = new Complex[4, 4];
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
        {
            k0[i, j] = v[i, j];
            k1[i, j] = v[i + 4, j];
        }
        CheckKraus(t => Channel.Kraus(t, [Flatten(k0), Flatten(k1)]), [0, 2], [k0, k1], 11);
    }

    [Fact]
    public void ReadoutErrorFlipsTheComputationalBasis()
    {
        double[][] p = [[0.9, 0.1], [0.25, 0.75]];
        CheckKraus(t => Channel.ReadoutError(t, p), [1],
        [
            Ket(2, 0, 0, Math.Sqrt(0.9)), Ket(2, 1, 0, Math.Sqrt(0.1)),
            Ket(2, 0, 1, Math.Sqrt(0.25)), Ket(2, 1, 1, Math.Sqrt(0.75)),
        ], 12);
    }

    [Fact]
    public void ResetOperationOnADensityMatrixIsExact()
    {
        var rho = RandomDensityMatrix(N, new Random(13));
        var circuit = new Circuit(N);
        circuit.Add(new Reset(1));
        ExecutionResult r = _backend.Execute(circuit, densityMatrix: true, initialState: Flatten(rho));
        Complex[,] expected = KrausSum(rho, [Ket(2, 0, 0), Ket(2, 0, 1)], [1], N);
        Assert.True(MaxDiff(expected, Square(r.DensityMatrix)) < 1e-12);
    }
}
