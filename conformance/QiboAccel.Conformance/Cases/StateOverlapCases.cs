using System.Numerics;
using System.Globalization;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Observables;

namespace QiboAccel.Conformance.Cases;

/// <summary>
/// ABI 1.1's optional slots — state_copy, state_inner_product, state_expectation — called on the raw table and
/// checked against sums written out here over amplitudes the case set itself (and, for expectation values, against
/// dense Kronecker products of Pauli matrices). A backend without a slot is not applicable to its case.
/// <para>
/// The raw states come from a backend_create with default options, which for a library with modes is not the
/// instance under test (the cpu library's default is not its mpi mode). So each case also runs the operation on
/// states of the backend under test, through the host (which calls the slot), after gates that leave a backend
/// tracking where qubits lie (the mpi mode swaps qubits between ranks) with them permuted when the operation runs;
/// the expected values come from the amplitudes read back afterwards.
/// </para>
/// </summary>
internal static unsafe class StateOverlapCases
{
    private const uint N = 5;

    public static IEnumerable<ConformanceCase> All()
    {
        yield return new("state-copy", "ABI 1.1 state_copy: the destination gets exactly the source's amplitudes, the source is unchanged, a copy onto itself is allowed; states of other sizes or instances, NULL and undersized args are INVALID_ARGUMENT", Copy);
        yield return new("state-inner-product", "ABI 1.1 state_inner_product: <a|b> equals the sum of conj(a)b over the stored amplitudes, in double; <a|a> is the squared norm; mismatched states and bad args are INVALID_ARGUMENT", InnerProduct);
        yield return new("state-expectation", "ABI 1.1 state_expectation: sums of X/Y/Z strings (identity and Y phases included) equal <psi|O|psi> from dense Pauli matrices, unnormalised, read with term_size; overlapping masks, qubits out of range, bad term_size, reserved and NULL terms are INVALID_ARGUMENT", Expectation);
    }

    private static QiboBackendApi* TableWith(ConformanceContext c, int slotOffset, string slot)
    {
        QiboBackendApi* api = AbiCases.Table(c);
        bool has = api->StructSize >= (nuint)(slotOffset + sizeof(nint)) && *(nint*)((byte*)api + slotOffset) != 0;
        if (!has) throw new ConformanceNotApplicable($"the backend does not offer {slot} (an optional ABI 1.1 slot; hosts fall back to amplitudes)");
        return api;
    }

    private static void Copy(ConformanceContext c)
    {
        QiboBackendApi* api = TableWith(c, 136, "state_copy");
        foreach (Precision precision in Precisions(c))
        {
            using var pair = new RawStates(api, c, precision, N, N);
            Complex[] a = pair.SetRandom(0, seed: 1);
            pair.SetRandom(1, seed: 2);
            var args = new QiboStateCopyArgs { StructSize = (nuint)sizeof(QiboStateCopyArgs), Source = pair[0], Destination = pair[1] };
            pair.Ok(api->StateCopy(&args), "state_copy");
            Check.True(pair.Read(1).SequenceEqual(a), $"{precision.Name()}: the destination does not hold exactly the source's amplitudes");
            Check.True(pair.Read(0).SequenceEqual(a), $"{precision.Name()}: state_copy changed the source");
            args.Destination = pair[0];
            pair.Ok(api->StateCopy(&args), "state_copy of a state onto itself");
            Check.True(pair.Read(0).SequenceEqual(a), $"{precision.Name()}: a copy onto itself changed the state");

            using var other = new RawStates(api, c, precision, N + 1);
            args.Destination = other[0];
            AbiCases.ExpectCode(api, api->StateCopy(&args), QiboErrorCode.InvalidArgument, $"state_copy from {N} to {N + 1} qubits");
            args.Destination = null;
            AbiCases.ExpectCode(api, api->StateCopy(&args), QiboErrorCode.InvalidArgument, "state_copy to NULL");
            args.Destination = pair[1];
            args.StructSize = 16;
            AbiCases.ExpectCode(api, api->StateCopy(&args), QiboErrorCode.InvalidArgument, "state_copy with struct_size 16");
            AbiCases.ExpectCode(api, api->StateCopy(null), QiboErrorCode.InvalidArgument, "state_copy(NULL)");
            using var elsewhere = new RawStates(api, c, precision, N);
            args = new QiboStateCopyArgs { StructSize = (nuint)sizeof(QiboStateCopyArgs), Source = pair[0], Destination = elsewhere[0] };
            AbiCases.ExpectCode(api, api->StateCopy(&args), QiboErrorCode.InvalidArgument, "state_copy between states of two backend instances");

            // The backend under test: a twin prepared alike shows the source unchanged.
            using IQuantumState source = Prepared(c, precision, 1), twin = Prepared(c, precision, 1), destination = Prepared(c, precision, 2);
            source.CopyTo(destination);
            Complex[] copied = Read(destination), original = Read(source);
            Check.True(copied.SequenceEqual(original), $"{precision.Name()}, backend under test: the destination does not hold exactly the source's amplitudes");
            Check.True(original.SequenceEqual(Read(twin)), $"{precision.Name()}, backend under test: state_copy changed the source");
        }
    }

