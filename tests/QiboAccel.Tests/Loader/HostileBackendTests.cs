using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Loader;

/// <summary>
/// What the host does not take on trust from a backend (findings W5, W3, D3): sample outcomes outside the sampled
/// qubits' range, non-finite amplitudes, probabilities that are not probabilities, absurd capabilities, an error
/// object claiming success — each is a clear error (or clamped), never a wrong result.
/// </summary>
public class HostileBackendTests(HostileBackends hostile) : IClassFixture<HostileBackends>
{
    private static Circuit Bell()
    {
        var c = new Circuit(2).Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]);
        c.Measure(0, 1);
        return c;
    }

    [Fact]
    public void OutcomesOutsideTheSampledRangeAreRefused()
    {
        using var backend = Backends.Load(hostile.PathOf("HOSTILE_BAD_SAMPLE"));
        var e = Assert.Throws<BackendException>(() => backend.Execute(Bell(), shots: 100, seed: 1, returnState: false));
        Assert.Contains("is faulty: state_sample returned outcome", e.Message);
        Assert.Contains("0..3", e.Message);
    }

    [Fact]
    public void NonFiniteAmplitudesAreRefused()
    {
        using var backend = Backends.Load(hostile.PathOf("HOSTILE_NAN_AMPS"));
        var e = Assert.Throws<BackendException>(() => backend.Execute(Bell(), returnState: true));
        Assert.Contains("non-finite amplitude", e.Message);
        // Single precision goes through the conversion buffer: same check.
        e = Assert.Throws<BackendException>(() => backend.Execute(Bell(), precision: Precision.Single, returnState: true));
        Assert.Contains("non-finite amplitude", e.Message);
    }

    [Fact]
    public void ProbabilitiesThatAreNotProbabilitiesAreRefused()
    {
        using var backend = Backends.Load(hostile.PathOf("HOSTILE_NEG_PROBS"));
        using var state = backend.CreateState(2);
        var e = Assert.Throws<BackendException>(() => state.Probabilities([0, 1]));
        Assert.Contains("is not a probability", e.Message);
        // A state-dependent noise channel reads them: the run fails instead of picking Kraus operators from -1 and 2.
        var circuit = new Circuit(1).Add(GateKind.X, [0]);
        var noise = new QiboAccel.Noise.NoiseModel().Add(q => QiboAccel.Noise.Channel.AmplitudeDamping(q[0], 0.3));
        Assert.Throws<BackendException>(() => backend.Execute(circuit, shots: 4, seed: 1, noise: noise, returnState: false));
    }

    [Fact]
    public void AbsurdCapabilitiesAreClamped()
    {
        using var backend = Backends.Load(hostile.PathOf("HOSTILE_HUGE_INFO"));
        Assert.Equal(63, backend.Info.MaxQubits);
        Assert.Equal(63, backend.Info.MaxMatrixTargets);
        // The lazy state reads |00>: every shot is 00.
        var result = backend.Execute(Bell(), shots: 20, seed: 3, returnState: false);
        Assert.Equal(20, result.Frequencies["00"]);
    }

    [Fact]
    public void AnErrorObjectClaimingSuccessIsStillAnError()
    {
        using var backend = Backends.Load(hostile.PathOf("HOSTILE_OK_ERROR"));
        var e = Assert.Throws<BackendException>(() => backend.Execute(Bell(), returnState: false));
        Assert.Equal(QiboErrorCode.Internal, e.Code);
        Assert.Contains("(no message)", e.Message);
    }

    [Fact]
    public void ThirtyOneSingleQubitsWithStateIsOneLineNotAnOverflow()
    {
        // D3: the host's copy of 2^31 amplitudes cannot exist (memory, or .NET's array limit on a large machine).
        using var dir = new TempFolder();
        string q31 = dir.File("q31.qasm", "OPENQASM 2.0;\nqreg q[31];\n");
        var r = CliRunner.Run(["run", q31, "--backend", hostile.PathOf("LAZY"), "--precision", "single", "--state"], timeoutSeconds: 30);
        Assert.Equal(1, r.Exit);
        Assert.Matches(@"^qiboaccel: error: 31 qubits(: | need )", r.ErrorLine);
        Assert.True(r.PeakRssBytes < 1L << 30, $"peak {r.PeakRssBytes >> 20} MiB");
        // Sampling all 31 qubits: the distribution alone is 16 GiB, counted before anything is allocated.
        r = CliRunner.Run(["run", q31, "--backend", hostile.PathOf("LAZY"), "--precision", "single", "--shots", "5"], timeoutSeconds: 30);
        Assert.True(r.Exit == 1 || r.Out.Contains("00000", StringComparison.Ordinal), r.Err);
        if (r.Exit == 1) Assert.Contains("31 qubits need", r.ErrorLine);
    }

    [Fact]
    public void HostCopiesAreCheckedAgainstAnAddressSpaceLimit()
    {
        // D4/W2: under `ulimit -v` (about 9.5 GiB, of which the runtimes' reservations leave about 4.5) a 28-qubit --state run asks for 4 GiB on the backend and 6 GiB of
        // host copies: refused up front, naming what is available — not "Out of memory." and SIGABRT.
        using var dir = new TempFolder();
        string q28 = dir.File("q28.qasm", "OPENQASM 2.0;\nqreg q[28];\n");
        string cli = CliProgram.Path;
        var psi = new System.Diagnostics.ProcessStartInfo("bash", ["-c", "ulimit -v 10000000 && exec \"$0\" run \"$1\" --backend \"$2\" --state", cli, q28, hostile.PathOf("LAZY")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        // NativeAOT and CoreCLR runtimes reserve address space generously; a 1 GiB GC range lets them start under the cap.
        psi.Environment["DOTNET_GCRegionRange"] = "0x40000000";
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        Assert.Equal(1, p.ExitCode);
        string line = Assert.Single(err.Trim().Split('\n'));
        Assert.Matches(@"28 qubits need 10 GiB \(4 GiB for a double-precision state \+ 6 GiB for the host's copy of the state and its probabilities\); this machine has [\d.]+ [MG]iB available", line);
    }
}
