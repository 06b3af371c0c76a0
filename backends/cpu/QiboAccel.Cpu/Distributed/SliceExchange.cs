using System.Runtime.InteropServices;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// Swaps a global qubit with a local one by a pairwise exchange of half a slice. For global position g (bit j of
/// the rank number) and local bit l, rank r (bit j = b) keeps its amplitudes whose bit l equals b and trades the
/// other half with rank r ^ 2^j, which sends back its own half whose bit l equals b; each rank receives exactly into
/// the places it sent from. That half is 2^(L-1-l) runs of 2^l amplitudes (one contiguous run when l is the top
/// local bit); it travels in messages of at most the chunk size, packed into and unpacked from two buffers
/// allocated with the state, so the extra memory is two chunks whatever the state's size.
/// </summary>
internal sealed unsafe class SliceExchange : IDisposable
{
    private readonly Communicator _comm;
    private byte* _send, _receive;

    /// <summary>Buffers of <paramref name="chunkBytes"/> each (0: a replicated state that never exchanges).</summary>
    public SliceExchange(Communicator comm, long chunkBytes)
    {
        _comm = comm;
        ChunkBytes = chunkBytes;
        if (chunkBytes == 0) return;
        try
        {
            _send = (byte*)NativeMemory.AlignedAlloc((nuint)chunkBytes, 64);
            _receive = (byte*)NativeMemory.AlignedAlloc((nuint)chunkBytes, 64);
        }
        catch (OutOfMemoryException)
        {
            Dispose();
            throw BackendFault.OutOfMemory((ulong)chunkBytes * 2, "the mpi mode's exchange buffers");
        }
    }

    /// <summary>Largest message.</summary>
    public long ChunkBytes { get; }

    /// <summary>Exchanges done since the state was created.</summary>
    public long Exchanges { get; private set; }

    /// <summary>Bytes this rank sent (and received) since the state was created.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Seconds spent exchanging since the state was created.</summary>
    public double Seconds { get; private set; }

    /// <summary>
    /// Exchanges, for a slice of <paramref name="localQubits"/> qubits at <paramref name="data"/> with
    /// <paramref name="elementBytes"/> bytes per amplitude, the half that moves when rank bit <paramref name="rankBit"/>
    /// is swapped with local bit <paramref name="localBit"/>.
    /// </summary>
    public void Swap(byte* data, int localQubits, long elementBytes, int rankBit, int localBit)
    {
        double start = _comm.Time();
        int partner = _comm.Rank ^ (1 << rankBit);
        int keep = (_comm.Rank >> rankBit) & 1;
        long runBytes = (1L << localBit) * elementBytes;
        long runs = 1L << (localQubits - 1 - localBit);
        byte* first = data + (1 - keep) * runBytes; // run i starts at first + 2 i runBytes
        if (runBytes >= ChunkBytes)
        {
            for (long r = 0; r < runs; r++)
            {
                byte* run = first + 2 * r * runBytes;
                for (long done = 0; done < runBytes; done += ChunkBytes)
                {
                    long piece = Math.Min(ChunkBytes, runBytes - done);
                    _comm.SendReceive(run + done, _receive, piece, partner);
                    Buffer.MemoryCopy(_receive, run + done, piece, piece);
                }
            }
        }
        else
        {
            long perChunk = ChunkBytes / runBytes;
            for (long r0 = 0; r0 < runs; r0 += perChunk)
            {
                long count = Math.Min(perChunk, runs - r0);
                for (long r = 0; r < count; r++) Buffer.MemoryCopy(first + 2 * (r0 + r) * runBytes, _send + r * runBytes, runBytes, runBytes);
                _comm.SendReceive(_send, _receive, count * runBytes, partner);
                for (long r = 0; r < count; r++) Buffer.MemoryCopy(_receive + r * runBytes, first + 2 * (r0 + r) * runBytes, runBytes, runBytes);
            }
        }
        Exchanges++;
        BytesSent += runs * runBytes;
        Seconds += _comm.Time() - start;
    }

    /// <summary>
    /// Streams a whole slice each way between this rank and <paramref name="partner"/> without changing either: in
    /// step c (of sliceBytes / chunkBytes, chunkBytes a power of two no larger than <see cref="ChunkBytes"/>) both
    /// send their chunk c ^ <paramref name="chunkXor"/> and receive the other's, which <paramref name="visit"/>(c,
    /// received) reads before the next step. Both ranks must make the same call (state_expectation's Pauli strings
    /// whose flips touch global qubits read the partner's amplitudes this way). <paramref name="visit"/> must not
    /// throw: a rank that stopped half way would leave its partner waiting.
    /// </summary>
    public void Stream(byte* data, long sliceBytes, long chunkBytes, long chunkXor, int partner, Action<long, nint> visit)
    {
        double start = _comm.Time();
        for (long c = 0; c < sliceBytes / chunkBytes; c++)
        {
            _comm.SendReceive(data + (c ^ chunkXor) * chunkBytes, _receive, chunkBytes, partner);
            visit(c, (nint)_receive);
        }
        Exchanges++;
        BytesSent += sliceBytes;
        Seconds += _comm.Time() - start;
    }

    /// <summary>Frees the buffers.</summary>
    public void Dispose()
    {
        NativeMemory.AlignedFree(_send);
        NativeMemory.AlignedFree(_receive);
        _send = _receive = null;
    }
}
