using System.Numerics;
using QiboAccel.Conformance.Reference;
using QiboAccel.Gates;
using QiboAccel.Gradients;

namespace QiboAccel.Tests.Gradients;

/// <summary>The matrix shift rule and the circuit shift rules against independent derivatives.</summary>
public sealed class GateCalculusTests
{
    [Fact]
    public void MatrixDerivativesMatchFiniteDifferencesOfTheAnalyticMatrices()
    {
        var rng = new Random(3);
        foreach (GateKind kind in ParametrisedCircuits.Kinds)
        {
            GateDefinition def = GateDefinition.Of(kind);
            int[] qubits = [.. Enumerable.Range(0, def.BuiltInControls + def.Targets)];
            double[] values = ParametrisedCircuits.RandomValues(def.Parameters, rng);
            Gate gate = kind == GateKind.GeneralizedfSim
                ? Gate.GeneralizedfSim(0, 1, Analytic.Flatten(Analytic.RandomUnitary(1, rng)), values[0])
                : Gate.Create(kind, qubits, values);
            for (int j = 0; j < def.Parameters; j++)
            {
                Complex[] derivative = GateCalculus.TargetDerivative(gate, j);
                const double h = 1e-6;
                double[] plus = [.. values], minus = [.. values];
                plus[j] += h;
                minus[j] -= h;
                Complex[,] mp = ReferenceSimulator.MatrixOf(gate.WithParameters(plus)), mm = ReferenceSimulator.MatrixOf(gate.WithParameters(minus));
                int dim = mp.GetLength(0);
                for (int r = 0; r < dim; r++)
                {
                    for (int c = 0; c < dim; c++)
                    {
                        Complex fd = (mp[r, c] - mm[r, c]) / (2 * h);
                        Assert.True((derivative[r * dim + c] - fd).Magnitude < 1e-8, $"{kind} parameter {j} [{r},{c}]: {derivative[r * dim + c]} vs {fd}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void GeneralShiftRuleDifferentiatesTrigonometricPolynomials(int r)
    {
        var rng = new Random(r);
        foreach (double scale in new[] { 1.0, 2.0 })
        {
            // f(a) = Σ_l a_l cos(l a / scale) + b_l sin(l a / scale), l = 0..R.
            double[] cosines = ParametrisedCircuits.RandomValues(r + 1, rng), sines = ParametrisedCircuits.RandomValues(r + 1, rng);
            double F(double a) => Enumerable.Range(0, r + 1).Sum(l => cosines[l] * Math.Cos(l * a / scale) + sines[l] * Math.Sin(l * a / scale));
            double DF(double a) => Enumerable.Range(0, r + 1).Sum(l => l / scale * (-cosines[l] * Math.Sin(l * a / scale) + sines[l] * Math.Cos(l * a / scale)));
            ShiftRule rule = ShiftRule.General(r, scale);
            for (int t = 0; t < 5; t++)
            {
                double a = rng.NextDouble() * 10 - 5;
                double derivative = rule.Shifts.Select((s, i) => rule.Coefficients[i] * F(a + s)).Sum();
                Assert.Equal(DF(a), derivative, 1e-12);
            }
        }
    }

    [Fact]
    public void AdjointIsTheConjugateTranspose()
    {
        Complex[] m = [1, new Complex(0, 2), new Complex(3, -1), 4];
        Assert.Equal([1, new Complex(3, 1), new Complex(0, -2), 4], GateCalculus.Adjoint(m, 2));
    }
}
