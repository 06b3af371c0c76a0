using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// A byte-for-byte copy of a state_apply circuit (its header counts, records, qubit references and matrix values): the
/// key under which a backend keeps what it prepared for the circuit. A circuit that matches an image is, to the last
/// bit, one the backend has already validated, decoded and planned, so it can be applied again without doing so.
/// </summary>
public sealed unsafe class CircuitImage
{
    private readonly byte[] _bytes;
    private readonly uint _nQubits, _opSize;
    private readonly ulong _nOps, _nQubitRefs, _nMatrixValues;

    private CircuitImage(QiboCircuit* circuit, byte[] bytes)
    {
        _nQubits = circuit->NQubits;
        _opSize = circuit->OpSize;
        _nOps = circuit->NOps;
        _nQubitRefs = circuit->NQubitRefs;
        _nMatrixValues = circuit->NMatrixValues;
        _bytes = bytes;
    }

    /// <summary>Size of the copy in bytes.</summary>
    public int Size => _bytes.Length;

    /// <summary>
    /// Copies <paramref name="circuit"/> when its arrays fill at most <paramref name="maxBytes"/> bytes; null when they
    /// are larger or the circuit is malformed (NULL arrays with nonzero counts: the validator reports those).
    /// </summary>
    public static CircuitImage? TryCopy(QiboCircuit* circuit, int maxBytes)
    {
        if (!Sizes(circuit, maxBytes, out int ops, out int qubits, out int matrices)) return null;
        var bytes = new byte[ops + qubits + matrices];
        new ReadOnlySpan<byte>(circuit->Ops, ops).CopyTo(bytes);
        new ReadOnlySpan<byte>(circuit->Qubits, qubits).CopyTo(bytes.AsSpan(ops));
        new ReadOnlySpan<byte>(circuit->Matrices, matrices).CopyTo(bytes.AsSpan(ops + qubits));
        return new CircuitImage(circuit, bytes);
    }

    /// <summary>
    /// A 64-bit digest of <paramref name="circuit"/>'s counts and arrays (under <paramref name="maxBytes"/> bytes, else
    /// false), cheaper to keep than a copy: a backend can note the circuits it has seen and copy one only when it comes
    /// back. Equal circuits have equal digests; unequal ones almost always differ (a collision only costs a copy, since
    /// <see cref="Matches"/> decides).
    /// </summary>
    public static bool TryDigest(QiboCircuit* circuit, int maxBytes, out ulong digest)
    {
        digest = 0;
        if (!Sizes(circuit, maxBytes, out int ops, out int qubits, out int matrices)) return false;
        ulong h = Mix(0x9E3779B97F4A7C15UL, circuit->NQubits | ((ulong)circuit->OpSize << 32));
        h = Mix(h, circuit->NOps);
        h = Mix(h, circuit->NQubitRefs);
        h = Mix(h, circuit->NMatrixValues);
        h = Digest(h, new ReadOnlySpan<byte>(circuit->Ops, ops));
        h = Digest(h, new ReadOnlySpan<byte>(circuit->Qubits, qubits));
        digest = Digest(h, new ReadOnlySpan<byte>(circuit->Matrices, matrices));
        return true;
    }

    // Four independent lanes: one chain of multiplies would take its latency per word, and a new circuit of a few
    // thousand bytes pays for the digest on every call.
    private static ulong Digest(ulong h, ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<ulong> words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes);
        ulong a = h, b = h ^ 1, c = h ^ 2, d = h ^ 3;
        int i = 0;
        for (; i + 4 <= words.Length; i += 4)
        {
            a = Mix(a, words[i]);
            b = Mix(b, words[i + 1]);
            c = Mix(c, words[i + 2]);
            d = Mix(d, words[i + 3]);
        }
        for (; i < words.Length; i++) a = Mix(a, words[i]);
        for (int j = words.Length * sizeof(ulong); j < bytes.Length; j++) b = Mix(b, bytes[j]);
        return Mix(Mix(Mix(Mix(a, b), c), d), (ulong)bytes.Length);
    }

    private static ulong Mix(ulong h, ulong value)
    {
        h = (h ^ value) * 0xFF51AFD7ED558CCDUL;
        return h ^ (h >> 32);
    }

    /// <summary>True when <paramref name="circuit"/> is exactly the circuit this image was copied from.</summary>
    public bool Matches(QiboCircuit* circuit)
    {
        if (circuit == null || circuit->StructSize < QiboCircuit.V1_0 || circuit->NQubits != _nQubits || circuit->OpSize != _opSize || circuit->NOps != _nOps
            || circuit->NQubitRefs != _nQubitRefs || circuit->NMatrixValues != _nMatrixValues)
            return false;
        if (!Sizes(circuit, _bytes.Length, out int ops, out int qubits, out int matrices)) return false;
        ReadOnlySpan<byte> image = _bytes;
        return image[..ops].SequenceEqual(new ReadOnlySpan<byte>(circuit->Ops, ops))
            && image.Slice(ops, qubits).SequenceEqual(new ReadOnlySpan<byte>(circuit->Qubits, qubits))
            && image.Slice(ops + qubits, matrices).SequenceEqual(new ReadOnlySpan<byte>(circuit->Matrices, matrices));
    }

    /// <summary>The byte lengths of the three arrays, when they are present and fit in <paramref name="maxBytes"/> together.</summary>
    private static bool Sizes(QiboCircuit* circuit, int maxBytes, out int ops, out int qubits, out int matrices)
    {
        ops = qubits = matrices = 0;
        if (circuit == null || circuit->StructSize < QiboCircuit.V1_0) return false;
        // Checked one by one, so that no product can overflow: each count is first bounded by maxBytes.
        if (circuit->NOps > (ulong)maxBytes || circuit->OpSize > (uint)maxBytes || circuit->NQubitRefs > (ulong)maxBytes
            || circuit->NMatrixValues > (ulong)maxBytes)
            return false;
        ulong total = circuit->NOps * circuit->OpSize + circuit->NQubitRefs * sizeof(uint) + circuit->NMatrixValues * 2 * sizeof(double);
        if (total > (ulong)maxBytes) return false;
        if ((circuit->NOps > 0 && circuit->Ops == null) || (circuit->NQubitRefs > 0 && circuit->Qubits == null)
            || (circuit->NMatrixValues > 0 && circuit->Matrices == null))
            return false;
        ops = (int)(circuit->NOps * circuit->OpSize);
        qubits = (int)(circuit->NQubitRefs * sizeof(uint));
        matrices = (int)(circuit->NMatrixValues * 2 * sizeof(double));
        return true;
    }
}
