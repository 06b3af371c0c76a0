using System.Numerics;
using QiboAccel.Abi;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// A backend instance in the mpi mode: one state vector split over the 2^k ranks of an MPI job (the top k qubits
/// are "global": qubit 0's bit is the most significant bit of the rank number). Each rank keeps its slice of 2^(n-k)
/// amplitudes as an ordinary cpu state of n - k qubits, so local gates run on the cpu kernels, with fusion and cache
/// blocking, unchanged. See <see cref="DistributedState{T}"/> for how gates on global qubits are handled.
/// </summary>
internal sealed class DistributedBackend : BackendInstance
{
    private long _states;

    private DistributedBackend(CpuBackend cpu, DistributedOptions options, Communicator comm)
    {
        Cpu = cpu;
        Options = options;
        Comm = comm;
        GlobalQubits = BitOperations.Log2((uint)comm.Size);
        Capabilities = cpu.Capabilities with
        {
            Name = "mpi",
            Description = "QiboAccel CPU state vector distributed over MPI ranks (the cpu backend's mpi mode)",
            // "distributed" first: the host then leaves the memory check to the backend (each rank holds a share).
            Device = $"distributed over {comm.Size} MPI rank{(comm.Size == 1 ? "" : "s")} ({comm.NodeRanks} on this node, {comm.Library}); each rank {cpu.Capabilities.Device}",
            MaxQubits = (uint)Math.Min(CpuBackend.MaxQubits + GlobalQubits, 62),
        };
    }

    /// <summary>Creates a backend in the mpi mode: loads the shim and initialises MPI (once per process).</summary>
    public static DistributedBackend Create(DistributedOptions options, string cpuOptions, bool threadsGiven)
    {
        BackendOptions.Parse(cpuOptions); // bad cpu options fail before MPI starts
        Communicator comm = Communicator.World;
        if (!BitOperations.IsPow2(comm.Size))
        {
            throw BackendFault.Unsupported(
                $"the mpi mode needs a power-of-two number of ranks (1, 2, 4, 8, ...); this job has {comm.Size} (mpirun -np 2^k)");
        }
        // Ranks sharing a node share its cores: by default each takes its part of them.
        if (!threadsGiven)
        {
            int threads = Math.Max(1, Environment.ProcessorCount / comm.NodeRanks);
            cpuOptions = cpuOptions.Length == 0 ? $"threads={threads}" : $"{cpuOptions},threads={threads}";
        }
        return new DistributedBackend(new CpuBackend(BackendOptions.Parse(cpuOptions)), options, comm);
    }

    /// <summary>The cpu backend each rank's slice runs on (options, worker threads).</summary>
    public CpuBackend Cpu { get; }

    /// <summary>The mpi mode's own options.</summary>
    public DistributedOptions Options { get; }

    /// <summary>The job.</summary>
    public Communicator Comm { get; }

    /// <summary>k: log2 of the number of ranks.</summary>
    public int GlobalQubits { get; }

    /// <inheritdoc />
    public override BackendCapabilities Capabilities { get; }

    /// <summary>
    /// The next state's number on this instance (0, 1, ...). Every rank creates the same states in the same order, so
    /// the numbers agree across ranks and go into the signatures of calls on two states (state_copy, inner products).
    /// </summary>
    public long NextStateSerial() => _states++;

    /// <inheritdoc />
    public override BackendState CreateState(int nQubits, QiboPrecision precision) => DistributedState.Create(this, nQubits, precision);

    /// <summary>Stops the slice's worker threads (MPI itself stays up until the process exits).</summary>
    public override void Dispose()
    {
        Cpu.Dispose();
        base.Dispose();
    }
}
