using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Noise;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Noise;

/// <summary>Bad channels, bad noise models and unsupported combinations: each a clear error.</summary>
public class NoiseErrorTests
{
    [Fact]
    public void NonCptpKrausOperatorsAreRejectedWithTheDeviation()
    {
        var e = Assert.Throws<ArgumentException>(() => Channel.Kraus([0], [[1, 0, 0, 1], [0.1, 0, 0, 0]]));
        Assert.Contains("not trace preserving", e.Message);
        Assert.Contains("by 0.01 at entry (0, 0)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Channel.Kraus([0, 1], [[1, 0, 0, 1]]));
        Assert.Contains("must be 4x4", e.Message);
    }

    [Fact]
    public void ProbabilitiesOutsideZeroOne()
    {
        Assert.Contains("px = 1.2 is not a probability", Assert.Throws<ArgumentException>(() => Channel.PauliNoise(0, 1.2, 0, 0)).Message);
        Assert.Contains("sum to 1.2", Assert.Throws<ArgumentException>(() => Channel.PauliNoise(0, 0.5, 0.4, 0.3)).Message);
        Assert.Contains("gamma = -0.1", Assert.Throws<ArgumentException>(() => Channel.AmplitudeDamping(0, -0.1)).Message);
        Assert.Contains("gamma = 1.5", Assert.Throws<ArgumentException>(() => Channel.PhaseDamping(0, 1.5)).Message);
        Assert.Contains("lambda = 2 is outside [0, 1.33333]", Assert.Throws<ArgumentException>(() => Channel.Depolarizing([0], 2)).Message);
        Assert.Contains("p1 = NaN", Assert.Throws<ArgumentException>(() => Channel.ResetNoise(0, 0.2, double.NaN)).Message);
        Assert.Contains("T2 = 3 is greater than 2·T1 = 2", Assert.Throws<ArgumentException>(() => Channel.ThermalRelaxation(0, 1, 3, 0.1)).Message);
        Assert.Contains("row 1 of the probability matrix sums to 0.9",
            Assert.Throws<ArgumentException>(() => Channel.ReadoutError([0], [[1, 0], [0.5, 0.4]])).Message);
        Assert.Contains("not unitary", Assert.Throws<ArgumentException>(() => Channel.Unitary([0], [0.5], [new Complex[] { 1, 0, 0, 2 }])).Message);
    }

    [Fact]
    public void ChannelOnAMissingQubit()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Circuit(2).Add(Channel.AmplitudeDamping(5, 0.1)));
        Assert.Contains("AmplitudeDampingChannel: qubit 5 is out of range for a circuit of 2 qubit(s)", e.Message);
    }

    [Fact]
    public void TooManyQubitsForADensityMatrix()
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        int max = backend.Info.MaxQubits;
        var e = Assert.Throws<BackendException>(() => backend.Execute(new Circuit(max / 2 + 1).Add(GateKind.H, [0]), densityMatrix: true));
        Assert.Contains($"a density matrix of {max / 2 + 1} qubits is simulated as a state of {2 * (max / 2 + 1)} qubits", e.Message);
        Assert.Contains($"at most {max} qubits", e.Message);
        // 17 qubits fit the backend (34) but not the memory: 16·4^17 bytes = 256 GiB, and as much again for the host's copy.
        e = Assert.Throws<BackendException>(() => backend.Execute(new Circuit(17).Add(GateKind.H, [0]), densityMatrix: true));
        Assert.Contains("a density matrix of 17 qubits needs 512 GiB (256 GiB on the backend (16·4^17 bytes) + 256 GiB for the host's", e.Message);
    }

    [Fact]
    public void NonDiagonalKrausChannelOnAStateVectorSuggestsADensityMatrix()
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        double s = Math.Sqrt(0.5);
        // K0 = [[s, s], [0, 0]], K1 = [[0, 0], [s, -s]]: Σ K†K = I but K0†K0 is not diagonal.
        var circuit = new Circuit(1).Add(Channel.Kraus([0], [[s, s, 0, 0], [0, 0, s, -s]]));
        var e = Assert.Throws<BackendException>(() => backend.Execute(circuit, shots: 10));
        Assert.Contains("--density-matrix", e.Message);
        Assert.Equal(1.0, backend.Execute(circuit, densityMatrix: true).Probabilities()!.Sum(), 12);
    }

    [Fact]
    public void BadInitialStates()
    {
        using IBackend backend = TestBackends.Load("backends", "cpu.json");
        var circuit = new Circuit(2).Add(GateKind.H, [0]);
        Assert.Contains("3 amplitudes given", Assert.Throws<ArgumentException>(() => backend.Execute(circuit, initialState: new Complex[] { 1, 0, 0 })).Message);
        Assert.Contains("squared norm is 2", Assert.Throws<ArgumentException>(() => backend.Execute(circuit, initialState: new Complex[] { 1, 1, 0, 0 })).Message);
        var rho = new Complex[16];
        rho[0] = 0.5;
        Assert.Contains("trace is 0.5", Assert.Throws<ArgumentException>(() => backend.Execute(circuit, densityMatrix: true, initialState: rho)).Message);
    }

    [Theory]
    [InlineData("{ \"noise\": [ { \"channel\": { \"type\": \"depolarizing\", \"lambda\": 2 } } ] }", "$.noise[0].channel", "lambda = 2 is outside")]
    [InlineData("{ \"noise\": [ { \"after\": [\"h\", \"hx\"], \"channel\": { \"type\": \"depolarizing\", \"lambda\": 0.1 } } ] }", "$.noise[0].after[1]", "unknown gate 'hx'")]
    [InlineData("{ \"noise\": [ { \"after\": [\"h\"] } ] }", "$.noise[0]", "missing \"channel\"")]
    [InlineData("{ \"noise\": [ {}, { \"channel\": { \"type\": \"bitflip\" } } ] }", "$.noise[0]", "missing \"channel\"")]
    [InlineData("{ \"noise\": [ { \"channel\": { \"type\": \"bitflip\" } } ] }", "$.noise[0].channel.type", "unknown channel type 'bitflip'")]
    [InlineData("{ \"noise\": [ { \"channel\": { \"type\": \"pauli\", \"px\": \"a lot\" } } ] }", "$.noise[0].channel.px", "expected a number")]
    [InlineData("{ \"noise\": [ { \"channel\": { \"type\": \"pauli\", \"pq\": 0.1 } } ] }", "$.noise[0].channel.pq", "unknown key")]
    [InlineData("{ \"noise\": [ { \"qubits\": [0, -1], \"channel\": { \"type\": \"pauli\", \"px\": 0.1 } } ] }", "$.noise[0].qubits[1]", "qubit index")]
    [InlineData("{ \"noise\": [ { \"channel\": { \"type\": \"kraus\", \"operators\": [ [[1, 0], [0]] ] } } ] }", "$.noise[0].channel.operators[0][1]", "row of 2 entries")]
    [InlineData("{ \"noise\": [ { \"channel\": { \"type\": \"kraus\", \"operators\": [ [[1, 0], [0, 0.5]] ] } } ] }", "$.noise[0].channel", "not trace preserving")]
    [InlineData("{ \"noise\": [ { \"after\": [\"h\"], \"channel\": { \"type\": \"readout\", \"probabilities\": [[1, 0], [0, 1]] } } ] }", "$.noise[0].after", "before measurements")]
    [InlineData("{ \"noize\": [] }", "$.noize", "unknown key")]
    [InlineData("{ \"noise\": [ }", "not valid JSON", "")]
    public void MalformedNoiseModelsNameTheFileAndTheJsonPath(string json, string path, string message)
    {
        var e = Assert.Throws<FormatException>(() => NoiseModel.Parse(json, "model.json"));
        Assert.StartsWith("model.json: ", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AMultiQubitKrausRuleOnAGateOfTheWrongSizeNamesTheRule()
    {
        NoiseModel model = NoiseModel.Parse("""
            { "noise": [ { "channel": { "type": "unitary", "probabilities": [0.1],
                "unitaries": [ [[1,0,0,0],[0,1,0,0],[0,0,0,1],[0,0,1,0]] ] } } ] }
            """, "m.json");
        var circuit = new Circuit(2).Add(GateKind.H, [0]);
        var e = Assert.Throws<ArgumentException>(() => model.Apply(circuit));
        Assert.Contains("m.json: $.noise[0]: on qubit(s) 0", e.Message);
    }
}
