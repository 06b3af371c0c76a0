using QiboAccel.Abi;
using QiboAccel.BackendKit;
using QiboAccel.Cpu.Kernels;

namespace QiboAccel.Cpu.Circuits;

/// <summary>
/// The prepared form of the last <see cref="Capacity"/> circuits applied to small states: the recorded kernel jobs
/// (fusion done, coefficient vectors computed, jobs independent of the state's address), keyed by a byte-for-byte
/// image of the circuit. Applying the same records again (a circuit executed repeatedly, shot loops, benchmarks) then
/// skips validation, decoding, fusion and job setup, which on a 10-qubit circuit cost more than the arithmetic.
/// Only circuits without MEASURE are kept, on states small enough that every job runs on the calling thread. A
/// circuit is prepared the second time it arrives (the first time only its digest is noted): recording and copying
/// one that never comes back would cost a one-off run about a tenth more.
/// </summary>
internal sealed unsafe class PreparedBatches
{
    /// <summary>Circuits kept per backend (the least recently added is replaced).</summary>
    public const int Capacity = 8;

    /// <summary>States above this many qubits are not prepared: there the arithmetic dwarfs the setup.</summary>
    public const int MaxQubits = 14;

    /// <summary>
    /// Largest circuit image kept (records, qubit references and matrix values together): about 4000 gates, whose
    /// recorded jobs take a few MiB, so the cache never holds more than some tens of MiB.
    /// </summary>
    public const int MaxImageBytes = 1 << 18;

    private readonly Entry?[] _entries = new Entry?[Capacity];
    private readonly ulong[] _seen = new ulong[2 * Capacity];
    private int _nextSeen;
    private readonly object _lock = new();
    private int _next;
    private int _last;

    private sealed record Entry(CircuitImage Image, ulong Digest, Type Precision, BlockStep[] Steps);

    /// <summary>
    /// Whether circuits on a state of <paramref name="nQubits"/> qubits may be prepared under
    /// <paramref name="options"/>: the cache is on, the state is small, every job runs inline (one thread, or below
    /// the parallel threshold) and no cache-blocked plan applies.
    /// </summary>
    public static bool Allows(int nQubits, int blockQubits, BackendOptions options) =>
        options.BatchCache && nQubits <= MaxQubits
        && (!options.Blocking || nQubits <= blockQubits)
        && (options.Threads == 1 || (1L << nQubits) < options.ParallelThreshold);

    /// <summary>
    /// The steps prepared for exactly <paramref name="circuit"/> when it is the circuit found or added last (the common
    /// case of a circuit applied again and again: one byte comparison, no digest), or null.
    /// </summary>
    public BlockStep[]? FindLast(QiboCircuit* circuit, Type precision)
    {
        lock (_lock)
        {
            Entry? entry = _entries[_last];
            return entry != null && entry.Precision == precision && entry.Image.Matches(circuit) ? entry.Steps : null;
        }
    }

    /// <summary>
    /// The steps prepared for exactly <paramref name="circuit"/> (whose <see cref="CircuitImage.TryDigest"/> is
    /// <paramref name="digest"/>) on a state of this precision, or null. Only an entry with the same digest is compared
    /// byte for byte: circuits that differ in one angle have the same counts and nearly the same bytes.
    /// </summary>
    public BlockStep[]? Find(QiboCircuit* circuit, ulong digest, Type precision)
    {
        lock (_lock)
        {
            for (int i = 0; i < _entries.Length; i++)
            {
                Entry? entry = _entries[i];
                if (entry == null || entry.Digest != digest || entry.Precision != precision || !entry.Image.Matches(circuit)) continue;
                _last = i;
                return entry.Steps;
            }
        }
        return null;
    }

    /// <summary>
    /// Notes a circuit's digest (<see cref="CircuitImage.TryDigest"/>); returns true when it was noted before (among
    /// the last <c>2 * Capacity</c>), i.e. the circuit is worth preparing now.
    /// </summary>
    public bool SeenBefore(ulong digest)
    {
        lock (_lock)
        {
            if (Array.IndexOf(_seen, digest) >= 0) return true;
            _seen[_nextSeen] = digest;
            _nextSeen = (_nextSeen + 1) % _seen.Length;
            return false;
        }
    }

    /// <summary>
    /// Keeps <paramref name="steps"/> as the prepared form of the circuit <paramref name="image"/> copies, whose digest
    /// is <paramref name="digest"/>.
    /// </summary>
    public void Add(CircuitImage image, ulong digest, Type precision, BlockStep[] steps)
    {
        lock (_lock)
        {
            _entries[_next] = new Entry(image, digest, precision, steps);
            _last = _next;
            _next = (_next + 1) % Capacity;
        }
    }
}
