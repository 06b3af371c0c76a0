using QiboAccel.Abi;

namespace QiboAccel;

/// <summary>What a loaded backend says about itself (qibo_backend_info), plus where it came from.</summary>
/// <param name="Name">Short name, e.g. "cpu".</param>
/// <param name="Version">The backend's own version.</param>
/// <param name="Description">One line for humans.</param>
/// <param name="Device">What this instance runs on.</param>
/// <param name="MaxQubits">Largest state vector accepted.</param>
/// <param name="Precisions">Supported precisions.</param>
/// <param name="MaxMatrixTargets">Largest dense matrix operation (0 = no limit).</param>
/// <param name="NativeOps">Operation kinds implemented natively; the host lowers the rest to matrices.</param>
/// <param name="LibraryPath">The shared library the backend was loaded from.</param>
/// <param name="AbiVersion">The ABI version the backend reports, "major.minor".</param>
public sealed record BackendInfo(
    string Name,
    string Version,
    string Description,
    string Device,
    int MaxQubits,
    IReadOnlyList<Precision> Precisions,
    int MaxMatrixTargets,
    IReadOnlySet<QiboOpKind> NativeOps,
    string LibraryPath,
    string AbiVersion)
{
    /// <summary>True when the backend applies <paramref name="kind"/> itself.</summary>
    public bool IsNative(QiboOpKind kind) => NativeOps.Contains(kind);

    /// <summary>
    /// True for a backend whose state is spread over several processes (the cpu backend's mpi mode), which says so
    /// by a device string beginning with "distributed". Each process then holds a share of the state, so the host
    /// does not compare the whole state's size with this machine's memory: the backend checks each share.
    /// </summary>
    public bool IsDistributed => Device.StartsWith("distributed", StringComparison.Ordinal);

    /// <summary>
    /// The options string this instance was created with (backend_create's <c>options</c>: the manifest's options,
    /// then the specifier's), so that another instance of the same backend can be created through the raw table.
    /// </summary>
    public string CreateOptions { get; init; } = "";
}
