using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.Abi;

namespace QiboAccel.Cpu.Exports;

/// <summary>backend_create, backend_destroy, backend_get_info.</summary>
internal static unsafe class BackendExports
{
    /// <summary>[thread-safe] Parses the options ("threads=N", ...) and starts the worker threads.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* Create(QiboBackendCreateArgs* args)
    {
        try
        {
            Check.Args(args, "backend_create");
            args->Backend = null;
            string? options = Marshal.PtrToStringUTF8((nint)args->Options);
            var backend = new CpuBackend(BackendOptions.Parse(options));
            args->Backend = Handles.New(backend);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
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

    /// <summary>[thread-safe] Fills the ABI 1.0 fields of the caller's info struct.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static QiboError* GetInfo(QiboBackendGetInfoArgs* args)
    {
        try
        {
            Check.Args(args, "backend_get_info");
            CpuBackend backend = Handles.Backend(args->Backend, "backend_get_info: backend");
            QiboBackendInfo* info = args->Info;
            if (info == null) throw CpuException.Invalid("backend_get_info: info is NULL");
            if (info->StructSize < (nuint)sizeof(QiboBackendInfo))
                throw CpuException.Invalid($"backend_get_info: info->struct_size {info->StructSize} is smaller than the ABI 1.0 size {sizeof(QiboBackendInfo)}");
            backend.FillInfo(info);
            return null;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }
}
