using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Noise;
using QiboAccel.Tests.Support;
using static QiboAccel.Tests.Noise.DensityMath;

namespace QiboAccel.Tests.Noise;

/// <summary>Density matrices by vectorisation on the CPU backend and on the minimal C example backend.</summary>
public class DensityMatrixTests
{
    public static TheoryData<string, string> Backends => new()
    {
        { "backends", "cpu.json" },
        { "examples", "qibo_example_c.json" },
    };

    [Theory]
    [MemberData(nameof(Backends))]
    public void NoiselessDensityMatrixIsTheProjectorOnTheReferenceState(string folder, string manifest)
    {
        using IBackend backend = TestBackends.Load(folder, manifest);
        for (int seed = 0; seed < 6; seed++)
        {
            int n = 2 + seed % 3;
            Circuit circuit = RandomCircuits.Create(n, 25, new Random(100 + seed));
            Complex[] psi = ReferenceSimulator.Run(circuit);
            ExecutionResult r = backend.Execute(circuit, densityMatrix: true);
            int dim = 1 << n;
            var expected = new Complex[dim, dim];
            for (int i = 0; i < dim; i++)
            for (int j = 0; j < dim; j++)
                expected[i, j] = psi[i] * Complex.Conjugate(psi[j]);
            Complex[,] rho = Square(r.DensityMatrix);
            Assert.True(MaxDiff(expected, rho) < 1e-10, $"seed {seed}: max deviation {MaxDiff(expected, rho)}");
            Assert.Equal(1.0, r.Purity!.Value, 10);
            double[] p = r.Probabilities()!;
            for (int i = 0; i < dim; i++) Assert.Equal(psi[i].Magnitude * psi[i].Magnitude, p[i], 10);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void NoisyDensityMatrixMatchesTheReferenceKrausSum(string folder, string manifest)
    {
        using IBackend backend = TestBackends.Load(folder, manifest);
        // |ψ⟩ from the reference simulator, then amplitude damping on qubit 1 written out by hand.
        var circuit = new Circuit(2);
        circuit.Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]).Add(GateKind.RY, [1], 0.3);
        Complex[] psi = ReferenceSimulator.Run(circuit);
        circuit.Add(Channel.AmplitudeDamping(1, 0.35));
        var pure = new Complex[4, 4];
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            pure[i, j] = psi[i] * Complex.Conjugate(psi[j]);
        Complex[,] expected = KrausSum(pure,
            [new Complex[,] { { 1, 0 }, { 0, Math.Sqrt(0.65) } }, new Complex[,] { { 0, Math.Sqrt(0.35) }, { 0, 0 } }], [1], 2);
        ExecutionResult r = backend.Execute(circuit, densityMatrix: true);
        Assert.True(MaxDiff(expected, Square(r.DensityMatrix)) < 1e-12);
        double purity = 0;
        foreach (Complex z in Flatten(expected)) purity += z.Magnitude * z.Magnitude;
        Assert.Equal(purity, r.Purity!.Value, 12);
    }

