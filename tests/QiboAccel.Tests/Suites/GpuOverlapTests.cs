using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Observables;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// libqibo_gpu.so's native ABI 1.1 slots on OpenCL (PoCL): state_copy, state_inner_product and state_expectation are
/// in the table (the conformance cases run, not skipped), and at sizes where the device reductions fold (14 qubits:
/// more amplitudes than PoCL's reduction threads) and with many flip groups they equal references computed here from
/// the stored amplitudes in double: a plain sum of conj(a)·b, and each Pauli string applied factor by factor as 2x2
/// matrices. complex64 is held to double accuracy too: its amplitudes are widened and summed in double, as the ABI
/// promises (compensated float sums would be off by ~1e-7).
/// </summary>
public sealed class GpuOverlapTests : IDisposable
{
    private readonly IBackend _gpu = GpuTestBackend.Load("opencl:0");

    [Theory]
    [InlineData("state-copy")]
    [InlineData("state-inner-product")]
    [InlineData("state-expectation")]
    public void TheAbi11SlotsAreNative(string name)
    {
        // Run directly: a backend without the slot makes the case throw ConformanceNotApplicable, which fails here.
        ConformanceSuite.Get(name).Run(new ConformanceContext(_gpu, GpuTestBackend.Load));
    }

    [Theory]
    [InlineData(14, Precision.Double)]
    [InlineData(14, Precision.Single)]
    [InlineData(3, Precision.Double)]
    [InlineData(3, Precision.Single)]
    public void InnerProductsAreDoubleSumsOfTheStoredAmplitudes(int n, Precision precision)
    {
        var rng = new Random(n + (int)precision);
        using IQuantumState a = RandomState(n, precision, rng, out Complex[] storedA);
        using IQuantumState b = RandomState(n, precision, rng, out Complex[] storedB);
        // A large amplitude next to small ones: float products and sums would lose the small ones' contributions.
        storedA[0] = storedB[0] = 0.75;
        a.SetAmplitudes(0, storedA.AsSpan(0, 1));
        b.SetAmplitudes(0, storedB.AsSpan(0, 1));
        Complex expected = 0, norm = 0;
        for (int i = 0; i < storedA.Length; i++)
        {
            expected += Complex.Conjugate(storedA[i]) * storedB[i];
            norm += Complex.Conjugate(storedA[i]) * storedA[i];
        }
        Complex actual = a.InnerProduct(b);
        Assert.True(Complex.Abs(actual - expected) <= 1e-14 * (1 + Complex.Abs(expected)), $"<a|b> = {actual}, expected {expected}");
        Complex self = a.InnerProduct(a);
        Assert.True(Math.Abs(self.Real - norm.Real) <= 1e-14 * norm.Real && Math.Abs(self.Imaginary) <= 1e-15, $"<a|a> = {self}, expected {norm.Real}");
    }

    [Theory]
    [InlineData(Precision.Double)]
    [InlineData(Precision.Single)]
    public void ExpectationsOfManyFlipGroupsMatchPauliMatrices(Precision precision)
    {
        const int n = 14;
        var rng = new Random(40 + (int)precision);
        using IQuantumState state = RandomState(n, precision, rng, out Complex[] stored);
        // Random strings (mostly distinct flip masks), Z strings sharing the flip mask 0, Y strings and a constant.
        var terms = new List<string> { "0.25", "1.5*Z0*Z13", "-0.75*Z5", "0.5*Y3", "-1.25*Y3*Z7", "0.3*X3*Z1", "2*Y0*Y1*Y2" };
        for (int t = 0; t < 30; t++)
        {
            var factors = new List<string>();
            for (int q = 0; q < n; q++)
            {
                int p = rng.Next(6);
                if (p < 3) factors.Add($"{"XYZ"[p]}{q}");
            }
            terms.Add($"{rng.NextDouble() * 4 - 2:R}*{string.Join("*", factors.DefaultIfEmpty("1"))}");
        }
        var observable = Observable.Parse(string.Join(" + ", terms).Replace("+ -", "- ", StringComparison.Ordinal));
        double expected = 0, magnitude = 0;
        foreach (PauliTerm term in observable.Terms)
        {
            expected += term.Coefficient * PauliExpectation(stored, n, term);
            magnitude += Math.Abs(term.Coefficient);
        }
        double actual = state.Expectation(observable);
        Assert.True(Math.Abs(actual - expected) <= 1e-13 * magnitude, $"{precision}: <O> = {actual:R}, expected {expected:R} ({observable.Terms.Count} terms)");
        // Unnormalised: twice the state, four times the value.
        var doubled = stored.Select(z => 2 * z).ToArray();
        state.SetAmplitudes(0, doubled);
        Assert.True(Math.Abs(state.Expectation(observable) - 4 * expected) <= 4e-13 * magnitude, $"{precision}: <O> of 2|psi> is not 4 <O>");
    }

