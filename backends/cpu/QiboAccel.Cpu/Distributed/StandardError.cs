using System.Runtime.InteropServices;
using System.Text;

namespace QiboAccel.Cpu.Distributed;

/// <summary>
/// Diagnostic lines to file descriptor 2 with write(2). Not System.Console: under mpirun a rank's stderr is a
/// pseudo-terminal, and the console would first send terminal set-up sequences that end up in the user's files.
/// </summary>
internal static unsafe class StandardError
{
    [DllImport("libc.so.6", EntryPoint = "write")]
    private static extern nint Write(int fd, byte* data, nint count);

    /// <summary>Writes <paramref name="line"/> and a newline.</summary>
    public static void WriteLine(string line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
        fixed (byte* b = bytes)
        {
            for (nint done = 0; done < bytes.Length;)
            {
                nint n = Write(2, b + done, bytes.Length - done);
                if (n <= 0) return;
                done += n;
            }
        }
    }
}