    [Fact]
    public void InitialPureStateStartsBothSimulations()
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        Complex[] psi = RandomState(3, new Random(5));
        var circuit = new Circuit(3);
        circuit.Add(GateKind.CNOT, [2, 0]).Add(GateKind.T, [1]);
        var sim = new ReferenceSimulator(3);
        psi.CopyTo(sim.State, 0);
        foreach (Operation op in circuit.Operations) sim.Apply((Gate)op);
        ExecutionResult sv = backend.Execute(circuit, initialState: psi);
        for (int i = 0; i < 8; i++) Assert.True((sv.State![i] - sim.State[i]).Magnitude < 1e-12);
        ExecutionResult dm = backend.Execute(circuit, densityMatrix: true, initialState: psi);
        Complex[,] rho = Square(dm.DensityMatrix);
        for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            Assert.True((rho[i, j] - sim.State[i] * Complex.Conjugate(sim.State[j])).Magnitude < 1e-12);
    }

    /// <summary>A 3-qubit circuit with a 2-qubit depolarizing channel, Pauli noise and amplitude damping.</summary>
    private static Circuit NoisyCircuit(bool unitaryMixturesOnly)
    {
        var c = new Circuit(3);
        c.Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]);
        c.Add(Channel.Depolarizing([0, 1], 0.3));
        c.Add(GateKind.RY, [2], 1.1).Add(GateKind.CNOT, [1, 2]);
        c.Add(Channel.PauliNoise(2, 0.1, 0.15, 0.05));
        c.Add(GateKind.H, [1]);
        if (!unitaryMixturesOnly)
        {
            c.Add(Channel.AmplitudeDamping(0, 0.4));
            c.Add(Channel.ThermalRelaxation(2, 1.0, 1.5, 0.5, 0.1));
        }
        c.Measure(0, 1, 2);
        return c;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TrajectoriesAverageToTheDensityMatrix(bool unitaryMixturesOnly)
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        Circuit circuit = NoisyCircuit(unitaryMixturesOnly);
        double[] exact = backend.Execute(circuit, densityMatrix: true).Probabilities()!;
        const int shots = 20000;
        ExecutionResult sv = backend.Execute(circuit, shots: shots, seed: 2024);
        for (int i = 0; i < 8; i++)
        {
            string key = Convert.ToString(i, 2).PadLeft(3, '0');
            double f = sv.Frequencies.TryGetValue(key, out int count) ? count / (double)shots : 0;
            double sigma = Math.Sqrt(exact[i] * (1 - exact[i]) / shots);
            Assert.True(Math.Abs(f - exact[i]) <= 5 * sigma + 1e-3, $"{key}: trajectories {f}, density matrix {exact[i]} (σ = {sigma})");
        }
        // Trajectories are reproducible from the seed.
        ExecutionResult again = backend.Execute(circuit, shots: 2000, seed: 7);
        ExecutionResult again2 = backend.Execute(circuit, shots: 2000, seed: 7);
        Assert.Equal(again.Frequencies, again2.Frequencies);
    }

    [Fact]
    public void DensityMatrixShotsFollowTheDiagonal()
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        Circuit circuit = NoisyCircuit(false);
        ExecutionResult r = backend.Execute(circuit, shots: 20000, seed: 3, densityMatrix: true);
        double[] p = r.Probabilities()!;
        for (int i = 0; i < 8; i++)
        {
            string key = Convert.ToString(i, 2).PadLeft(3, '0');
            double f = r.Frequencies.TryGetValue(key, out int count) ? count / 20000.0 : 0;
            Assert.True(Math.Abs(f - p[i]) <= 5 * Math.Sqrt(p[i] * (1 - p[i]) / 20000) + 1e-3);
        }
        Assert.Equal(r.Frequencies, backend.Execute(circuit, shots: 20000, seed: 3, densityMatrix: true).Frequencies);
    }

    [Fact]
    public void MidCircuitMeasurementCollapsesTheDensityMatrixAndDrivesIf()
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        // H 0; c0 = M 0; if (m == 1) X 1; amplitude damping γ = 0.3 on 1; c1 = M 1.
        // Exactly: P(00) = 0.5, P(11) = 0.5·0.7, P(10) = 0.5·0.3 (c0 written first), P(01) = 0.
        var circuit = new Circuit(2);
        circuit.Add(GateKind.H, [0]).Measure(0);
        circuit.Measure(1);  // declares c1 (qubit 1 is still |0⟩: reads 0), so the register has two bits
        circuit.Add(new Conditional(circuit.ClassicalRegisters[0], 1, Gate.Create(GateKind.X, [1])));
        circuit.Add(Channel.AmplitudeDamping(1, 0.3));
        circuit.Add(new Measurement(1, 1));
        var expected = new Dictionary<string, double> { ["00"] = 0.5, ["11"] = 0.35, ["10"] = 0.15, ["01"] = 0 };
        const int shots = 20000;
        foreach (bool dm in new[] { true, false })
        {
            ExecutionResult r = backend.Execute(circuit, shots: shots, seed: 99, densityMatrix: dm);
            var register = r.RegisterFrequencies["m"];
            foreach (var (key, p) in expected)
            {
                double f = register.TryGetValue(key, out int count) ? count / (double)shots : 0;
                Assert.True(Math.Abs(f - p) <= 5 * Math.Sqrt(p * (1 - p) / shots) + 1e-3, $"density matrix {dm}: {key}: {f} vs {p}");
            }
        }
        // The last shot's ρ is collapsed on qubit 0: a definite outcome there.
        ExecutionResult last = backend.Execute(circuit, shots: 1, seed: 1, densityMatrix: true);
        double[] probabilities = last.Probabilities()!;
        double p0 = probabilities[0] + probabilities[1];
        Assert.True(Math.Abs(p0) < 1e-12 || Math.Abs(p0 - 1) < 1e-12, $"qubit 0 not collapsed: P(0) = {p0}");
        Assert.Equal(1.0, probabilities.Sum(), 12);
    }

    [Fact]
    public void NoiseModelAttachesChannelsAfterNamedGatesAndOnQubits()
    {
        var circuit = new Circuit(3);
        circuit.Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]).Add(GateKind.X, [2]).Measure(0, 1, 2);
        NoiseModel model = NoiseModel.Parse("""
            { "noise": [
                { "after": ["cx"], "channel": { "type": "depolarizing", "lambda": 0.1 } },
                { "after": ["H", "x"], "qubits": [2], "channel": { "type": "amplitude_damping", "gamma": 0.2 } },
                { "on_qubits": [1], "channel": { "type": "pauli", "pz": 0.3 } },
                { "qubits": [0], "channel": { "type": "readout", "probabilities": [[0.9, 0.1], [0.2, 0.8]] } }
            ] }
            """);
        Circuit noisy = model.Apply(circuit);
        string[] ops = [.. noisy.Operations.Select(o => o.ToString()!)];
        Assert.Equal(
        [
            "H 0",
            "CNOT 0,1", "DepolarizingChannel(lambda=0.1) 0,1", "PauliNoiseChannel(px=0, py=0, pz=0.3) 1",
            "X 2", "AmplitudeDampingChannel(gamma=0.2) 2",
            "ReadoutErrorChannel(0.9 0.1; 0.2 0.8) 0", "M 0 -> c0", "M 1 -> c1", "M 2 -> c2",
        ], ops);
        Assert.Equal(circuit.NClbits, noisy.NClbits);
    }
}
