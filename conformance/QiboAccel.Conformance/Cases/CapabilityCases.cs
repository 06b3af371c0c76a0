using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;

namespace QiboAccel.Conformance.Cases;

/// <summary>What a backend declares is what it does: declared native kinds work as themselves, undeclared ones are refused.</summary>
internal static class CapabilityCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return new("capabilities-honest", "every declared native kind, sent as itself with and without a control, equals the header's matrix; every undeclared kind is refused with UNSUPPORTED naming it", Honest);
        yield return new("info-sane", "name, version, precisions, MATRIX and MEASURE declared; max_qubits at least 20", InfoSane);
    }

    /// <summary>The kinds a backend may declare native besides the required MATRIX and MEASURE.</summary>
    private static IEnumerable<QiboOpKind> OptionalKinds()
    {
        yield return QiboOpKind.Diagonal;
        for (var kind = QiboOpKind.I; kind <= QiboOpKind.RZZ; kind++) yield return kind;
    }

    private static void Honest(ConformanceContext c)
    {
        var info = c.Backend.Info;
        var rng = new Random(8);
        foreach (QiboOpKind kind in OptionalKinds())
        {
            double[] p = [.. Enumerable.Range(0, 4).Select(_ => rng.NextDouble() * 4)];
            int width = kind is QiboOpKind.Diagonal ? 2 : OpMatrices.TargetCount(kind);
            Complex[] matrix = kind switch
            {
                QiboOpKind.GeneralizedFSim => Analytic.Flatten(Analytic.RandomUnitary(1, rng)),
                QiboOpKind.Diagonal => [.. Enumerable.Range(0, 4).Select(_ => Complex.FromPolarCoordinates(1, rng.NextDouble() * 6))],
                _ => [],
            };
            foreach (int[] controls in new[] { Array.Empty<int>(), [1] })
            {
                int[] targets = width == 2 ? [2, 0] : [3];
                string what = $"{OpNames(kind)} (kind {(uint)kind}) on targets [{string.Join(", ", targets)}], controls [{string.Join(", ", controls)}]";
                var batch = new OpBatch(4);
                batch.Add(kind, targets, controls, p, matrix);
                using var state = c.Backend.CreateState(4);
                Complex[] start = RandomCircuits.State(4, rng);
                state.SetAmplitudes(0, start);
                if (!info.IsNative(kind))
                {
                    var e = Check.Fails(() => state.Apply(batch), $"{what}, which the backend does not declare native");
                    Check.True(e.Code == QiboErrorCode.Unsupported, $"{what}, which the backend does not declare native, was refused with {e.Code}; the header says UNSUPPORTED");
                    Check.True(e.Message.Contains(OpNames(kind), StringComparison.Ordinal), $"{what} was refused without naming {OpNames(kind)}: {e.Message}");
                    continue;
                }
                try
                {
                    state.Apply(batch);
                }
                catch (BackendException e)
                {
                    throw new ConformanceFailure($"{what} is declared native but applying it failed: {e.Message}");
                }
                var reference = new ReferenceSimulator(4);
                start.CopyTo(reference.State, 0);
                reference.ApplyMatrix(ReferenceGates.OfOpKind(kind, p, matrix), targets, controls);
                var actual = new Complex[16];
                state.GetAmplitudes(0, actual);
                int bad = ReferenceComparison.FirstDifference(reference.State, actual, 1e-10);
                Check.True(bad < 0, $"{what} is declared native but differs from the header's matrix: amplitude {bad} is {(bad < 0 ? 0 : actual[bad])}, the reference gives {(bad < 0 ? 0 : reference.State[bad])}");
            }
        }
    }

    private static string OpNames(QiboOpKind kind) => kind switch
    {
        QiboOpKind.Sdg => "SDG",
        QiboOpKind.SXdg => "SXDG",
        QiboOpKind.ISwap => "ISWAP",
        QiboOpKind.FSwap => "FSWAP",
        QiboOpKind.FSim => "FSIM",
        QiboOpKind.GeneralizedFSim => "GENERALIZED_FSIM",
        _ => kind.ToString().ToUpperInvariant(),
    };

    private static void InfoSane(ConformanceContext c)
    {
        var info = c.Backend.Info;
        Check.True(info.Name.Length > 0, "empty name");
        Check.True(info.Version.Length > 0, "empty version");
        Check.True(info.Precisions.Contains(Precision.Double), "complex128 is the default precision and must be offered");
        Check.True(info.IsNative(QiboOpKind.Matrix) && info.IsNative(QiboOpKind.Measure), "MATRIX and MEASURE must be native");
        Check.True(info.MaxQubits >= 20, $"max_qubits {info.MaxQubits} is below 20");
        Check.True(info.MaxMatrixTargets == 0 || info.MaxMatrixTargets >= 2, "matrices on at least 2 targets are required (2-qubit gates lower to them)");
        Check.True(!info.NativeOps.Any(k => (int)k >= (int)QiboOpKind.KindCount), "native kinds beyond 127");
    }
}
