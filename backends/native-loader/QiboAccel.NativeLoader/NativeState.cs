using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Execution;
using QiboAccel.Observables;

namespace QiboAccel.NativeLoader;

/// <summary>
/// A state owned by a backend library. Every call takes the state's lock, so the ABI's
/// "externally synchronized: state" contract holds whatever threads the caller uses.
/// Optional table slots (reset, probabilities, sample) fall back to amplitude reads and writes.
/// </summary>
internal sealed unsafe class NativeState : IQuantumState
{
    // Single-precision conversions go through a bounded buffer so reading a large state does not double its memory.
    private const int ConversionChunk = 1 << 20;

    private readonly NativeBackend _backend;
    private static long s_serial;
    private readonly Lock _lock = new();
    private readonly long _serial = Interlocked.Increment(ref s_serial);
    private QiboState* _handle;

    public NativeState(NativeBackend backend, int nQubits, Precision precision)
    {
        _backend = backend;
        NQubits = nQubits;
        Precision = precision;
        var args = new QiboStateCreateArgs
        {
            StructSize = (nuint)sizeof(QiboStateCreateArgs),
            Backend = backend.Handle,
            NQubits = (uint)nQubits,
            Precision = precision == Precision.Double ? QiboPrecision.Complex128 : QiboPrecision.Complex64,
            Kind = QiboStateKind.Vector,
        };
        Check(Api->StateCreate(&args));
        if (args.State == null)
        {
            throw new BackendException(QiboErrorCode.Internal, $"backend '{backend.Specifier}': state_create succeeded but returned no state");
        }
        _handle = args.State;
    }

    public int NQubits { get; }

    public Precision Precision { get; }

    public long Size => 1L << NQubits;

    private QiboBackendApi* Api => _backend.Library.Api;

    private QiboState* Handle => _handle != null ? _handle : throw new ObjectDisposedException("quantum state");

    public void Reset()
    {
        lock (_lock)
        {
            if (Api->StateReset != null)
            {
                var args = new QiboStateResetArgs { StructSize = (nuint)sizeof(QiboStateResetArgs), State = Handle };
                Check(Api->StateReset(&args));
                return;
            }
        }
        var zero = new Complex[Math.Min(Size, ConversionChunk)];
        for (long offset = 0; offset < Size; offset += zero.Length)
        {
            zero[0] = offset == 0 ? Complex.One : Complex.Zero;
            SetAmplitudes(offset, zero.AsSpan(0, (int)Math.Min(zero.Length, Size - offset)));
        }
    }

    public void Apply(OpBatch batch, ReadOnlySpan<double> randoms = default, Span<byte> cbits = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return;
        if (batch.NQubits != NQubits)
        {
            throw new ArgumentException($"batch is for {batch.NQubits} qubits, the state has {NQubits}", nameof(batch));
        }
        lock (_lock)
        {
            fixed (QiboOp* ops = batch.Ops)
            fixed (uint* qubits = batch.Qubits)
            fixed (double* matrices = batch.Matrices)
            fixed (double* r = randoms)
            fixed (byte* c = cbits)
            {
                var circuit = new QiboCircuit
                {
                    StructSize = (nuint)sizeof(QiboCircuit),
                    NQubits = (uint)NQubits,
                    OpSize = (uint)sizeof(QiboOp),
                    NOps = (ulong)batch.Count,
                    Ops = ops,
                    Qubits = qubits,
                    NQubitRefs = (ulong)batch.Qubits.Length,
                    Matrices = matrices,
                    NMatrixValues = (ulong)batch.Matrices.Length / 2,
                };
                var args = new QiboStateApplyArgs
                {
                    StructSize = (nuint)sizeof(QiboStateApplyArgs),
                    State = Handle,
                    Circuit = &circuit,
                    Randoms = r,
                    NRandoms = (ulong)randoms.Length,
                    Cbits = c,
                    NCbits = (ulong)cbits.Length,
                };
                Check(Api->StateApply(&args));
            }
        }
    }

    public void GetAmplitudes(long offset, Span<Complex> destination)
    {
        CheckRange(offset, destination.Length);
        lock (_lock)
        {
            if (Precision == Precision.Double)
            {
                fixed (Complex* p = destination) CopyAmplitudes(Api->StateGetAmplitudes, offset, destination.Length, p);
            }
            else
            {
                var buffer = new float[2 * Math.Min(destination.Length, ConversionChunk)];
                for (int done = 0; done < destination.Length; done += buffer.Length / 2)
                {
                    int n = Math.Min(buffer.Length / 2, destination.Length - done);
                    fixed (float* p = buffer) CopyAmplitudes(Api->StateGetAmplitudes, offset + done, n, p);
                    for (int i = 0; i < n; i++) destination[done + i] = new Complex(buffer[2 * i], buffer[2 * i + 1]);
                }
            }
        }
        // The host does not trust what a backend hands back: a NaN would become a NaN expectation value or invalid JSON.
        for (int i = 0; i < destination.Length; i++)
        {
            if (!double.IsFinite(destination[i].Real) || !double.IsFinite(destination[i].Imaginary))
            {
                throw Untrustworthy($"state_get_amplitudes returned a non-finite amplitude ({destination[i]}) at index {offset + i}");
            }
        }
    }

