using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>backend_create, backend_destroy, backend_get_info. Every slot catches everything (an exception escaping an UnmanagedCallersOnly method aborts the host).</summary>
internal static unsafe class BackendExports
{
    /// <summary>[thread-safe] Creates an instance from the options string (NULL = "").</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Create(QiboBackendCreateArgs* args) => Guard.Call(args, &CreateChecked);

    private static QiboError* CreateChecked(QiboBackendCreateArgs* args)
    {
        Check.Args(args, QiboBackendCreateArgs.V1_0, "backend_create");
        args->Backend = null;
        string options = Marshal.PtrToStringUTF8((nint)args->Options) ?? "";
        BackendInstance instance = ApiTable.Implementation.CreateBackend(options);
        KitBackend backend;
        try
        {
            backend = new KitBackend(instance);
        }
        catch
        {
            instance.Dispose();
            throw;
        }
        args->Backend = Handles.New(backend);
        return null;
    }

    /// <summary>[externally synchronized: backend] NULL is ignored.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void Destroy(QiboBackend* backend)
    {
        try
        {
            Handles.Release(backend)?.Dispose();
        }
        catch
        {
            // Nothing to report through a void slot.
        }
    }

    /// <summary>[thread-safe] Fills the ABI 1.0 fields of the caller's info struct; an info struct smaller than ABI 1.0's is refused.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* GetInfo(QiboBackendGetInfoArgs* args) => Guard.Call(args, &GetInfoChecked);

    private static QiboError* GetInfoChecked(QiboBackendGetInfoArgs* args)
    {
        Check.Args(args, QiboBackendGetInfoArgs.V1_0, "backend_get_info");
        KitBackend backend = Handles.Backend(args->Backend, "backend_get_info: backend");
        QiboBackendInfo* info = args->Info;
        if (info == null) throw BackendFault.Invalid("backend_get_info: info is NULL");
        if (info->StructSize < QiboBackendInfo.V1_0)
            throw BackendFault.Invalid($"backend_get_info: info->struct_size {info->StructSize} is smaller than the ABI 1.0 size {QiboBackendInfo.V1_0}");
        backend.Fill(info);
        return null;
    }
}
