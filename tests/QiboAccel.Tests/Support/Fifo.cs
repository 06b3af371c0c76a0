using System.Runtime.InteropServices;

namespace QiboAccel.Tests.Support;

/// <summary>Named pipes for the tests of inputs that are not regular files (opening one for reading blocks).</summary>
internal static class Fifo
{
    [DllImport("libc.so.6", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(byte[] path, uint mode);

    public static string Make(string path)
    {
        if (MkFifo(System.Text.Encoding.UTF8.GetBytes(path + "\0"), 0x180 /* 0600 */) != 0)
        {
            throw new IOException($"mkfifo {path} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        return path;
    }
}
