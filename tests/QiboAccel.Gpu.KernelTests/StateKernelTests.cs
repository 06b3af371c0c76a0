using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using QiboAccel.Gpu.Kernels;

namespace QiboAccel.Gpu.KernelTests;

/// <summary>One ILGPU context with its CPU accelerator for the whole class (JIT mode: no device, no NativeAOT).</summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public CpuAcceleratorFixture()
    {
        Context = Context.Create(builder => builder.CPU().Optimize(OptimizationLevel.O2));
        Accelerator = Context.CreateCPUAccelerator(0);
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}

/// <summary>
/// The kernels of libqibo_gpu.so run on ILGPU's CPU accelerator and compared with a plain reference (dense matrix
/// on the listed targets, controls all 1). The same C# is what the generator compiles to PTX and OpenCL C; the
/// backend suite then checks the compiled kernels end to end on an OpenCL device.
/// </summary>
public sealed class StateKernelTests(CpuAcceleratorFixture fixture) : IClassFixture<CpuAcceleratorFixture>
{
    private readonly Accelerator _accelerator = fixture.Accelerator;

    [Theory]
    [InlineData(0L, 0L, 0L)]
    [InlineData(5L, 0b100L, 0b1001L)]
    [InlineData(0b1011L, 0b1010L, 0b100101L)]
    public void InsertZerosSkipsTheMaskedBitsInOrder(long index, long mask, long expected)
    {
        Assert.Equal(expected, Bits.InsertZeros(index, mask));
        for (long m = 0; m < 64; m++)
        {
            long previous = -1;
            for (long i = 0; i < 16; i++)
            {
                long r = Bits.InsertZeros(i, m);
                Assert.Equal(0, r & m);
                Assert.True(r > previous);
                previous = r;
            }
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 2)]
    [InlineData(2, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 0)]
    [InlineData(5, 1)]
    public void DenseMatricesMatchTheReference(int k, int controls)
    {
        const int n = 7;
        var rng = new Random(10 * k + controls);
        for (int trial = 0; trial < 3; trial++)
        {
            int[] bits = Shuffled(n, rng);
            int[] targets = bits[..k], ctrl = bits[k..(k + controls)];
            Complex[] state = RandomState(n, rng);
            Complex[] matrix = RandomMatrix(1 << k, rng);
            Complex[] expected = Reference(state, targets, ctrl, matrix);
            long fixedMask = Mask(targets) | Mask(ctrl), ctrlMask = Mask(ctrl);
            long threads = 1L << (n - k - controls);
            double[] consts = Interleave(matrix);
            double[] actual = Interleave(state);
            if (k == 1)
            {
                Run64(actual, consts, [], (s, c, _) => Load1Q()(Ix(threads), s, c, 0, fixedMask, ctrlMask, 1L << targets[0], 0));
            }
            else if (k == 2)
            {
                Run64(actual, consts, [], (s, c, _) => Load2Q()(Ix(threads), s, c, 0, fixedMask, ctrlMask, 1L << targets[0], 1L << targets[1], 0));
            }
            if (k <= 2) AssertClose(expected, actual, 1e-12, $"k={k} specialised");

            // Every k also through the general dense kernel, with the matrix and masks at non-zero offsets.
            double[] padded = [.. new double[6], .. consts];
            long[] masks = [-1, .. targets.Select(t => 1L << t)];
            actual = Interleave(state);
            Run64(actual, padded, masks, (s, c, m) => LoadDense()(Ix(threads), s, c, m, 0, fixedMask, ctrlMask, k, 1, 6));
            AssertClose(expected, actual, 1e-12, $"k={k} dense");
        }
    }

