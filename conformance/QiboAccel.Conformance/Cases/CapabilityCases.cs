using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;

namespace QiboAccel.Conformance.Cases;

/// <summary>What a backend declares is what it does: declared native kinds work as themselves, undeclared ones are refused.</summary>
internal static class CapabilityCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return new("capabilities-honest", "every declared native kind, sent as itself, equals the reference; every undeclared kind is refused with an error", Honest);
        yield return new("info-sane", "name, version, precisions, MATRIX and MEASURE declared; max_qubits at least 20", InfoSane);
    }

    private static void Honest(ConformanceContext c)
    {
        var info = c.Backend.Info;
        var rng = new Random(8);
        foreach (var def in GateDefinition.All.Where(d => d.Kind != GateKind.Unitary && d.BuiltInControls == 0))
        {
            var kind = def.Op;
            double[] p = Enumerable.Range(0, def.Parameters).Select(_ => rng.NextDouble() * 4).ToArray();
            Complex[] block = def.Kind == GateKind.GeneralizedfSim ? Analytic.Flatten(Analytic.RandomUnitary(1, rng)) : [];
            int[] targets = def.Targets == 2 ? [2, 0] : [1];
            var batch = new OpBatch(3);
            batch.Add(kind, targets, [], p, block);
            using var state = c.Backend.CreateState(3);
            var start = RandomCircuits.Layer(3, rng);
            var prepared = ReferenceSimulator.Run(start);
            state.SetAmplitudes(0, prepared);
            if (info.IsNative(kind))
            {
                try
                {
                    state.Apply(batch);
                }
                catch (BackendException e)
                {
                    throw new ConformanceFailure($"{kind} is declared native but applying it failed: {e.Message}");
                }
                var gate = def.Kind == GateKind.GeneralizedfSim ? Gate.GeneralizedfSim(targets[0], targets[1], block, p[0]) : Gate.Create(def.Kind, targets, p);
                var reference = new ReferenceSimulator(3);
                prepared.CopyTo(reference.State, 0);
                reference.Apply(gate);
                var actual = new Complex[8];
                state.GetAmplitudes(0, actual);
                Check.StatesClose(reference.State, actual, 1e-10);
            }
            else
            {
                var e = Check.Fails(() => state.Apply(batch), $"{kind}, which the backend does not declare native");
                Check.True(e.Code is QiboErrorCode.Unsupported or QiboErrorCode.InvalidArgument, $"{kind} refused with {e.Code}, expected Unsupported");
            }
        }
    }

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
