using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.CApi.Interop;

namespace QiboAccel.CApi.Exports;

/// <summary>Versions and error objects. Nothing here can fail; each export still catches everything.</summary>
internal static unsafe class ErrorExports
{
    /// <summary>The library's release, in static storage.</summary>
    private static readonly byte* LibraryVersion = Utf8Static("0.1.0");

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_api_version", CallConvs = [typeof(CallConvCdecl)])]
    public static uint ApiVersion() => (ApiInfo.Major << 16) | ApiInfo.Minor;

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_library_version", CallConvs = [typeof(CallConvCdecl)])]
    public static byte* Version() => LibraryVersion;

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

    private static byte* Utf8Static(string text)
    {
        int length = System.Text.Encoding.UTF8.GetByteCount(text);
        var block = (byte*)NativeMemory.AllocZeroed((nuint)length + 1);
        System.Text.Encoding.UTF8.GetBytes(text, new Span<byte>(block, length));
        return block;
    }
}

/// <summary>QIBOACCEL_API_VERSION_MAJOR/MINOR of the header this library implements.</summary>
internal static class ApiInfo
{
    public const uint Major = 1;
    public const uint Minor = 0;
}