    public void SetAmplitudes(long offset, ReadOnlySpan<Complex> source)
    {
        CheckRange(offset, source.Length);
        lock (_lock)
        {
            if (Precision == Precision.Double)
            {
                fixed (Complex* p = source) CopyAmplitudes(Api->StateSetAmplitudes, offset, source.Length, p);
                return;
            }
            var buffer = new float[2 * Math.Min(source.Length, ConversionChunk)];
            for (int done = 0; done < source.Length; done += buffer.Length / 2)
            {
                int n = Math.Min(buffer.Length / 2, source.Length - done);
                for (int i = 0; i < n; i++)
                {
                    buffer[2 * i] = (float)source[done + i].Real;
                    buffer[2 * i + 1] = (float)source[done + i].Imaginary;
                }
                fixed (float* p = buffer) CopyAmplitudes(Api->StateSetAmplitudes, offset + done, n, p);
            }
        }
    }

    public double[] Probabilities(ReadOnlySpan<int> qubits)
    {
        uint[] targets = CheckQubits(qubits);
        if (1L << targets.Length > Array.MaxLength)
        {
            throw new BackendException(QiboErrorCode.OutOfMemory, $"the probabilities of {targets.Length} qubits do not fit in one .NET array (at most {Array.MaxLength} entries)");
        }
        if (Api->StateProbabilities == null) return SamplingRule.Marginal(ReadAll(), NQubits, qubits);
        var result = new double[1L << targets.Length];
        lock (_lock)
        {
            fixed (uint* q = targets)
            fixed (double* o = result)
            {
                var args = new QiboStateProbabilitiesArgs
                {
                    StructSize = (nuint)sizeof(QiboStateProbabilitiesArgs),
                    State = Handle,
                    Qubits = q,
                    NQubits = (uint)targets.Length,
                    Out = o,
                };
                Check(Api->StateProbabilities(&args));
            }
        }
        for (int i = 0; i < result.Length; i++)
        {
            // Sums of |a|^2 are never negative; allow for nothing but finite, non-negative values.
            if (!double.IsFinite(result[i]) || result[i] < 0)
            {
                throw Untrustworthy($"state_probabilities returned {result[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} for outcome {i}, which is not a probability");
            }
        }
        return result;
    }

    public void Sample(ReadOnlySpan<int> qubits, ReadOnlySpan<double> randoms, Span<ulong> outcomes)
    {
        uint[] targets = CheckQubits(qubits);
        if (outcomes.Length < randoms.Length) throw new ArgumentException("outcomes is shorter than randoms", nameof(outcomes));
        if (Api->StateSample == null)
        {
            SamplingRule.Sample(Probabilities(qubits), randoms, outcomes);
            return;
        }
        lock (_lock)
        {
            fixed (uint* q = targets)
            fixed (double* r = randoms)
            fixed (ulong* o = outcomes)
            {
                var args = new QiboStateSampleArgs
                {
                    StructSize = (nuint)sizeof(QiboStateSampleArgs),
                    State = Handle,
                    Qubits = q,
                    NQubits = (uint)targets.Length,
                    NShots = (ulong)randoms.Length,
                    Randoms = r,
                    Outcomes = o,
                };
                Check(Api->StateSample(&args));
            }
        }
        ulong outcomesCount = 1UL << targets.Length;
        for (int s = 0; s < randoms.Length; s++)
        {
            if (outcomes[s] >= outcomesCount)
            {
                throw Untrustworthy($"state_sample returned outcome {outcomes[s]} for shot {s}, but {targets.Length} sampled qubit(s) have outcomes 0..{outcomesCount - 1}");
            }
        }
    }

    public void CopyTo(IQuantumState destination)
    {
        if (Api->StateCopy == null || !SameBackend(destination, out NativeState? other))
        {
            StateFallbacks.Copy(this, destination);
            return;
        }
        if (ReferenceEquals(other, this)) return;
        CheckPair(other, "copy");
        LockBoth(other, () =>
        {
            var args = new QiboStateCopyArgs { StructSize = (nuint)sizeof(QiboStateCopyArgs), Source = Handle, Destination = other.Handle };
            Check(Api->StateCopy(&args));
        });
    }