    [Fact]
    public void SinglePrecisionDenseMatchesTheReference()
    {
        const int n = 6;
        var rng = new Random(64);
        int[] bits = Shuffled(n, rng);
        int[] targets = bits[..3], ctrl = bits[3..4];
        Complex[] state = RandomState(n, rng);
        Complex[] matrix = RandomMatrix(8, rng);
        Complex[] expected = Reference(state, targets, ctrl, matrix);
        float[] amps = Interleave(state).Select(v => (float)v).ToArray();
        float[] consts = Interleave(matrix).Select(v => (float)v).ToArray();
        long[] masks = targets.Select(t => 1L << t).ToArray();
        var kernel = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<long>, long, long, long, int, long, long>(
            StateKernels.ApplyDense<float, F32Ops>);
        using var s = _accelerator.Allocate1D(amps);
        using var c = _accelerator.Allocate1D(consts);
        using var m = _accelerator.Allocate1D(masks);
        kernel(Ix(1L << (n - 4)), s.View, c.View, m.View, 0, Mask(targets) | Mask(ctrl), Mask(ctrl), 3, 0, 0);
        _accelerator.Synchronize();
        AssertClose(expected, s.GetAsArray1D().Select(v => (double)v).ToArray(), 1e-5, "complex64 dense");
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void DiagonalsAndPhasesMatchTheReference(int k, int controls)
    {
        const int n = 6;
        var rng = new Random(k * 7 + controls);
        int[] bits = Shuffled(n, rng);
        int[] targets = bits[..k], ctrl = bits[k..(k + controls)];
        Complex[] state = RandomState(n, rng);
        int dim = 1 << k;
        var diagonal = Enumerable.Range(0, dim).Select(_ => Complex.FromPolarCoordinates(1, rng.NextDouble() * 6)).ToArray();
        var matrix = new Complex[dim * dim];
        for (int i = 0; i < dim; i++) matrix[i * dim + i] = diagonal[i];
        Complex[] expected = Reference(state, targets, ctrl, matrix);
        double[] actual = Interleave(state);
        long[] masks = targets.Select(t => 1L << t).ToArray();
        Run64(actual, Interleave(diagonal), masks,
            (s, c, m) => LoadDiagonal()(Ix(1L << (n - controls)), s, c, m, 0, Mask(ctrl), Mask(ctrl), k, 0, 0));
        AssertClose(expected, actual, 1e-12, "diagonal");

        // diag(1, ..., 1, phase): the phase kernel touches only the all-ones amplitude.
        for (int i = 0; i < dim - 1; i++) matrix[i * dim + i] = 1;
        expected = Reference(state, targets, ctrl, matrix);
        actual = Interleave(state);
        long ones = Mask(targets) | Mask(ctrl);
        Complex phase = diagonal[dim - 1];
        Run64(actual, [], [], (s, _, _) => LoadPhase()(Ix(1L << (n - k - controls)), s, 0, ones, ones, phase.Real, phase.Imaginary));
        AssertClose(expected, actual, 1e-12, "phase");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void PermutationsMatchTheReference(int controls)
    {
        const int n = 6;
        var rng = new Random(50 + controls);
        int[] bits = Shuffled(n, rng);
        Complex[] state = RandomState(n, rng);
        int[] ctrl = bits[2..(2 + controls)];
        Complex[] x = Reference(state, bits[..1], ctrl, [0, 1, 1, 0]);
        double[] actual = Interleave(state);
        Run64(actual, [], [], (s, _, _) => LoadX()(Ix(1L << (n - 1 - controls)), s, 0, (1L << bits[0]) | Mask(ctrl), Mask(ctrl), 1L << bits[0]));
        AssertClose(x, actual, 0, "X");

        Complex[] swap = Reference(state, bits[..2], ctrl, [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
        actual = Interleave(state);
        long a = 1L << bits[0], b = 1L << bits[1];
        Run64(actual, [], [], (s, _, _) => LoadSwap()(Ix(1L << (n - 2 - controls)), s, 0, a | b | Mask(ctrl), Mask(ctrl), a, b));
        AssertClose(swap, actual, 0, "SWAP");
    }

    [Fact]
    public void ChunkOffsetsCoverTheRestOfTheLaunch()
    {
        // Two launches of half the threads each, the second with offset = half, equal one launch.
        const int n = 8;
        var rng = new Random(3);
        Complex[] state = RandomState(n, rng);
        Complex[] matrix = RandomMatrix(2, rng);
        Complex[] expected = Reference(state, [4], [], matrix);
        double[] actual = Interleave(state);
        long half = 1L << (n - 2);
        Run64(actual, Interleave(matrix), [], (s, c, _) =>
        {
            Load1Q()(Ix(half), s, c, 0, 1L << 4, 0, 1L << 4, 0);
            Load1Q()(Ix(half), s, c, half, 1L << 4, 0, 1L << 4, 0);
        });
        AssertClose(expected, actual, 1e-12, "chunked");
    }

    [Theory]
    [InlineData(0.3, 0)]
    [InlineData(0.95, 1)]
    public void MeasureDecidesOnTheDeviceAndCollapses(double r, int expectedOutcome)
    {
        // Partial sums of P0 = 0.6 and P1 = 0.4 (two groups each), slot 1: p0 = 0.6, outcome 1 iff r >= 0.6.
        const int n = 4;
        var rng = new Random(12);
        Complex[] state = RandomState(n, rng);
        double[] partials = [0.25, 0.35, 0.1, 0.3];
        var decide = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, long, long, long, double, double>(
            StateKernels.MeasureDecide<double, double, F64Ops>);
        var collapse = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, long, long, long>(
            StateKernels.Collapse<double, F64Ops>);
        using var p = _accelerator.Allocate1D(partials);
        using var decisions = _accelerator.Allocate1D<double>(6);
        using var s = _accelerator.Allocate1D(Interleave(state));
        long target = 1L << 2;
        decide(Ix(1), p.View, decisions.View, 0, 2, 1, r, 0);
        collapse(Ix(1L << (n - 1)), s.View, decisions.View, 0, target, 1);
        _accelerator.Synchronize();
        double[] d = decisions.GetAsArray1D();
        Assert.Equal(expectedOutcome, d[3]);
        double kept = expectedOutcome == 1 ? 0.4 : 0.6;
        Assert.Equal(1 / Math.Sqrt(kept), d[4], 12);
        Assert.Equal(1.0, d[5], 12);
        double[] actual = s.GetAsArray1D();
        for (int i = 0; i < 1 << n; i++)
        {
            bool keep = ((i & target) != 0) == (expectedOutcome == 1);
            Complex want = keep ? state[i] / Math.Sqrt(kept) : Complex.Zero;
            Assert.Equal(want.Real, actual[2 * i], 12);
            Assert.Equal(want.Imaginary, actual[2 * i + 1], 12);
        }
    }

    [Fact]
    public void MeasureDecisionIsExactAtTheBoundaryAndFlagsAZeroNorm()
    {
        var decide = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, long, long, long, double, double>(
            StateKernels.MeasureDecide<double, double, F64Ops>);
        using var p = _accelerator.Allocate1D(new double[] { 0.5, 0.5, 0, 0 });
        using var decisions = _accelerator.Allocate1D<double>(9);
        decide(Ix(1), p.View, decisions.View, 0, 1, 0, 0.5, 0);                    // r == p0: outcome 1
        decide(Ix(1), p.View, decisions.View, 0, 1, 1, 0.5, -1e-17);               // r = p0 - tiny (rHi + rLo): outcome 0
        decide(Ix(1), p.View.SubView(2, 2), decisions.View, 0, 1, 2, 0.5, 0);      // norm 0: flagged
        _accelerator.Synchronize();
        double[] d = decisions.GetAsArray1D();
        Assert.Equal(1, d[0]);
        Assert.Equal(0, d[3]);
        Assert.Equal(2, d[6]);
        Assert.Equal(1, d[7]);
        Assert.Equal(0, d[8]);
    }

    [Theory]
    [InlineData(6, new[] { 2 }, 4, 2)]
    [InlineData(6, new[] { 0, 5 }, 2, 2)]
    [InlineData(5, new[] { 4, 1, 3 }, 1, 1)]
    [InlineData(4, new[] { 0, 1, 2, 3 }, 0, 0)]
    [InlineData(5, new[] { 1, 4, 0 }, 0, 0)]
    public void MarginalPartialsAndFoldsSumToTheMarginal(int n, int[] listedBits, int groupBits, int fold)
    {
        var rng = new Random(n + listedBits.Length);
        Complex[] state = RandomState(n, rng);
        long chosen = Mask(listedBits);
        int m = listedBits.Length;
        long perThread = 1L << (n - m - groupBits);
        long count = 1L << (m + groupBits);
        var partialKernel = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<long>, long, long, long, int, long, int, long>(
            StateKernels.MarginalPartial<double, double, F64Ops>);
        var foldKernel = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, long, long>(
            StateKernels.SumRuns<double, F64Ops>);
        using var s = _accelerator.Allocate1D(Interleave(state));
        using var partials = _accelerator.Allocate1D<double>(count);
        using var folded = _accelerator.Allocate1D<double>(count >> fold);
        // The listed masks sit after a dummy entry (maskOffset 1).
        using var masks = _accelerator.Allocate1D(new long[] { -1 }.Concat(listedBits.Select(b => 1L << b)).ToArray());
        partialKernel(Ix(count), s.View, partials.View, masks.View, 0, 0, chosen, m, 1, groupBits, perThread);
        foldKernel(Ix(count >> fold), partials.View, folded.View, 0, 1L << fold);
        _accelerator.Synchronize();
        double[] values = folded.GetAsArray1D();
        int groups = 1 << (groupBits - fold);
        for (int o = 0; o < 1 << m; o++)
        {
            // Outcome o: the first listed bit is its most significant bit.
            double expected = 0;
            for (int i = 0; i < 1 << n; i++)
            {
                int outcome = 0;
                foreach (int b in listedBits) outcome = (outcome << 1) | ((i >> b) & 1);
                if (outcome == o) expected += state[i].Magnitude * state[i].Magnitude;
            }
            double actual = 0;
            for (int g = 0; g < groups; g++) actual += values[o * groups + g];
            Assert.Equal(expected, actual, 12);
        }
        if (groupBits == 0 && m >= 2)
        {
            // A window of outcomes [2, 2 + 2) alone: partials[t - first].
            using var window = _accelerator.Allocate1D<double>(2);
            partialKernel(Ix(2), s.View, window.View, masks.View, 0, 2, chosen, m, 1, 0, perThread);
            _accelerator.Synchronize();
            double[] w = window.GetAsArray1D();
            Assert.Equal(values[2], w[0], 14);
            Assert.Equal(values[3], w[1], 14);
        }
    }

    [Fact]
    public void Complex64MarginalsAreSummedInDoubleByTheWidenedVariant()
    {
        // The conformance kit's case: P(first qubit = 0) = 0.5 + 1e-9 from float amplitudes. Squares of floats are exact
        // in double; in float each square rounds, which loses the 1e-9 (the compensated-float variant, kept for devices
        // without fp64, shows the difference this test must be able to see).
        const int n = 6;
        var rng = new Random(8);
        var amps = new float[2 << n];
        for (int i = 0; i < amps.Length; i++) amps[i] = (float)((rng.NextDouble() - 0.5) * 0.3);
        amps[0] = (float)Math.Sqrt(0.5 + 1e-9);
        long chosen = 1L << (n - 1);
        double[] exact = new double[2];
        for (int i = 0; i < 1 << n; i++) exact[(i >> (n - 1)) & 1] += (double)amps[2 * i] * amps[2 * i] + (double)amps[2 * i + 1] * amps[2 * i + 1];
        const int groupBits = 2;
        long perThread = 1L << (n - 1 - groupBits), count = 2L << groupBits;
        using var s = _accelerator.Allocate1D(amps);
        using var masks = _accelerator.Allocate1D(new[] { chosen });
        using var wide = _accelerator.Allocate1D<double>(count);
        using var narrow = _accelerator.Allocate1D<float>(count);
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<double>, ArrayView<long>, long, long, long, int, long, int, long>(
            StateKernels.MarginalPartial<float, double, F32WideOps>)(Ix(count), s.View, wide.View, masks.View, 0, 0, chosen, 1, 0, groupBits, perThread);
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<long>, long, long, long, int, long, int, long>(
            StateKernels.MarginalPartial<float, float, F32Ops>)(Ix(count), s.View, narrow.View, masks.View, 0, 0, chosen, 1, 0, groupBits, perThread);
        _accelerator.Synchronize();
        double[] w = wide.GetAsArray1D();
        float[] f = narrow.GetAsArray1D();
        double floatError = 0;
        for (int o = 0; o < 2; o++)
        {
            double sumWide = 0, sumFloat = 0;
            for (int g = 0; g < 1 << groupBits; g++)
            {
                sumWide += w[(o << groupBits) + g];
                sumFloat += f[(o << groupBits) + g];
            }
            Assert.True(Math.Abs(sumWide - exact[o]) <= 1e-15 * exact[o], $"outcome {o}: widened sum {sumWide:R}, exact {exact[o]:R}");
            floatError = Math.Max(floatError, Math.Abs(sumFloat - exact[o]) / exact[o]);
        }
        Assert.True(floatError > 1e-12, $"float sums came within {floatError:g3} of the double sums: the state does not tell them apart");
        Assert.True(floatError < 7e-7, $"compensated float sums are off by {floatError:g3} relative, above the README's bound");
    }

    [Fact]
    public void WidenedMeasureDecisionComparesInDoubleAndNarrowsTheScale()
    {
        // P0 = 0.5 + 1e-12 (in double partial sums): r = 0.5 + 5e-13 < p0 gives 0, which a float p0 (0.5) could not.
        var decide = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<float>, long, long, long, double, double>(
            StateKernels.MeasureDecide<float, double, F32WideOps>);
        using var p = _accelerator.Allocate1D(new double[] { 0.25, 0.25 + 1e-12, 0.5 - 1e-12, 0 });
        using var decisions = _accelerator.Allocate1D<float>(6);
        decide(Ix(1), p.View, decisions.View, 0, 2, 0, 0.5 + 5e-13, 0);
        decide(Ix(1), p.View, decisions.View, 0, 2, 1, 0.5 + 2e-12, 0);
        _accelerator.Synchronize();
        float[] d = decisions.GetAsArray1D();
        Assert.Equal(0f, d[0]);
        Assert.Equal((float)(1 / Math.Sqrt(0.25 + (0.25 + 1e-12))), d[1]);
        Assert.Equal(1f, d[2]);
        Assert.Equal(1f, d[3]);
        Assert.Equal((float)(1 / Math.Sqrt(0.5 - 1e-12)), d[4]);
    }

    [Theory]
    [InlineData(7, 16)]
    [InlineData(5, 32)]
    [InlineData(3, 8)]
    public void InnerProductPartialsFoldToTheInnerProduct(int n, int threads)
    {
        var rng = new Random(n * 100 + threads);
        Complex[] a = RandomState(n, rng), b = RandomState(n, rng);
        long perThread = (1L << n) / threads;
        Complex expected = 0;
        for (int i = 0; i < a.Length; i++) expected += Complex.Conjugate(a[i]) * b[i];
        var partial = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, long, long, long>(
            StateKernels.InnerPartial<double, double, F64Ops>);
        var fold = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, long, long>(StateKernels.SumRuns<double, F64Ops>);
        using var sa = _accelerator.Allocate1D(Interleave(a));
        using var sb = _accelerator.Allocate1D(Interleave(b));
        using var partials = _accelerator.Allocate1D<double>(2 * threads);
        using var folded = _accelerator.Allocate1D<double>(2);
        partial(Ix(threads), sa.View, sb.View, partials.View, 0, threads, perThread);
        fold(Ix(2), partials.View, folded.View, 0, threads); // re: the first half, im: the second
        _accelerator.Synchronize();
        double[] r = folded.GetAsArray1D();
        Assert.Equal(expected.Real, r[0], 13);
        Assert.Equal(expected.Imaginary, r[1], 13);

        // complex64 amplitudes widened: equal to the double sum of the stored floats.
        float[] fa = Interleave(a).Select(v => (float)v).ToArray(), fb = Interleave(b).Select(v => (float)v).ToArray();
        double re = 0, im = 0;
        for (int i = 0; i < a.Length; i++)
        {
            re += (double)fa[2 * i] * fb[2 * i] + (double)fa[2 * i + 1] * fb[2 * i + 1];
            im += (double)fa[2 * i] * fb[2 * i + 1] - (double)fa[2 * i + 1] * fb[2 * i];
        }
        using var ga = _accelerator.Allocate1D(fa);
        using var gb = _accelerator.Allocate1D(fb);
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, long, long, long>(
            StateKernels.InnerPartial<float, double, F32WideOps>)(Ix(threads), ga.View, gb.View, partials.View, 0, threads, perThread);
        fold(Ix(2), partials.View, folded.View, 0, threads);
        _accelerator.Synchronize();
        r = folded.GetAsArray1D();
        Assert.Equal(re, r[0], 14);
        Assert.Equal(im, r[1], 14);
    }

    [Theory]
    [InlineData(5, 8)]
    [InlineData(6, 64)]
    public void ExpectationPartialsOfAFlipGroupMatchPauliMatrices(int n, int threads)
    {
        // Terms sharing the flip mask of bits {1, 3} (X or Y there), with Z factors elsewhere and 0..2 Ys, one more term
        // after them (the kernel must read from firstTerm on), coefficients of both signs.
        var rng = new Random(n + threads);
        Complex[] psi = RandomState(n, rng);
        (double C, int[] X, int[] Y, int[] Z)[] group =
        [
            (0.7, [1, 3], [], []),
            (-1.3, [3], [1], [0]),
            (0.4, [], [1, 3], [2]),
            (2.1, [1], [3], [0, 4]),
        ];
        (double C, int[] X, int[] Y, int[] Z) other = (5.0, [], [], [2]);
        var all = new[] { other }.Concat(group).ToArray();
        long flip = (1L << 1) | (1L << 3);
        double expected = group.Sum(t => t.C * PauliExpectation(psi, t.X, t.Y, t.Z));
        var weights = new double[2 * all.Length];
        var signs = new long[all.Length];
        for (int k = 0; k < all.Length; k++)
        {
            // c * i^y: weight of Re z and of Im z in Re(c i^y z).
            Complex phase = Complex.Pow(Complex.ImaginaryOne, all[k].Y.Length) * all[k].C;
            weights[2 * k] = phase.Real;
            weights[2 * k + 1] = -phase.Imaginary;
            signs[k] = Mask(all[k].Y) | Mask(all[k].Z);
        }
        long perThread = (1L << n) / threads;
        var partial = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<long>, ArrayView<double>, long, long, long, long, long, long>(
            StateKernels.ExpectationPartial<double, double, F64Ops>);
        using var s = _accelerator.Allocate1D(Interleave(psi));
        using var w = _accelerator.Allocate1D(weights);
        using var g = _accelerator.Allocate1D(signs);
        using var partials = _accelerator.Allocate1D<double>(threads);
        partial(Ix(threads), s.View, w.View, g.View, partials.View, 0, threads, perThread, flip, 1, group.Length);
        _accelerator.Synchronize();
        double actual = partials.GetAsArray1D().Sum();
        Assert.Equal(expected, actual, 12);

        // The same group on a complex64 state, widened: the stored floats' expectation in double.
        float[] stored = Interleave(psi).Select(v => (float)v).ToArray();
        Complex[] widened = Enumerable.Range(0, 1 << n).Select(i => new Complex(stored[2 * i], stored[2 * i + 1])).ToArray();
        double expectedWide = group.Sum(t => t.C * PauliExpectation(widened, t.X, t.Y, t.Z));
        using var fs = _accelerator.Allocate1D(stored);
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<double>, ArrayView<long>, ArrayView<double>, long, long, long, long, long, long>(
            StateKernels.ExpectationPartial<float, double, F32WideOps>)(Ix(threads), fs.View, w.View, g.View, partials.View, 0, threads, perThread, flip, 1, group.Length);
        _accelerator.Synchronize();
        Assert.Equal(expectedWide, partials.GetAsArray1D().Sum(), 13);
    }

    [Fact]
    public void ParityIsPopcountModTwo()
    {
        var rng = new Random(5);
        foreach (long v in new long[] { 0, 1, -1, long.MinValue, long.MaxValue, 0b1011 }.Concat(Enumerable.Range(0, 200).Select(_ => rng.NextInt64(long.MinValue, long.MaxValue))))
        {
            Assert.Equal(BitOperations.PopCount((ulong)v) & 1, Bits.Parity(v));
        }
    }

    /// <summary>⟨ψ|P|ψ⟩ (real part) with P applied factor by factor as 2x2 Pauli matrices on the listed bits.</summary>
    private static double PauliExpectation(Complex[] psi, int[] x, int[] y, int[] z)
    {
        Complex[] p = psi;
        foreach (int b in x) p = Reference(p, [b], [], [0, 1, 1, 0]);
        foreach (int b in y) p = Reference(p, [b], [], [0, -Complex.ImaginaryOne, Complex.ImaginaryOne, 0]);
        foreach (int b in z) p = Reference(p, [b], [], [1, 0, 0, -1]);
        Complex sum = 0;
        for (int i = 0; i < psi.Length; i++) sum += Complex.Conjugate(psi[i]) * p[i];
        return sum.Real;
    }

    [Fact]
    public void InitBasisSetsOneAmplitude()
    {
        double[] actual = Enumerable.Repeat(7.0, 32).ToArray();
        Run64(actual, [], [], (s, _, _) => _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, long, long>(
            StateKernels.InitBasis<double, F64Ops>)(Ix(16), s, 0, 5));
        for (int i = 0; i < 32; i++) Assert.Equal(i == 10 ? 1.0 : 0.0, actual[i]);
    }

    // ---- kernels and helpers --------------------------------------------------------------------------------

    private Action<Index1D, ArrayView<double>, ArrayView<double>, long, long, long, long, long> Load1Q() =>
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, long, long, long, long, long>(StateKernels.Apply1Q<double, F64Ops>);

    private Action<Index1D, ArrayView<double>, ArrayView<double>, long, long, long, long, long, long> Load2Q() =>
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, long, long, long, long, long, long>(StateKernels.Apply2Q<double, F64Ops>);

    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<long>, long, long, long, int, long, long> LoadDense() =>
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<long>, long, long, long, int, long, long>(StateKernels.ApplyDense<double, F64Ops>);

    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<long>, long, long, long, int, long, long> LoadDiagonal() =>
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<long>, long, long, long, int, long, long>(StateKernels.ApplyDiagonal<double, F64Ops>);

    private Action<Index1D, ArrayView<double>, long, long, long, double, double> LoadPhase() =>
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, long, long, long, double, double>(StateKernels.ApplyPhase<double, F64Ops>);

    private Action<Index1D, ArrayView<double>, long, long, long, long> LoadX() =>
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, long, long, long, long>(StateKernels.ApplyX<double, F64Ops>);

    private Action<Index1D, ArrayView<double>, long, long, long, long, long> LoadSwap() =>
        _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, long, long, long, long, long>(StateKernels.ApplySwap<double, F64Ops>);

    /// <summary>Copies the arrays to the accelerator, runs <paramref name="launch"/>, copies the state back.</summary>
    private void Run64(double[] state, double[] consts, long[] masks, Action<ArrayView<double>, ArrayView<double>, ArrayView<long>> launch)
    {
        using var s = _accelerator.Allocate1D(state);
        using var c = _accelerator.Allocate1D(consts.Length == 0 ? new double[1] : consts);
        using var m = _accelerator.Allocate1D(masks.Length == 0 ? new long[1] : masks);
        launch(s.View, c.View, m.View);
        _accelerator.Synchronize();
        s.GetAsArray1D().CopyTo(state, 0);
    }

    private static Index1D Ix(long threads) => new((int)threads);

    /// <summary>The reference: the 2^k x 2^k matrix on the target bits (first = most significant), controls all 1.</summary>
    private static Complex[] Reference(Complex[] state, int[] targets, int[] controls, Complex[] matrix)
    {
        var result = (Complex[])state.Clone();
        int k = targets.Length, dim = 1 << k;
        long ctrl = Mask(controls), tmask = Mask(targets);
        var index = new long[dim];
        for (long i = 0; i < state.Length; i++)
        {
            if ((i & ctrl) != ctrl || (i & tmask) != 0) continue;
            for (int c = 0; c < dim; c++)
            {
                index[c] = i;
                for (int t = 0; t < k; t++)
                {
                    if (((c >> (k - 1 - t)) & 1) != 0) index[c] |= 1L << targets[t];
                }
            }
            for (int r = 0; r < dim; r++)
            {
                Complex sum = 0;
                for (int c = 0; c < dim; c++) sum += matrix[r * dim + c] * state[index[c]];
                result[index[r]] = sum;
            }
        }
        return result;
    }

    private static void AssertClose(Complex[] expected, double[] actual, double tolerance, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double dr = Math.Abs(expected[i].Real - actual[2 * i]), di = Math.Abs(expected[i].Imaginary - actual[2 * i + 1]);
            Assert.True(dr <= tolerance && di <= tolerance, $"{what}: amplitude {i}: expected {expected[i]}, got ({actual[2 * i]}, {actual[2 * i + 1]})");
        }
    }

    private static long Mask(IEnumerable<int> bits) => bits.Aggregate(0L, (m, b) => m | (1L << b));

    private static int[] Shuffled(int n, Random rng)
    {
        int[] a = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(a);
        return a;
    }

    private static Complex[] RandomState(int n, Random rng) =>
        Enumerable.Range(0, 1 << n).Select(_ => new Complex(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5)).ToArray();

    private static Complex[] RandomMatrix(int dim, Random rng) =>
        Enumerable.Range(0, dim * dim).Select(_ => new Complex(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5)).ToArray();

    private static double[] Interleave(Complex[] values)
    {
        var result = new double[2 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[2 * i] = values[i].Real;
            result[2 * i + 1] = values[i].Imaginary;
        }
        return result;
    }
}
