using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// The try/catch around every slot: an exception escaping an UnmanagedCallersOnly method aborts the host process,
/// so each export runs its body through here and any exception becomes an error object.
/// </summary>
internal static unsafe class Guard
{
    /// <summary>Runs <paramref name="body"/>; any exception becomes a <see cref="NativeError"/>.</summary>
    public static QiboError* Call<TArgs>(TArgs* args, delegate*<TArgs*, QiboError*> body) where TArgs : unmanaged
    {
        try
        {
            return body(args);
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }
}