    private static void InnerProduct(ConformanceContext c)
    {
        QiboBackendApi* api = TableWith(c, 144, "state_inner_product");
        foreach (Precision precision in Precisions(c))
        {
            using var pair = new RawStates(api, c, precision, N, N);
            pair.SetRandom(0, seed: 3);
            pair.SetRandom(1, seed: 4);
            Complex[] a = pair.Read(0), b = pair.Read(1);
            Complex expected = 0;
            for (int i = 0; i < a.Length; i++) expected += Complex.Conjugate(a[i]) * b[i];
            var args = new QiboStateInnerProductArgs { StructSize = (nuint)sizeof(QiboStateInnerProductArgs), Bra = pair[0], Ket = pair[1] };
            pair.Ok(api->StateInnerProduct(&args), "state_inner_product");
            // The stored amplitudes (widened to double for complex64) summed in double: double rounding only.
            Check.Close(expected.Real, args.Out[0], 1e-12, $"{precision.Name()}: Re <a|b>");
            Check.Close(expected.Imaginary, args.Out[1], 1e-12, $"{precision.Name()}: Im <a|b>");
            args.Ket = pair[0];
            pair.Ok(api->StateInnerProduct(&args), "state_inner_product of a state with itself");
            double norm = a.Sum(z => z.Real * z.Real + z.Imaginary * z.Imaginary);
            Check.Close(norm, args.Out[0], 1e-12, $"{precision.Name()}: <a|a>");
            Check.Close(0, args.Out[1], 1e-12, $"{precision.Name()}: Im <a|a>");

            using var other = new RawStates(api, c, precision, N - 1);
            args.Ket = other[0];
            AbiCases.ExpectCode(api, api->StateInnerProduct(&args), QiboErrorCode.InvalidArgument, $"state_inner_product of {N} and {N - 1} qubits");
            args.Ket = null;
            AbiCases.ExpectCode(api, api->StateInnerProduct(&args), QiboErrorCode.InvalidArgument, "state_inner_product with a NULL ket");
            AbiCases.ExpectCode(api, api->StateInnerProduct(null), QiboErrorCode.InvalidArgument, "state_inner_product(NULL)");

            // The backend under test: two states whose gates differ, and each with itself.
            using IQuantumState bra = Prepared(c, precision, 3), ket = Prepared(c, precision, 4);
            Complex braKet = bra.InnerProduct(ket), ketBra = ket.InnerProduct(bra), braBra = bra.InnerProduct(bra);
            Complex[] x = Read(bra), y = Read(ket);
            Complex want = 0;
            for (int i = 0; i < x.Length; i++) want += Complex.Conjugate(x[i]) * y[i];
            Check.Close(want.Real, braKet.Real, 1e-12, $"{precision.Name()}, backend under test: Re <a|b>");
            Check.Close(want.Imaginary, braKet.Imaginary, 1e-12, $"{precision.Name()}, backend under test: Im <a|b>");
            Check.Close(want.Real, ketBra.Real, 1e-12, $"{precision.Name()}, backend under test: Re <b|a>");
            Check.Close(-want.Imaginary, ketBra.Imaginary, 1e-12, $"{precision.Name()}, backend under test: Im <b|a>");
            Check.Close(x.Sum(z => z.Real * z.Real + z.Imaginary * z.Imaginary), braBra.Real, 1e-12, $"{precision.Name()}, backend under test: <a|a>");
            Check.Close(0, braBra.Imaginary, 1e-12, $"{precision.Name()}, backend under test: Im <a|a>");
        }
    }

