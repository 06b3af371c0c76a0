using System.Runtime.InteropServices;
using System.Text;
using QiboAccel.Abi;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// This process's place in the MPI job, and the few collectives the mpi mode uses, through <see cref="MpiShim"/>.
/// MPI is initialised once per process, on the first backend created in the mpi mode, and finalised at exit by the
/// shim (after a barrier that aborts the job instead of hanging when a rank left early).
/// <para>
/// Every rank must make the same calls in the same order. Two rules keep a job from hanging when that goes wrong:
/// each entry point first agrees on a signature of its arguments (<see cref="Agree"/>: ranks that received different
/// circuits or ranges fail together with one message), and a rank whose local work failed goes straight to its next
/// agreement, where every rank learns of the failure and throws the same error — so no rank is ever left waiting in
/// a collective that another rank will not enter.
/// </para>
/// </summary>
internal sealed unsafe class Communicator
{
    private const int ErrorBytes = 1024;

    private static readonly Lazy<Communicator> s_world = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    private Communicator(int rank, int size, int nodeRanks, string library)
    {
        Rank = rank;
        Size = size;
        NodeRanks = nodeRanks;
        Library = library;
    }

    /// <summary>The job's communicator (initialising MPI on first use); throws UNSUPPORTED/DEVICE when MPI is unavailable.</summary>
    public static Communicator World
    {
        get
        {
            MpiShim.Require();
            return s_world.Value; // a failed initialisation is cached by Lazy and rethrown: MPI cannot be initialised twice
        }
    }

    /// <summary>This process's rank, 0 .. Size - 1.</summary>
    public int Rank { get; }

    /// <summary>Number of ranks in the job.</summary>
    public int Size { get; }

    /// <summary>Number of ranks on this node (sharing its memory).</summary>
    public int NodeRanks { get; }

    /// <summary>The MPI library, e.g. "Open MPI v4.1.4".</summary>
    public string Library { get; }

    /// <summary>Held for the whole of every entry point that communicates, so calls from several threads never interleave their collectives.</summary>
    public object Gate { get; } = new();

    private static Communicator Create()
    {
        int rank, size, nodeRanks;
        byte* error = stackalloc byte[ErrorBytes];
        error[0] = 0;
        if (MpiShim.Init(&rank, &size, &nodeRanks, error, ErrorBytes) != 0)
            throw BackendFault.Device($"the mpi mode could not start MPI: {Text(error)}");
        byte* version = stackalloc byte[256];
        version[0] = 0;
        MpiShim.LibraryVersion(version, 256);
        return new Communicator(rank, size, Math.Max(1, nodeRanks), Text(version));
    }

    /// <summary>Seconds since an arbitrary moment (MPI_Wtime).</summary>
    public double Time() => MpiShim.Wtime();

    /// <summary>Element-wise minimum over the ranks, in place.</summary>
    public void AllreduceMin(Span<long> values)
    {
        byte* error = stackalloc byte[ErrorBytes];
        error[0] = 0;
        fixed (long* v = values) Check(MpiShim.AllreduceMinInt64(v, values.Length, error, ErrorBytes), error);
    }

    /// <summary>Element-wise sum over the ranks, in place.</summary>
    public void AllreduceSum(double* values, long count)
    {
        byte* error = stackalloc byte[ErrorBytes];
        error[0] = 0;
        Check(MpiShim.AllreduceSumDouble(values, count, error, ErrorBytes), error);
    }

    /// <summary>Rank <paramref name="root"/>'s <paramref name="bytes"/> bytes at <paramref name="data"/> to every rank.</summary>
    public void Broadcast(void* data, long bytes, int root)
    {
        byte* error = stackalloc byte[ErrorBytes];
        error[0] = 0;
        Check(MpiShim.Bcast(data, bytes, root, error, ErrorBytes), error);
    }

    /// <summary>Sends <paramref name="bytes"/> bytes to <paramref name="partner"/> and receives as many from it.</summary>
    public void SendReceive(void* send, void* receive, long bytes, int partner)
    {
        byte* error = stackalloc byte[ErrorBytes];
        error[0] = 0;
        Check(MpiShim.SendRecv(send, receive, bytes, partner, error, ErrorBytes), error);
    }

    /// <summary>
    /// The agreement point. Every rank passes its local failure (or null) and a signature of the call it is making;
    /// when any rank failed, every rank throws the failure of the lowest failing rank (prefixed "rank R of P:" unless
    /// every rank failed); when the signatures differ, every rank throws an error saying the ranks were asked
    /// different things in <paramref name="call"/>. One small allreduce when all is well.
    /// </summary>
    public void Agree(Exception? local, ulong signature, string call)
    {
        if (Size == 1)
        {
            if (local != null) throw AsFault(local);
            return;
        }
        bool failed = local != null;
        // Minima: lowest failing rank (Size if none), 1 iff every rank failed, the signature and its complement
        // (whose minimum is the complement of the maximum signature).
        Span<long> v = [failed ? Rank : Size, failed ? 1 : 0, (long)signature, ~(long)signature];
        AllreduceMin(v);
        if (v[0] < Size)
        {
            int root = (int)v[0];
            BackendFault fault = root == Rank ? AsFault(local!) : BackendFault.Internal("");
            string message = BroadcastFault(ref fault, root);
            throw new BackendFault(fault.Code, v[1] == 1 ? message : $"rank {root} of {Size}: {message}", fault.OpIndex)
            {
                IsAllocationFailure = fault.IsAllocationFailure,
            };
        }
        if (v[2] != ~v[3])
        {
            throw BackendFault.Invalid(
                $"{call}: the MPI ranks were asked different things (every rank of the job must make the same calls with the same circuit, " +
                "amplitude range and qubits; a host that draws random numbers itself must use the same seed on every rank, e.g. --seed)");
        }
    }

    /// <summary>Sends the root's fault (code, op index, message) to every rank; returns the message.</summary>
    private string BroadcastFault(ref BackendFault fault, int root)
    {
        byte[] text = root == Rank ? Encoding.UTF8.GetBytes(fault.Message) : [];
        Span<long> header = [(long)fault.Code, fault.OpIndex, text.Length, fault.IsAllocationFailure ? 1 : 0];
        fixed (long* h = header) Broadcast(h, 4 * sizeof(long), root);
        if (root != Rank) text = new byte[header[2]];
        fixed (byte* t = text) Broadcast(t, text.Length, root);
        fault = new BackendFault((QiboErrorCode)header[0], "", header[1]) { IsAllocationFailure = header[3] != 0 };
        return Encoding.UTF8.GetString(text);
    }

    /// <summary>Any exception as the fault the kit would report for it.</summary>
    public static BackendFault AsFault(Exception e) => e switch
    {
        BackendFault f => f,
        OutOfMemoryException => BackendFault.OutOfMemory($"out of memory: {e.Message}"),
        _ => BackendFault.Internal($"internal error in the mpi mode: {e.GetType().Name}: {e.Message}"),
    };

    private static void Check(int code, byte* error)
    {
        if (code != 0) throw BackendFault.Device($"MPI: {Text(error)}");
    }

    private static string Text(byte* text) => Marshal.PtrToStringUTF8((nint)text) ?? "";
}
