using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace QiboAccel.Safety;

/// <summary>
/// The few file-system questions .NET does not answer on Linux: what kind of file a path is (a FIFO or a device
/// must never be opened for reading: opening a FIFO blocks, /dev/zero never ends), who owns it, and whether other
/// users can write it. Files are opened non-blocking and checked through the open descriptor, so a path swapped
/// for a FIFO between the check and the open cannot block either.
/// </summary>
/// <remarks>Also compiled into libqibo_python.so (it must not depend on anything but the base library).</remarks>
internal static class UnixFile
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int ORdOnly = 0, ONoCtty = 0x100, ONonBlock = 0x800, OCloExec = 0x80000;

    [DllImport("libc.so.6", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatX(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport("libc.so.6", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc.so.6", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUid => GetEuid();

    /// <summary>What <c>statx</c> says about a file.</summary>
    /// <param name="Mode">st_mode: type and permission bits.</param>
    /// <param name="Uid">The owner.</param>
    /// <param name="Size">Size in bytes.</param>
    public readonly record struct Status(uint Mode, uint Uid, long Size)
    {
        /// <summary>A regular file.</summary>
        public bool IsRegular => (Mode & 0xF000) == 0x8000;

        /// <summary>A directory.</summary>
        public bool IsDirectory => (Mode & 0xF000) == 0x4000;

        /// <summary>The sticky bit: in a folder, only a file's owner may rename or delete it.</summary>
        public bool IsSticky => (Mode & 0x200) != 0;

        /// <summary>Other users may write it (o+w).</summary>
        public bool IsWorldWritable => (Mode & 0x2) != 0;

        /// <summary>"a directory", "a named pipe (FIFO)", "a character device"...</summary>
        public string Kind => (Mode & 0xF000) switch
        {
            0x8000 => "a regular file",
            0x4000 => "a directory",
            0x1000 => "a named pipe (FIFO)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            0xA000 => "a symbolic link",
            _ => "a special file",
        };
    }

    /// <summary>Status of <paramref name="path"/> (symbolic links followed); false with the errno when it cannot be read.</summary>
    public static bool TryStat(string path, out Status status, out int errno)
        => TryStat(AtFdCwd, Encoding.UTF8.GetBytes(path + "\0"), 0, out status, out errno);

    /// <summary>
    /// Opens a regular file for reading without blocking. Throws <see cref="FileNotFoundException"/>,
    /// <see cref="UnauthorizedAccessException"/> or <see cref="IOException"/> with a one-line message naming the path,
    /// in particular when it is a directory, a FIFO, a device or a socket.
    /// </summary>
    public static SafeFileHandle OpenRegular(string path, out Status status)
    {
        if (path.Contains('\0')) throw new IOException($"'{MessageText.Clip(path)}' is not a valid file name (it contains a NUL character)");
        int fd = Open(Encoding.UTF8.GetBytes(path + "\0"), ORdOnly | ONonBlock | OCloExec | ONoCtty);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            string what = $"'{MessageText.Clip(path)}'";
            throw errno switch
            {
                2 or 20 => new FileNotFoundException($"{what} does not exist", path),
                13 or 1 => new UnauthorizedAccessException($"{what} cannot be read: permission denied"),
                21 => new IOException($"{what} is a directory, not a file"),
                _ => new IOException($"{what} cannot be opened: {Marshal.GetPInvokeErrorMessage(errno)}"),
            };
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (!TryStat(fd, [0], AtEmptyPath, out status, out int statErrno))
        {
            handle.Dispose();
            throw new IOException($"'{MessageText.Clip(path)}' cannot be examined: {Marshal.GetPInvokeErrorMessage(statErrno)}");
        }
        if (!status.IsRegular)
        {
            handle.Dispose();
            throw new IOException($"'{MessageText.Clip(path)}' is {status.Kind}, not a regular file");
        }
        return handle;
    }

    /// <summary>
    /// Why the file at <paramref name="path"/> (a library, a manifest) must not be trusted, or null when it may be:
    /// the file must belong to this user or to root and must not be writable by every user, and so must the folder
    /// holding it unless that folder is sticky like /tmp (then nobody else can replace the file) — otherwise another
    /// user could have put it there or could replace it. A symbolic link's target and its folder are checked too.
    /// Paths that do not exist give null (the caller reports those).
    /// </summary>
    public static string? Distrust(string path) => Distrust(path, EffectiveUid);

    /// <summary><see cref="Distrust(string)"/> as judged by user <paramref name="me"/> (tests judge as another user).</summary>
    internal static string? Distrust(string path, uint me)
    {
        if (!TryFullPath(path, out string full)) return null;
        var seen = new List<string>();
        string? reason = Check(full, "file", strict: true, seen, me) ?? Check(Path.GetDirectoryName(full), "folder", strict: false, seen, me);
        if (reason is not null) return reason;
        string? real = RealPath(full);
        return real is null || real == full ? null
            : Check(real, "file", strict: true, seen, me) ?? Check(Path.GetDirectoryName(real), "folder", strict: false, seen, me);
    }

    /// <summary>
    /// Why a folder whose every file is read (a manifest folder) must not be trusted, or null: it must belong to this
    /// user or root and must not be writable by every user, sticky or not (anyone could add a file to it); its parent
    /// may be writable by every user only when sticky.
    /// </summary>
    public static string? DistrustFolder(string folder) => DistrustFolder(folder, EffectiveUid);

    /// <summary><see cref="DistrustFolder(string)"/> as judged by user <paramref name="me"/>.</summary>
    internal static string? DistrustFolder(string folder, uint me)
    {
        if (!TryFullPath(folder, out string full)) return null;
        var seen = new List<string>();
        return Check(full, "folder", strict: true, seen, me) ?? Check(Path.GetDirectoryName(full), "folder", strict: false, seen, me);
    }

    private static bool TryFullPath(string path, out string full)
    {
        try
        {
            full = Path.GetFullPath(path);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            full = path;
            return false;
        }
    }

    /// <summary><paramref name="strict"/>: writable by every user is refused even with the sticky bit.</summary>
    private static string? Check(string? path, string kind, bool strict, List<string> seen, uint me)
    {
        if (string.IsNullOrEmpty(path) || seen.Contains(path)) return null;
        seen.Add(path);
        if (!TryStat(path, out Status s, out _)) return null;
        if (s.Uid != me && s.Uid != 0)
        {
            return $"the {kind} '{MessageText.Clip(path)}' belongs to user id {s.Uid}, not to you (user id {me}) or root";
        }
        if (s.IsWorldWritable && (strict || !s.IsSticky))
        {
            return $"the {kind} '{MessageText.Clip(path)}' is writable by every user";
        }
        return null;
    }

    private static string? RealPath(string path)
    {
        try
        {
            FileSystemInfo? target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? null : Path.GetFullPath(target.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static bool TryStat(int dirfd, byte[] path, int flags, out Status status, out int errno)
    {
        var buffer = new byte[256];
        if (StatX(dirfd, path, flags, StatxBasicStats, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            status = default;
            return false;
        }
        errno = 0;
        // struct statx: stx_uid at 20, stx_mode (16 bits) at 28, stx_size at 40 — the same on every Linux architecture.
        status = new Status(BitConverter.ToUInt16(buffer, 28), BitConverter.ToUInt32(buffer, 20),
            (long)Math.Min(BitConverter.ToUInt64(buffer, 40), long.MaxValue));
        return true;
    }
}
