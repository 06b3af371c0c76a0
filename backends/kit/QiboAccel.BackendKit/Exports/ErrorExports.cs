using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>The error slots of a backend's table (the same in every backend). [thread-safe]; NULL is treated as "no error".</summary>
public static unsafe class ErrorExports
{
    /// <summary>error_code.</summary>
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

    /// <summary>error_message.</summary>
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

    /// <summary>error_op_index.</summary>
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

    /// <summary>error_destroy.</summary>
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