    [Theory]
    [InlineData(Precision.Double)]
    [InlineData(Precision.Single)]
    public void CopiesAreExactAndIndependent(Precision precision)
    {
        const int n = 14;
        var rng = new Random(7);
        using IQuantumState source = RandomState(n, precision, rng, out Complex[] stored);
        using IQuantumState destination = _gpu.CreateState(n, precision);
        source.CopyTo(destination);
        var copied = new Complex[1 << n];
        destination.GetAmplitudes(0, copied);
        Assert.True(copied.SequenceEqual(stored), "the copy differs from the source's amplitudes");
        var batch = new OpBatch(n);
        foreach (Operation op in new Circuit(n).Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, n - 1]).Operations) Lowering.AddGate(batch, (Gate)op, _gpu.Info);
        destination.Apply(batch);
        var after = new Complex[1 << n];
        source.GetAmplitudes(0, after);
        Assert.True(after.SequenceEqual(stored), "a gate on the copy changed the source");
        destination.GetAmplitudes(0, copied);
        Assert.False(copied.SequenceEqual(stored), "the gate did not change the copy");
    }

    [Fact]
    public void WithoutFp64Complex64SumsAreCompensatedFloatWithinTheStatedBound()
    {
        // fp64=off takes the path of a device without fp64 (its kernels contain no double): complex64 only, the
        // description says the ABI's double sums are not kept, and the errors stay within the README's bound (7e-7 of
        // the sum of the terms' magnitudes) while being visibly float-sized (so the default path's 1e-13 agreement
        // above is the double path's, not luck).
        using IBackend noFp64 = GpuTestBackend.Load("opencl:0,fp64=off");
        Assert.Equal([Precision.Single], noFp64.Info.Precisions);
        Assert.Contains("NOT double as the ABI promises", noFp64.Info.Device);
        Assert.Throws<BackendException>(() => noFp64.CreateState(3, Precision.Double).Dispose());
        const int n = 12;
        var rng = new Random(12);
        var amplitudes = new Complex[1 << n];
        for (int i = 0; i < amplitudes.Length; i++) amplitudes[i] = new Complex(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5) / 30;
        using IQuantumState a = noFp64.CreateState(n, Precision.Single), b = noFp64.CreateState(n, Precision.Single);
        a.SetAmplitudes(0, amplitudes);
        b.SetAmplitudes(0, amplitudes.Select(z => z * Complex.FromPolarCoordinates(1, 0.3)).ToArray());
        Complex[] sa = new Complex[1 << n], sb = new Complex[1 << n];
        a.GetAmplitudes(0, sa);
        b.GetAmplitudes(0, sb);
        double worst = 0;

        int[] qubits = [.. Enumerable.Range(0, n)];
        double[] p = a.Probabilities(qubits);
        double[] p0 = a.Probabilities([3]);
        double[] exact0 = new double[2];
        for (int i = 0; i < sa.Length; i++)
        {
            double x = sa[i].Real * sa[i].Real + sa[i].Imaginary * sa[i].Imaginary;
            worst = Math.Max(worst, Math.Abs(p[i] - x) / x);
            Assert.True(Math.Abs(p[i] - x) <= 7e-7 * x, $"P({i}) = {p[i]:R}, the stored floats give {x:R}");
            exact0[(i >> (n - 1 - 3)) & 1] += x;
        }
        for (int o = 0; o < 2; o++) Assert.True(Math.Abs(p0[o] - exact0[o]) <= 7e-7 * exact0[o], $"P(q3 = {o}) = {p0[o]:R} vs {exact0[o]:R}");

        Complex inner = a.InnerProduct(b), expected = 0;
        double magnitude = 0;
        for (int i = 0; i < sa.Length; i++)
        {
            expected += Complex.Conjugate(sa[i]) * sb[i];
            magnitude += sa[i].Magnitude * sb[i].Magnitude;
        }
        worst = Math.Max(worst, Complex.Abs(inner - expected) / magnitude);
        Assert.True(Complex.Abs(inner - expected) <= 7e-7 * magnitude, $"<a|b> = {inner} vs {expected}");

        var observable = Observable.Parse("0.5*Z0*Z1 - 1.2*X2*Y5 + 0.7*Y4 + 0.3");
        double e = a.Expectation(observable), want = 0, scale = 0, norm = sa.Sum(z => z.Real * z.Real + z.Imaginary * z.Imaginary);
        foreach (PauliTerm term in observable.Terms)
        {
            want += term.Coefficient * PauliExpectation(sa, n, term);
            scale += Math.Abs(term.Coefficient) * norm;
        }
        worst = Math.Max(worst, Math.Abs(e - want) / scale);
        Assert.True(Math.Abs(e - want) <= 7e-7 * scale, $"<O> = {e:R} vs {want:R}");
        Assert.True(worst > 1e-12, $"the largest relative error is {worst:g3}: these sums were not formed in float");

        // MEASURE and sampling run on the float sums: a Bell pair gives 00 and 11 only, about evenly.
        var bell = new Circuit(2).Add(GateKind.H, [0]).Add(GateKind.CNOT, [0, 1]);
        bell.Measure(0, 1);
        var result = noFp64.Execute(bell, 400, seed: 5, precision: Precision.Single, returnState: false);
        Assert.Equal(400, result.Frequencies["00"] + result.Frequencies["11"]);
        Assert.InRange(result.Frequencies["00"], 140, 260);
    }

    private IQuantumState RandomState(int n, Precision precision, Random rng, out Complex[] stored)
    {
        IQuantumState state = _gpu.CreateState(n, precision);
        var amplitudes = new Complex[1 << n];
        for (int i = 0; i < amplitudes.Length; i++) amplitudes[i] = new Complex(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5) / Math.Sqrt(amplitudes.Length / 3.0);
        state.SetAmplitudes(0, amplitudes);
        stored = new Complex[1 << n];
        state.GetAmplitudes(0, stored);
        return state;
    }

    /// <summary>Re ⟨ψ|P|ψ⟩ with P applied factor by factor: X, Y and Z as 2x2 matrices on their qubit (qubit 0 most significant).</summary>
    private static double PauliExpectation(Complex[] psi, int n, PauliTerm term)
    {
        Complex[] p = (Complex[])psi.Clone();
        foreach (PauliFactor f in term.Factors)
        {
            (Complex m00, Complex m01, Complex m10, Complex m11) = f.Pauli switch
            {
                'X' => (Complex.Zero, Complex.One, Complex.One, Complex.Zero),
                'Y' => (Complex.Zero, -Complex.ImaginaryOne, Complex.ImaginaryOne, Complex.Zero),
                _ => (Complex.One, Complex.Zero, Complex.Zero, -Complex.One),
            };
            int bit = 1 << (n - 1 - f.Qubit);
            for (int i = 0; i < p.Length; i++)
            {
                if ((i & bit) != 0) continue;
                Complex a0 = p[i], a1 = p[i | bit];
                p[i] = m00 * a0 + m01 * a1;
                p[i | bit] = m10 * a0 + m11 * a1;
            }
        }
        Complex sum = 0;
        for (int i = 0; i < psi.Length; i++) sum += Complex.Conjugate(psi[i]) * p[i];
        return sum.Real;
    }

    public void Dispose() => _gpu.Dispose();
}
