using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.CApi.Interop;

namespace QiboAccel.CApi.Exports;

/// <summary>Versions and error objects. The version exports touch nothing that can fail; the others catch everything.</summary>
internal static unsafe class ErrorExports
{
    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_api_version", CallConvs = [typeof(CallConvCdecl)])]
    public static uint ApiVersion() => (ApiInfo.Major << 16) | ApiInfo.Minor;

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_library_version", CallConvs = [typeof(CallConvCdecl)])]
    public static byte* Version() => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference("0.1.0\0"u8)); // image data: never moves

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_error_get_code", CallConvs = [typeof(CallConvCdecl)])]
    public static uint Code(nint error)
    {
        try
        {
            return (uint)NativeError.Code(error);
        }
        catch
        {
            return (uint)ErrorCode.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_error_get_message", CallConvs = [typeof(CallConvCdecl)])]
    public static byte* Message(nint error)
    {
        try
        {
            return NativeError.Message(error);
        }
        catch
        {
            return NativeError.Message(0);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_error_destroy", CallConvs = [typeof(CallConvCdecl)])]
    public static void Destroy(nint error)
    {
        try
        {
            NativeError.Destroy(error);
        }
        catch
        {
            // Nothing to report to: error_destroy returns nothing.
        }
    }
}

/// <summary>QIBOACCEL_API_VERSION_MAJOR/MINOR of the header this library implements.</summary>
internal static class ApiInfo
{
    public const uint Major = 1;
    public const uint Minor = 1;
}
