// Ported from abi/include/qibo/backend.h (QIBO_ABI_VERSION_*).
namespace QiboAccel.Abi;

/// <summary>The ABI version this mirror was written against.</summary>
public static class AbiVersion
{
    /// <summary>QIBO_ABI_VERSION_MAJOR: must equal the backend's major version.</summary>
    public const uint Major = 1;

    /// <summary>QIBO_ABI_VERSION_MINOR: minor versions only append.</summary>
    public const uint Minor = 1;

    /// <summary>Name of the one symbol every backend exports.</summary>
    public const string EntryPoint = "qibo_backend_get_api";
}
