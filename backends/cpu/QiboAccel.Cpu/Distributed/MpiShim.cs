using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// The MPI shim (backends/cpu/mpi/qibo_mpi_shim.c, built with mpicc into libqibo_mpi_shim.so beside
/// libqibo_cpu.so), loaded with dlopen the first time a backend is created in the mpi mode — never otherwise, so the
/// cpu backend has no dependency on MPI. <c>QIBO_MPI_SHIM</c> names another copy. Its functions take plain C types
/// (no MPI handles) and return 0 or an error code with a message.
/// </summary>
internal static unsafe class MpiShim
{
    /// <summary>File name of the shim.</summary>
    public const string LibraryName = "libqibo_mpi_shim.so";

    /// <summary>Environment variable naming the shim's path instead of the one beside libqibo_cpu.so.</summary>
    public const string PathVariable = "QIBO_MPI_SHIM";

    /// <summary>How to install what the mpi mode needs.</summary>
    public const string InstallHint = "install OpenMPI (apt-get install libopenmpi-dev openmpi-bin) and run ./qiboaccel build";

    public static delegate* unmanaged[Cdecl]<int*, int*, int*, byte*, int, int> Init;
    public static delegate* unmanaged[Cdecl]<byte*, int, int> LibraryVersion;
    public static delegate* unmanaged[Cdecl]<long*, int, byte*, int, int> AllreduceMinInt64;
    public static delegate* unmanaged[Cdecl]<double*, long, byte*, int, int> AllreduceSumDouble;
    public static delegate* unmanaged[Cdecl]<void*, long, int, byte*, int, int> Bcast;
    public static delegate* unmanaged[Cdecl]<void*, void*, long, int, byte*, int, int> SendRecv;
    public static delegate* unmanaged[Cdecl]<double> Wtime;

    private static readonly Lazy<string?> s_failure = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads the shim once; throws UNSUPPORTED saying why the mpi mode is unavailable.</summary>
    public static void Require()
    {
        if (s_failure.Value is { } reason) throw BackendFault.Unsupported($"the mpi mode is unavailable: {reason}");
    }

    private static string? Load()
    {
        string? path = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(path))
        {
            string? folder = OwnFolder();
            if (folder is null) return $"cannot tell where libqibo_cpu.so lives to find {LibraryName} beside it (set {PathVariable})";
            path = Path.Combine(folder, LibraryName);
        }
        if (!File.Exists(path))
            return $"{path} is missing: OpenMPI's mpicc was not found when the backends were built; {InstallHint}";
        nint handle;
        try
        {
            handle = NativeLibrary.Load(path);
        }
        catch (Exception e)
        {
            return $"cannot load {path} ({e.Message.ReplaceLineEndings(" ")}); is the MPI runtime installed? {InstallHint}";
        }
        try
        {
            Init = (delegate* unmanaged[Cdecl]<int*, int*, int*, byte*, int, int>)NativeLibrary.GetExport(handle, "qibo_mpi_init");
            LibraryVersion = (delegate* unmanaged[Cdecl]<byte*, int, int>)NativeLibrary.GetExport(handle, "qibo_mpi_library_version");
            AllreduceMinInt64 = (delegate* unmanaged[Cdecl]<long*, int, byte*, int, int>)NativeLibrary.GetExport(handle, "qibo_mpi_allreduce_min_i64");
            AllreduceSumDouble = (delegate* unmanaged[Cdecl]<double*, long, byte*, int, int>)NativeLibrary.GetExport(handle, "qibo_mpi_allreduce_sum_f64");
            Bcast = (delegate* unmanaged[Cdecl]<void*, long, int, byte*, int, int>)NativeLibrary.GetExport(handle, "qibo_mpi_bcast");
            SendRecv = (delegate* unmanaged[Cdecl]<void*, void*, long, int, byte*, int, int>)NativeLibrary.GetExport(handle, "qibo_mpi_sendrecv");
            Wtime = (delegate* unmanaged[Cdecl]<double>)NativeLibrary.GetExport(handle, "qibo_mpi_wtime");
        }
        catch (EntryPointNotFoundException e)
        {
            return $"{path} is not this version's MPI shim ({e.Message}); run ./qiboaccel build";
        }
        return null;
    }

    /// <summary>The folder of the library this code was linked into (libqibo_cpu.so), from the dynamic linker.</summary>
    private static string? OwnFolder()
    {
        string? library = LibraryFile.Containing((delegate* unmanaged[Cdecl]<QiboApiRequest*, QiboErrorCode>)&EntryPoint.GetApi);
        return library is null ? null : Path.GetDirectoryName(library);
    }
}