    public Complex InnerProduct(IQuantumState other)
    {
        if (Api->StateInnerProduct == null || !SameBackend(other, out NativeState? ket)) return StateFallbacks.InnerProduct(this, other);
        CheckPair(ket, "inner product");
        Complex result = 0;
        LockBoth(ket, () =>
        {
            var args = new QiboStateInnerProductArgs { StructSize = (nuint)sizeof(QiboStateInnerProductArgs), Bra = Handle, Ket = ket.Handle };
            Check(Api->StateInnerProduct(&args));
            result = new Complex(args.Out[0], args.Out[1]);
        });
        return result;
    }

    public double Expectation(Observable observable)
    {
        ArgumentNullException.ThrowIfNull(observable);
        if (observable.MaxQubit >= NQubits)
        {
            throw new ArgumentException($"observable '{observable.Text}' uses qubit {observable.MaxQubit}, but the state has {NQubits} qubit(s)");
        }
        if (Api->StateExpectation == null) return StateFallbacks.Expectation(this, observable);
        var terms = new QiboPauliTerm[observable.Terms.Count];
        for (int t = 0; t < terms.Length; t++)
        {
            var (x, y, z) = Observable.QubitMasks(observable.Terms[t]);
            terms[t] = new QiboPauliTerm { Coefficient = observable.Terms[t].Coefficient, XMask = x, YMask = y, ZMask = z };
        }
        lock (_lock)
        {
            fixed (QiboPauliTerm* p = terms)
            {
                var args = new QiboStateExpectationArgs
                {
                    StructSize = (nuint)sizeof(QiboStateExpectationArgs),
                    State = Handle,
                    Terms = p,
                    NTerms = (ulong)terms.Length,
                    TermSize = (uint)sizeof(QiboPauliTerm),
                };
                Check(Api->StateExpectation(&args));
                if (!double.IsFinite(args.Out)) throw Untrustworthy($"state_expectation returned {args.Out}");
                return args.Out;
            }
        }
    }

    // The ABI 1.1 slots take two states of one backend instance; anything else goes through host amplitudes.
    private bool SameBackend(IQuantumState other, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NativeState? native)
    {
        native = other as NativeState;
        return native is not null && ReferenceEquals(native._backend, _backend);
    }

    private void CheckPair(NativeState other, string what)
    {
        if (other.NQubits != NQubits || other.Precision != Precision)
        {
            throw new ArgumentException($"{what}: the states differ ({NQubits} qubits {Precision.Name()} vs {other.NQubits} qubits {other.Precision.Name()})");
        }
    }

    // Two states' locks in a fixed order (by creation number), so two threads pairing the same states cannot deadlock.
    private void LockBoth(NativeState other, Action body)
    {
        if (ReferenceEquals(other, this))
        {
            lock (_lock) body();
            return;
        }
        NativeState first = _serial < other._serial ? this : other, second = ReferenceEquals(first, this) ? other : this;
        lock (first._lock)
        {
            lock (second._lock) body();
        }
    }

    private BackendException Untrustworthy(string what)
        => new(QiboErrorCode.Internal, $"backend '{_backend.Specifier}' ({_backend.Library.Path}) is faulty: {what}");

    public void Dispose()
    {
        lock (_lock)
        {
            if (_handle == null) return;
            Api->StateDestroy(_handle);
            _handle = null;
        }
        _backend.StateDisposed();
    }

    private void CopyAmplitudes(delegate* unmanaged[Cdecl]<QiboStateAmplitudesArgs*, QiboError*> call, long offset, int count, void* data)
    {
        var args = new QiboStateAmplitudesArgs
        {
            StructSize = (nuint)sizeof(QiboStateAmplitudesArgs),
            State = Handle,
            Offset = (ulong)offset,
            Count = (ulong)count,
            Data = data,
        };
        Check(call(&args));
    }

    private Complex[] ReadAll()
    {
        if (Size > Array.MaxLength)
        {
            throw new BackendException(QiboErrorCode.OutOfMemory, $"the backend has no probabilities slot, and a copy of its {NQubits}-qubit state does not fit in one .NET array");
        }
        var all = new Complex[Size];
        GetAmplitudes(0, all);
        return all;
    }

    private void CheckRange(long offset, int count)
    {
        if (offset < 0 || count < 0 || offset + count > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"amplitudes [{offset}, {offset + count}) are outside the state's {Size}");
        }
    }

    private uint[] CheckQubits(ReadOnlySpan<int> qubits)
    {
        if (qubits.Length > 63) throw new ArgumentException($"at most 63 qubits can be read at once, got {qubits.Length}");
        var seen = new HashSet<int>();
        foreach (int q in qubits)
        {
            if (q < 0 || q >= NQubits) throw new ArgumentOutOfRangeException(nameof(qubits), $"qubit {q} is out of range (0..{NQubits - 1})");
            if (!seen.Add(q)) throw new ArgumentException($"qubit {q} is listed twice", nameof(qubits));
        }
        return Array.ConvertAll(qubits.ToArray(), q => (uint)q);
    }

    private void Check(QiboError* error) => ErrorChannel.Check(_backend.Library, error, _backend.Specifier);
}
