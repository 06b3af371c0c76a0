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
        yield return new("invalid-records", "each malformed record (bad or repeated qubits, kind 0, kind 200, unknown flag bits, no matrix, too few randoms, a missing classical bit, ...) is refused with INVALID_ARGUMENT and its op index", InvalidRecords);
        yield return new("failed-op-keeps-earlier-ops", "when op k fails, ops before k stay applied", EarlierOpsStay);
        yield return new("too-many-qubits", "a state above max_qubits is refused with a clear error", TooManyQubits);
    }

    /// <summary>
    /// Each fault the header names, as the second record of a batch whose first is valid: refused with the header's
    /// code (INVALID_ARGUMENT: the request is malformed), the failing record's index, and a message naming the fault.
    /// </summary>
    private static void InvalidRecords(ConformanceContext c)
    {
        using var state = c.Backend.CreateState(3);
        var x = Analytic.Flatten(Analytic.PauliX);
        var wrong = new List<string>();
        int total = 0;
        void Refused(string what, Action<OpBatch> second, double[]? randoms = null, byte[]? cbits = null, string? named = null)
        {
            total++;
            var batch = new OpBatch(3);
            batch.Add(QiboOpKind.Matrix, [0], [], matrix: x);
            second(batch);
            try
            {
                var e = Check.Fails(() => state.Apply(batch, randoms ?? [], cbits ?? []), what);
                Check.True(e.Code == QiboErrorCode.InvalidArgument, $"{what}: refused with {CodeName(e.Code)}, not QIBO_ERROR_INVALID_ARGUMENT");
                Check.True(e.OpIndex == 1, $"{what}: the error names op {e.OpIndex}, not 1 (the faulty record)");
                if (named is not null) Check.True(e.Message.Contains(named, StringComparison.Ordinal), $"{what}: the message does not mention '{named}': {e.Message}");
            }
            catch (ConformanceFailure failure)
            {
                wrong.Add(failure.Message);
            }
        }

        Refused("a target qubit 7 of 3", b => b.Add(QiboOpKind.Matrix, [7], [], matrix: x), named: "7");
        Refused("a qubit both target and control", b => b.Add(QiboOpKind.Matrix, [1], [1], matrix: x));
        Refused("a zeroed record (kind 0, QIBO_OP_INVALID)", b => b.Add(QiboOpKind.Invalid, [], [], cbit: 0));
        Refused("kind 200 (kinds end at 127)", b => b.Add((QiboOpKind)200, [0], []));
        Refused("a MATRIX record with flags = 0x1 (ABI 1.0 defines no flag bits; ignoring them is not allowed)",
            b => b.Add(QiboOpKind.Matrix, [1], [], matrix: x, flags: 1));
        Refused("a MATRIX record with flags = 0x80000000", b => b.Add(QiboOpKind.Matrix, [1], [], matrix: x, flags: 0x8000_0000));
        Refused("a MATRIX record without a matrix", b => b.Add(QiboOpKind.Matrix, [1], []));
        Refused("MEASURE without a random number left (too few randoms)", b => b.Add(QiboOpKind.Measure, [0], []), randoms: []);
        Refused("MEASURE writing classical bit 0 with n_cbits = 0 (a missing classical bit)", b => b.Add(QiboOpKind.Measure, [0], [], cbit: 0), randoms: [0.5]);
        Refused("MEASURE writing classical bit 5 with n_cbits = 1", b => b.Add(QiboOpKind.Measure, [0], [], cbit: 5), randoms: [0.5], cbits: new byte[1]);
        Refused("MEASURE with random number 1.5 (outside [0, 1))", b => b.Add(QiboOpKind.Measure, [0], []), randoms: [1.5]);
        Refused("MEASURE with random number NaN", b => b.Add(QiboOpKind.Measure, [0], []), randoms: [double.NaN]);
        Refused("MEASURE on 2 targets", b => b.Add(QiboOpKind.Measure, [0, 1], []), randoms: [0.5, 0.5]);
        Refused("MEASURE with a control", b => b.Add(QiboOpKind.Measure, [0], [1]), randoms: [0.5]);
        Check.True(wrong.Count == 0, $"{wrong.Count} of {total} malformed records were not refused as the header says "
            + $"(QIBO_ERROR_INVALID_ARGUMENT naming the record): {string.Join(" | ", wrong)}");

        var e = Check.Fails(() => state.Sample([0], [-0.25], new ulong[1]), "sample with random number -0.25 (outside [0, 1))");
        Check.True(e.Code == QiboErrorCode.InvalidArgument, $"sample with random number -0.25: refused with {CodeName(e.Code)}; the header says QIBO_ERROR_INVALID_ARGUMENT");
    }

    /// <summary>"QIBO_ERROR_UNSUPPORTED" for a code, as the header spells it.</summary>
    internal static string CodeName(QiboErrorCode code) => code switch
    {
        QiboErrorCode.Ok => "QIBO_OK",
        QiboErrorCode.InvalidArgument => "QIBO_ERROR_INVALID_ARGUMENT",
        QiboErrorCode.Unsupported => "QIBO_ERROR_UNSUPPORTED",
        QiboErrorCode.OutOfMemory => "QIBO_ERROR_OUT_OF_MEMORY",
        QiboErrorCode.VersionMismatch => "QIBO_ERROR_VERSION_MISMATCH",
        QiboErrorCode.Device => "QIBO_ERROR_DEVICE",
        QiboErrorCode.Internal => "QIBO_ERROR_INTERNAL",
        _ => $"code {(uint)code}",
    };

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