    private static void Expectation(ConformanceContext c)
    {
        QiboBackendApi* api = TableWith(c, 152, "state_expectation");
        var rng = new Random(7);
        foreach (Precision precision in Precisions(c))
        {
            using var states = new RawStates(api, c, precision, N);
            states.SetRandom(0, seed: 5, scale: 1.7); // deliberately not normalised: the result is not divided by <psi|psi>
            Complex[] psi = states.Read(0);
            var terms = new List<QiboPauliTerm>
            {
                new() { Coefficient = 0.75 },                                      // a constant: 0.75 <psi|psi>
                new() { Coefficient = -1.25, ZMask = 0b00001 },                    // Z on qubit 0, the most significant bit
                new() { Coefficient = 0.5, XMask = 0b10000, YMask = 0b00100 },     // X4 Y2
                new() { Coefficient = 2, YMask = 0b00011, ZMask = 0b01000 },       // Y0 Y1 Z3
                new() { Coefficient = -0.3, XMask = 0b11111 },
                new() { Coefficient = 1.1, YMask = 0b10000 },
            };
            for (int t = 0; t < 6; t++) terms.Add(RandomTerm(rng));
            double expected = terms.Sum(t => t.Coefficient * DenseExpectation(psi, (int)N, t));
            double tolerance = 1e-10 * (1 + Math.Abs(expected));
            foreach (uint termSize in new uint[] { 32, 48 })
            {
                double got = Evaluate(api, states, terms, termSize, out QiboError* error);
                states.Ok(error, $"state_expectation with term_size {termSize}");
                Check.Close(expected, got, tolerance, $"{precision.Name()}: expectation value (term_size {termSize})");
            }
            foreach (QiboPauliTerm single in terms)
            {
                double got = Evaluate(api, states, [single], 32, out QiboError* error);
                states.Ok(error, "state_expectation of one term");
                double want = single.Coefficient * DenseExpectation(psi, (int)N, single);
                Check.Close(want, got, tolerance, $"{precision.Name()}: the term {Describe(single)}");
            }
            Check.Close(0, Evaluate(api, states, [], 32, out QiboError* none), 0, "no terms");
            states.Ok(none, "state_expectation with no terms");

            (QiboPauliTerm Term, string What)[] bad =
            [
                (new() { Coefficient = 1, XMask = 1, ZMask = 1 }, "overlapping X and Z masks"),
                (new() { Coefficient = 1, YMask = 1UL << (int)N }, $"a Y on qubit {N} of a {N}-qubit state"),
                (new() { Coefficient = double.NaN, ZMask = 1 }, "a NaN coefficient"),
            ];
            foreach (var (term, what) in bad)
            {
                Evaluate(api, states, [term], 32, out QiboError* error);
                AbiCases.ExpectCode(api, error, QiboErrorCode.InvalidArgument, $"state_expectation with {what}");
            }
            Evaluate(api, states, terms, 24, out QiboError* small);
            AbiCases.ExpectCode(api, small, QiboErrorCode.InvalidArgument, "state_expectation with term_size 24");
            Evaluate(api, states, terms, 36, out QiboError* odd);
            AbiCases.ExpectCode(api, odd, QiboErrorCode.InvalidArgument, "state_expectation with term_size 36");
            var nullTerms = new QiboStateExpectationArgs { StructSize = (nuint)sizeof(QiboStateExpectationArgs), State = states[0], NTerms = 1, TermSize = 32 };
            AbiCases.ExpectCode(api, api->StateExpectation(&nullTerms), QiboErrorCode.InvalidArgument, "state_expectation with NULL terms");
            nullTerms.NTerms = 0;
            nullTerms.Reserved = 1;
            AbiCases.ExpectCode(api, api->StateExpectation(&nullTerms), QiboErrorCode.InvalidArgument, "state_expectation with reserved = 1");
            AbiCases.ExpectCode(api, api->StateExpectation(null), QiboErrorCode.InvalidArgument, "state_expectation(NULL)");

            // The backend under test, through the host: the whole sum, then each term alone.
            using IQuantumState state = Prepared(c, precision, 5, scale: 1.7);
            Observable observable = AsObservable(terms);
            var values = new List<double> { state.Expectation(observable) };
            foreach (PauliTerm term in observable.Terms) values.Add(state.Expectation(AsObservable([AsRecord(term)])));
            Complex[] amplitudes = Read(state);
            double sum = observable.Terms.Sum(t => t.Coefficient * DenseExpectation(amplitudes, (int)N, AsRecord(t)));
            Check.Close(sum, values[0], 1e-10 * (1 + Math.Abs(sum)), $"{precision.Name()}, backend under test: expectation value");
            for (int t = 0; t < observable.Terms.Count; t++)
            {
                PauliTerm term = observable.Terms[t];
                double want = term.Coefficient * DenseExpectation(amplitudes, (int)N, AsRecord(term));
                Check.Close(want, values[t + 1], 1e-10 * (1 + Math.Abs(sum)), $"{precision.Name()}, backend under test: the term {Describe(AsRecord(term))}");
            }
        }
    }

