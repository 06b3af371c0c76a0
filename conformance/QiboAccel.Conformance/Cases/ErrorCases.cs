using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;

namespace QiboAccel.Conformance.Cases;

/// <summary>Invalid requests are answered with errors naming the fault, never with a crash or a silent success.</summary>
internal static class ErrorCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return new("invalid-records", "bad qubits, repeated qubits, missing randoms, kind 0, unknown flags: errors with the failing op index", InvalidRecords);
        yield return new("failed-op-keeps-earlier-ops", "when op k fails, ops before k stay applied", EarlierOpsStay);
        yield return new("too-many-qubits", "a state above max_qubits is refused with a clear error", TooManyQubits);
    }

    private static void InvalidRecords(ConformanceContext c)
    {
        using var state = c.Backend.CreateState(3);
        var x = Analytic.Flatten(Analytic.PauliX);

        var outOfRange = new OpBatch(3);
        outOfRange.Add(QiboOpKind.Matrix, [0], [], matrix: x);
        outOfRange.Add(QiboOpKind.Matrix, [7], [], matrix: x);
        var e = Check.Fails(() => state.Apply(outOfRange), "qubit 7 of 3");
        Check.True(e.Code == QiboErrorCode.InvalidArgument, $"qubit 7 of 3: code {e.Code}, expected InvalidArgument");
        Check.True(e.OpIndex == 1, $"qubit 7 of 3: op index {e.OpIndex}, expected 1");
        Check.True(e.Message.Contains('7'), $"qubit 7 of 3: the message does not name the qubit: {e.Message}");

        var repeated = new OpBatch(3);
        repeated.Add(QiboOpKind.Matrix, [1], [1], matrix: x);
        Check.True(Check.Fails(() => state.Apply(repeated), "target = control").OpIndex == 0, "target = control: op index should be 0");

        var measure = new OpBatch(3);
        measure.Add(QiboOpKind.Measure, [0], [], cbit: 0);
        Check.Fails(() => state.Apply(measure, randoms: [], cbits: new byte[1]), "MEASURE without a random number");
        Check.Fails(() => state.Apply(measure, randoms: [0.5], cbits: []), "MEASURE writing a missing classical bit");
        Check.Fails(() => state.Apply(measure, randoms: [1.5], cbits: new byte[1]), "MEASURE with random number 1.5 (outside [0, 1))");
        Check.Fails(() => state.Sample([0], [-0.25], new ulong[1]), "sample with random number -0.25 (outside [0, 1))");

        var invalid = new OpBatch(3);
        invalid.Add(QiboOpKind.Invalid, [0], []);
        Check.Fails(() => state.Apply(invalid), "kind 0 (a zeroed record)");

        var noMatrix = new OpBatch(3);
        noMatrix.Add(QiboOpKind.Matrix, [0], []);
        Check.Fails(() => state.Apply(noMatrix), "MATRIX without a matrix");
    }

    private static void EarlierOpsStay(ConformanceContext c)
    {
        using var state = c.Backend.CreateState(2);
        var batch = new OpBatch(2);
        batch.Add(QiboOpKind.Matrix, [0], [], matrix: Analytic.Flatten(Analytic.PauliX));
        batch.Add(QiboOpKind.Matrix, [5], [], matrix: Analytic.Flatten(Analytic.PauliX));
        Check.Fails(() => state.Apply(batch), "qubit 5 of 2");
        var amps = new System.Numerics.Complex[4];
        state.GetAmplitudes(0, amps);
        Check.Close(1.0, amps[2].Real, 1e-6, "after a failing second op, X on qubit 0 stays applied: amplitude 2");
    }

    private static void TooManyQubits(ConformanceContext c)
    {
        int n = c.Backend.Info.MaxQubits + 1;
        var e = Check.Fails(() => c.Backend.Execute(new Circuit(Math.Min(n, 62))), $"{n} qubits");
        Check.True(e.Message.Contains("too many") || e.Message.Contains("need"), $"{n} qubits: unclear message: {e.Message}");
        Check.Fails(() => c.Backend.CreateState(Math.Min(n, 62)).Dispose(), $"state_create with {n} qubits (above max_qubits)");
    }
}
