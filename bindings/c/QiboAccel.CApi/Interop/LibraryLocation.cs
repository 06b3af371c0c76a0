using System.Runtime.InteropServices;

namespace QiboAccel.CApi.Interop;

/// <summary>
/// Where libqiboaccel.so lives. Backend discovery searches backends/ beside "the program" (AppContext.BaseDirectory);
/// inside a shared library NativeAOT answers with the host executable's folder (/usr/bin for python3), so this
/// library points its own runtime's base directory at its own folder once: build/lib → build/lib/backends and
/// build/backends, the same folders the native CLI in build/cli searches.
/// </summary>
internal static unsafe class LibraryLocation
{
    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public byte* FileName;
        public void* FileBase;
        public byte* SymbolName;
        public void* SymbolAddress;
    }

    private static readonly Lazy<string?> Folder = new(Find);

    /// <summary>The folder holding libqiboaccel.so, or null when the loader cannot tell.</summary>
    public static string? Directory => Folder.Value;

    /// <summary>Makes AppContext.BaseDirectory (read by discovery) this library's folder. Idempotent, never throws.</summary>
    public static void EnsureDiscoveryBase()
    {
        string? dir = Directory;
        if (dir is not null && AppContext.GetData("APP_CONTEXT_BASE_DIRECTORY") is null)
        {
            AppContext.SetData("APP_CONTEXT_BASE_DIRECTORY", dir.EndsWith('/') ? dir : dir + "/");
        }
    }

    private static string? Find()
    {
        try
        {
            if (!NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "dladdr", out nint dladdr)) return null;
            // Any address inside this library will do: one of its own exports.
            void* self = (delegate* unmanaged[Cdecl]<uint>)&Exports.ErrorExports.ApiVersion;
            DlInfo info;
            if (((delegate* unmanaged[Cdecl]<void*, DlInfo*, int>)dladdr)(self, &info) == 0 || info.FileName == null) return null;
            string path = Marshal.PtrToStringUTF8((nint)info.FileName)!;
            return Path.GetDirectoryName(Path.GetFullPath(path));
        }
        catch
        {
            return null;
        }
    }
}