    /// <summary>
    /// A state of the backend under test with random amplitudes (not normalised), then gates that differ with the
    /// seed: an H and a controlled X on the top qubits, a rotation, and a SWAP (native where the backend has it).
    /// </summary>
    private static IQuantumState Prepared(ConformanceContext c, Precision precision, int seed, double scale = 1)
    {
        IQuantumState state = c.Backend.CreateState((int)N, precision);
        var rng = new Random(100 + seed);
        var amplitudes = new Complex[1 << (int)N];
        for (int i = 0; i < amplitudes.Length; i++)
            amplitudes[i] = new Complex(rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1) * (scale / Math.Sqrt(amplitudes.Length));
        state.SetAmplitudes(0, amplitudes);
        int top = seed % 2, n = (int)N;
        var batch = new OpBatch(n);
        foreach (Gate gate in new[]
        {
            Gate.Create(GateKind.H, [top]), Gate.Create(GateKind.CNOT, [1 - top, n - 1]), Gate.Create(GateKind.RY, [n - 2], 0.3 * seed),
            Gate.Create(GateKind.SWAP, [top, n - 3]), Gate.Create(GateKind.RX, [top], 0.7),
        })
        {
            Lowering.AddGate(batch, gate, c.Backend.Info);
        }
        state.Apply(batch);
        return state;
    }

    private static Complex[] Read(IQuantumState state)
    {
        var amplitudes = new Complex[1 << state.NQubits];
        state.GetAmplitudes(0, amplitudes);
        return amplitudes;
    }

    /// <summary>The records as the host's observable text ("0.75 + 0.5*X4*Y2 - ..."), parsed.</summary>
    private static Observable AsObservable(IEnumerable<QiboPauliTerm> terms) => Observable.Parse(string.Join(" + ", terms.Select(t =>
    {
        var factors = Enumerable.Range(0, (int)N).Select(q => (t.XMask >> q & 1) != 0 ? $"X{q}" : (t.YMask >> q & 1) != 0 ? $"Y{q}" : (t.ZMask >> q & 1) != 0 ? $"Z{q}" : "")
            .Where(f => f.Length > 0);
        return string.Join("*", factors.Prepend(t.Coefficient.ToString("0.0################", CultureInfo.InvariantCulture)));
    })).Replace("+ -", "- ", StringComparison.Ordinal));

    private static QiboPauliTerm AsRecord(PauliTerm term)
    {
        var (x, y, z) = Observable.QubitMasks(term);
        return new QiboPauliTerm { Coefficient = term.Coefficient, XMask = x, YMask = y, ZMask = z };
    }

    private static double Evaluate(QiboBackendApi* api, RawStates states, IReadOnlyList<QiboPauliTerm> terms, uint termSize, out QiboError* error)
    {
        // Records laid out with the given stride; the bytes past the 32 known ones are garbage a reader must skip.
        int stride = (int)Math.Max(termSize, 32);
        var buffer = new byte[Math.Max(1, terms.Count) * stride];
        new Random(11).NextBytes(buffer);
        fixed (byte* p = buffer)
        {
            for (int t = 0; t < terms.Count; t++) *(QiboPauliTerm*)(p + t * stride) = terms[t];
            var args = new QiboStateExpectationArgs
            {
                StructSize = (nuint)sizeof(QiboStateExpectationArgs), State = states[0], Terms = p, NTerms = (ulong)terms.Count, TermSize = termSize,
            };
            error = api->StateExpectation(&args);
            return args.Out;
        }
    }

    /// <summary>⟨ψ|P|ψ⟩ with P the Kronecker product of 2x2 Pauli matrices, qubit 0 first (the most significant).</summary>
    private static double DenseExpectation(Complex[] psi, int n, QiboPauliTerm term)
    {
        Complex[,] m = { { 1 } };
        for (int q = 0; q < n; q++)
        {
            Complex[,] factor = (term.XMask >> q & 1) != 0 ? Analytic.PauliX
                : (term.YMask >> q & 1) != 0 ? Analytic.PauliY
                : (term.ZMask >> q & 1) != 0 ? Analytic.PauliZ : Analytic.Id;
            m = Analytic.Kron(m, factor);
        }
        Complex sum = 0;
        for (int r = 0; r < psi.Length; r++)
        {
            for (int col = 0; col < psi.Length; col++) sum += Complex.Conjugate(psi[r]) * m[r, col] * psi[col];
        }
        return sum.Real;
    }

