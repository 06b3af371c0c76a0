using System.Numerics;
using QiboAccel.Observables;

namespace QiboAccel;

/// <summary>
/// What <see cref="IQuantumState"/>'s ABI 1.1 operations (copy, inner product, expectation) do on a backend that lacks
/// the slot: the same result through host amplitude reads and writes, in bounded chunks where the operation allows it.
/// </summary>
public static class StateFallbacks
{
    // Chunks of 2^18 amplitudes (4 MiB in double): large enough to amortise each ABI call, small enough to stay in cache.
    private const int Chunk = 1 << 18;

    /// <summary>Copies <paramref name="source"/>'s amplitudes into <paramref name="destination"/>.</summary>
    public static void Copy(IQuantumState source, IQuantumState destination)
    {
        CheckPair(source, destination, "copy");
        long size = 1L << source.NQubits;
        var buffer = new Complex[Math.Min(size, Chunk)];
        for (long offset = 0; offset < size; offset += buffer.Length)
        {
            Span<Complex> part = buffer.AsSpan(0, (int)Math.Min(buffer.Length, size - offset));
            source.GetAmplitudes(offset, part);
            destination.SetAmplitudes(offset, part);
        }
    }

    /// <summary>⟨<paramref name="bra"/>|<paramref name="ket"/>⟩, summed in double precision.</summary>
    public static Complex InnerProduct(IQuantumState bra, IQuantumState ket)
    {
        CheckPair(bra, ket, "inner product");
        long size = 1L << bra.NQubits;
        int length = (int)Math.Min(size, Chunk);
        var a = new Complex[length];
        var b = new Complex[length];
        double re = 0, im = 0;
        for (long offset = 0; offset < size; offset += length)
        {
            int n = (int)Math.Min(length, size - offset);
            bra.GetAmplitudes(offset, a.AsSpan(0, n));
            ket.GetAmplitudes(offset, b.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                // conj(a) * b
                re += a[i].Real * b[i].Real + a[i].Imaginary * b[i].Imaginary;
                im += a[i].Real * b[i].Imaginary - a[i].Imaginary * b[i].Real;
            }
        }
        return new Complex(re, im);
    }

    /// <summary>⟨ψ|O|ψ⟩ from the whole state copied to the host (a Pauli string pairs amplitudes far apart).</summary>
    public static double Expectation(IQuantumState state, Observable observable)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(observable);
        var amplitudes = new Complex[1L << state.NQubits];
        state.GetAmplitudes(0, amplitudes);
        return observable.Expectation(amplitudes, state.NQubits);
    }

    private static void CheckPair(IQuantumState a, IQuantumState b, string what)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.NQubits != b.NQubits || a.Precision != b.Precision)
        {
            throw new ArgumentException($"{what}: the states differ ({a.NQubits} qubits {a.Precision.Name()} vs {b.NQubits} qubits {b.Precision.Name()})");
        }
    }
}
