using System.Runtime.InteropServices;

namespace QiboAccel.BackendKit;

/// <summary>
/// Which shared object holds a piece of code, from the dynamic linker (dladdr). A backend uses it to find files
/// installed beside its own library (a manifest's extras, a helper library): the host never says where it loaded
/// the backend from.
/// </summary>
public static unsafe class LibraryFile
{
    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public byte* FileName;
        public void* Base;
        public byte* SymbolName;
        public void* SymbolAddress;
    }

    [DllImport("libc.so.6", EntryPoint = "dladdr")]
    private static extern int DlAddr(void* address, DlInfo* info);

    /// <summary>
    /// The absolute path of the shared object containing <paramref name="address"/> (pass the address of the
    /// library's exported entry point), or null when the dynamic linker cannot tell.
    /// </summary>
    public static string? Containing(void* address)
    {
        DlInfo info;
        if (DlAddr(address, &info) == 0 || info.FileName == null) return null;
        string? path = Marshal.PtrToStringUTF8((nint)info.FileName);
        return string.IsNullOrEmpty(path) ? null : Path.GetFullPath(path);
    }
}
