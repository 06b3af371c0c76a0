using System.Globalization;
using System.Runtime.InteropServices;

namespace QiboAccel.Cli;

/// <summary>
/// What the program needs to know when an MPI launcher (mpirun, srun) started several copies of it, read from the
/// variables the launchers set (Open MPI, PMIx, MPICH's PMI, Slurm). Only rank 0 prints: the other ranks run the
/// same command silently (a distributed backend needs every rank to make the same calls) and still exit non-zero on
/// errors. Ranks also share one seed when none is given, so host-side random choices (noise trajectories,
/// density-matrix measurements) agree; the mpi backend itself measures and samples with rank 0's random numbers.
/// </summary>
internal static class MpiLaunch
{
    private static readonly string[] RankVariables = ["OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"];
    private static readonly string[] SizeVariables = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"];

    /// <summary>This process's rank, or null when no launcher started it.</summary>
    public static int? Rank => FirstInteger(RankVariables);

    /// <summary>Number of processes the launcher started (1 when none).</summary>
    public static int Size => FirstInteger(SizeVariables) ?? 1;

    /// <summary>
    /// Under a launcher: forgets TERM (mpirun gives each rank a pseudo-terminal, and .NET would write terminal mode
    /// sequences into what is really a pipe or a file); on ranks other than 0, standard output goes to /dev/null
    /// (native code included) and the console writers are silenced.
    /// </summary>
    public static void QuietSecondaryRanks()
    {
        if (Rank is null) return;
        Environment.SetEnvironmentVariable("TERM", null);
        if (Rank == 0) return;
        Console.SetOut(TextWriter.Null);
        Console.SetError(TextWriter.Null);
        int devNull = Open("/dev/null", 1 /* O_WRONLY */);
        if (devNull >= 0) Dup2(devNull, 1); // JSON reports write to the raw standard output
    }

    /// <summary>A seed every rank of this launch derives alike (from the launcher's job id), or null outside a multi-process launch.</summary>
    public static ulong? SharedSeed()
    {
        if (Size < 2) return null;
        // PMIx (Open MPI's mpirun, srun --mpi=pmix) names each launch uniquely; other launchers give no such name,
        // and the ranks then keep their own seeds (the mpi backend still measures with rank 0's numbers).
        string? job = Environment.GetEnvironmentVariable("PMIX_NAMESPACE") ?? Environment.GetEnvironmentVariable("OMPI_MCA_ess_base_jobid");
        if (string.IsNullOrEmpty(job)) return null;
        ulong hash = 14695981039346656037UL; // FNV-1a
        foreach (char c in job)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    private static int? FirstInteger(string[] names)
    {
        foreach (string name in names)
        {
            if (int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out int value)) return value;
        }
        return null;
    }

    [DllImport("libc.so.6", EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc.so.6", EntryPoint = "dup2")]
    private static extern int Dup2(int from, int to);
}
