using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;
using QiboAccel.Python.Errors;

namespace QiboAccel.Python.Exports;

/// <summary>The error slots of the table. [thread-safe]; NULL is treated as "no error".</summary>
internal static unsafe class ErrorExports
{
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboErrorCode Code(QiboError* error)
    {
        try
        {
            return NativeError.Code(error);
        }
        catch
        {
            return QiboErrorCode.Internal;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static byte* Message(QiboError* error)
    {
        try
        {
            return NativeError.Message(error);
        }
        catch
        {
            return NativeError.Message(null);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static long OpIndex(QiboError* error)
    {
        try
        {
            return NativeError.OpIndex(error);
        }
        catch
        {
            return -1;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void Destroy(QiboError* error)
    {
        try
        {
            NativeError.Destroy(error);
        }
        catch
        {
            // Nothing to report through a void slot.
        }
    }
}