    private static QiboPauliTerm RandomTerm(Random rng)
    {
        var term = new QiboPauliTerm { Coefficient = rng.NextDouble() * 4 - 2 };
        for (int q = 0; q < N; q++)
        {
            switch (rng.Next(4))
            {
                case 1: term.XMask |= 1UL << q; break;
                case 2: term.YMask |= 1UL << q; break;
                case 3: term.ZMask |= 1UL << q; break;
            }
        }
        return term;
    }

    private static string Describe(QiboPauliTerm t)
    {
        var factors = Enumerable.Range(0, (int)N).Select(q => (t.XMask >> q & 1) != 0 ? $"X{q}" : (t.YMask >> q & 1) != 0 ? $"Y{q}" : (t.ZMask >> q & 1) != 0 ? $"Z{q}" : "")
            .Where(f => f.Length > 0);
        return $"{t.Coefficient}*{string.Join("*", factors.DefaultIfEmpty("I"))}";
    }

    private static IEnumerable<Precision> Precisions(ConformanceContext c) => new[] { Precision.Double, Precision.Single }.Where(c.Supports);

    /// <summary>States created through the raw table on one backend instance of their own.</summary>
    private sealed class RawStates : IDisposable
    {
        private readonly QiboBackendApi* _api;
        private readonly QiboBackend* _backend;
        private readonly QiboState*[] _states;
        private readonly Precision _precision;
        private readonly uint[] _qubits;

        public RawStates(QiboBackendApi* api, ConformanceContext c, Precision precision, params uint[] qubits)
        {
            _api = api;
            _qubits = qubits;
            _precision = precision;
            _backend = AbiCases.CreateBackend(api, c);
            _states = new QiboState*[qubits.Length];
            for (int i = 0; i < qubits.Length; i++)
            {
                var args = new QiboStateCreateArgs
                {
                    StructSize = (nuint)sizeof(QiboStateCreateArgs), Backend = _backend, NQubits = qubits[i],
                    Precision = precision == Precision.Double ? QiboPrecision.Complex128 : QiboPrecision.Complex64,
                };
                Ok(api->StateCreate(&args), "state_create");
                _states[i] = args.State;
            }
        }

        public QiboState* this[int i] => _states[i];

        public void Ok(QiboError* error, string what) => Check.True(error == null, $"{what} failed: {AbiCases.Message(_api, error)}");

        /// <summary>Random amplitudes (not normalised), written in the state's precision; returns them as stored.</summary>
        public Complex[] SetRandom(int i, int seed, double scale = 1)
        {
            var rng = new Random(seed);
            int length = Length(i);
            var values = new double[2 * length];
            for (int k = 0; k < values.Length; k++) values[k] = (rng.NextDouble() * 2 - 1) * scale / Math.Sqrt(length);
            Transfer(i, values, write: true);
            return Read(i);
        }

        public Complex[] Read(int i)
        {
            var values = new double[2 * Length(i)];
            Transfer(i, values, write: false);
            var result = new Complex[Length(i)];
            for (int k = 0; k < result.Length; k++) result[k] = new Complex(values[2 * k], values[2 * k + 1]);
            return result;
        }

        private int Length(int i) => 1 << (int)_qubits[i];

        private void Transfer(int i, double[] values, bool write)
        {
            int count = values.Length / 2;
            var args = new QiboStateAmplitudesArgs { StructSize = (nuint)sizeof(QiboStateAmplitudesArgs), State = _states[i], Count = (ulong)count };
            if (_precision == Precision.Double)
            {
                fixed (double* p = values)
                {
                    args.Data = p;
                    Ok(write ? _api->StateSetAmplitudes(&args) : _api->StateGetAmplitudes(&args), write ? "state_set_amplitudes" : "state_get_amplitudes");
                }
                return;
            }
            var floats = new float[values.Length];
            if (write) for (int k = 0; k < values.Length; k++) floats[k] = (float)values[k];
            fixed (float* p = floats)
            {
                args.Data = p;
                Ok(write ? _api->StateSetAmplitudes(&args) : _api->StateGetAmplitudes(&args), write ? "state_set_amplitudes" : "state_get_amplitudes");
            }
            if (!write) for (int k = 0; k < values.Length; k++) values[k] = floats[k];
        }

        public void Dispose()
        {
            foreach (QiboState* s in _states) _api->StateDestroy(s);
            _api->BackendDestroy(_backend);
        }
    }
}
