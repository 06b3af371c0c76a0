using System.Runtime.InteropServices;

namespace QiboAccel.Gpu.Native;

/// <summary>
/// Keeps OpenCL drivers from taking over the process's signal handlers. PoCL's LLVM installs its own SIGSEGV,
/// SIGBUS, SIGILL, SIGFPE, ... handlers when OpenCL initialises (and may when it compiles a kernel); they replace
/// the handlers of the .NET runtimes in the process (the host's, this library's, other NativeAOT backends'), which
/// turn faults such as null dereferences into exceptions: with LLVM's handlers a later NullReferenceException kills
/// the process instead.
/// <para>
/// <see cref="Protect"/> saves every handler (signals 1..64) before a driver call that may initialise such code and
/// restores, afterwards, each one that changed, unless the new handler belongs to a .NET runtime (a module exporting
/// coreclr_initialize, DotNetRuntimeDebugHeader, SystemNative_GetPid or mono_jit_init): another runtime installing
/// handlers on another thread at that moment (a backend starting, the host's first Process.Start) must keep them. The driver handler addresses replaced are remembered, and
/// <see cref="Repair"/> (called after each device synchronisation) puts back any signal found pointing at one of
/// them again, in case a driver thread compiled and installed them later.
/// </para>
/// </summary>
internal static unsafe class SignalGuard
{
    private const int MaxSignal = 64;
    private const int ActionSize = 256; // >= sizeof(struct sigaction) on every Linux libc (152 on glibc x86-64/arm64)

    private static readonly Lock Gate = new();
    private static readonly delegate* unmanaged<int, void*, void*, int> Sigaction = Resolve();
    private static readonly byte[]?[] Good = new byte[]?[MaxSignal + 1];
    private static readonly HashSet<nint> Foreign = [];
    private static readonly delegate* unmanaged<nint, DlInfo*, int> Dladdr = ResolveDladdr();
    private static readonly Dictionary<nint, bool> RuntimeModules = [];

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public nint FileName;
        public nint FileBase;
        public nint SymbolName;
        public nint SymbolAddress;
    }

    private static delegate* unmanaged<nint, DlInfo*, int> ResolveDladdr()
    {
        if (NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "dladdr", out nint address)) return (delegate* unmanaged<nint, DlInfo*, int>)address;
        if (NativeLibrary.TryLoad("libdl.so.2", out nint libdl) && NativeLibrary.TryGetExport(libdl, "dladdr", out address))
            return (delegate* unmanaged<nint, DlInfo*, int>)address;
        return null;
    }

    /// <summary>True when <paramref name="handler"/> is code of a .NET runtime (CoreCLR, NativeAOT, Mono). Call under Gate.</summary>
    private static bool IsRuntimeHandler(nint handler)
    {
        if (Dladdr == null) return false;
        DlInfo info;
        if (Dladdr(handler, &info) == 0) return false;
        if (RuntimeModules.TryGetValue(info.FileBase, out bool known)) return known;
        bool runtime = false;
        string? path = info.FileName == 0 ? null : Marshal.PtrToStringUTF8(info.FileName);
        nint module = 0;
        if (string.IsNullOrEmpty(path) || path == Environment.ProcessPath) module = NativeLibrary.GetMainProgramHandle();
        else NativeLibrary.TryLoad(path, out module);
        if (module != 0)
        {
            // libSystem.Native (CoreCLR's PAL for System.Diagnostics.Process, Console, ...) installs SIGCHLD, SIGINT,
            // SIGCONT... lazily, e.g. on the first Process.Start; clobbering its SIGCHLD handler leaves children unreaped.
            runtime = NativeLibrary.TryGetExport(module, "coreclr_initialize", out _)
                || NativeLibrary.TryGetExport(module, "DotNetRuntimeDebugHeader", out _)
                || NativeLibrary.TryGetExport(module, "SystemNative_GetPid", out _)
                || NativeLibrary.TryGetExport(module, "mono_jit_init", out _);
        }
        RuntimeModules[info.FileBase] = runtime;
        return runtime;
    }

    private static delegate* unmanaged<int, void*, void*, int> Resolve()
    {
        nint self = NativeLibrary.GetMainProgramHandle();
        if (NativeLibrary.TryGetExport(self, "sigaction", out nint address)) return (delegate* unmanaged<int, void*, void*, int>)address;
        if (NativeLibrary.TryLoad("libc.so.6", out nint libc) && NativeLibrary.TryGetExport(libc, "sigaction", out address))
            return (delegate* unmanaged<int, void*, void*, int>)address;
        return null;
    }

    /// <summary>True when sigaction was found (it always is on Linux).</summary>
    public static bool Available => Sigaction != null;

    /// <summary>Saves every handler; disposing the result restores those that changed.</summary>
    public static Scope Protect() => new(Snapshot());

    /// <summary>Restores any signal whose handler is one a driver installed earlier. Cheap: 64 sigaction calls.</summary>
    public static void Repair()
    {
        if (Sigaction == null) return;
        lock (Gate)
        {
            if (Foreign.Count == 0) return;
            byte* current = stackalloc byte[ActionSize];
            for (int sig = 1; sig <= MaxSignal; sig++)
            {
                byte[]? good = Good[sig];
                if (good == null) continue;
                new Span<byte>(current, ActionSize).Clear();
                if (Sigaction(sig, null, current) != 0) continue;
                if (Foreign.Contains(*(nint*)current))
                {
                    fixed (byte* g = good) Sigaction(sig, g, null);
                }
            }
        }
    }

    private static byte[]?[] Snapshot()
    {
        var saved = new byte[]?[MaxSignal + 1];
        if (Sigaction == null) return saved;
        for (int sig = 1; sig <= MaxSignal; sig++)
        {
            var action = new byte[ActionSize];
            fixed (byte* p = action)
            {
                if (Sigaction(sig, null, p) == 0) saved[sig] = action;
            }
        }
        return saved;
    }

    /// <summary>Restores the handlers saved by <see cref="Protect"/> that differ now.</summary>
    internal readonly struct Scope(byte[]?[] saved) : IDisposable
    {
        public void Dispose()
        {
            if (Sigaction == null || saved == null) return;
            lock (Gate)
            {
                byte* current = stackalloc byte[ActionSize];
                for (int sig = 1; sig <= MaxSignal; sig++)
                {
                    byte[]? before = saved[sig];
                    if (before == null) continue;
                    new Span<byte>(current, ActionSize).Clear();
                    if (Sigaction(sig, null, current) != 0) continue;
                    if (new ReadOnlySpan<byte>(current, ActionSize).SequenceEqual(before)) continue;
                    nint handler = *(nint*)current;
                    if (handler is not 0 and not 1) // not SIG_DFL / SIG_IGN
                    {
                        if (IsRuntimeHandler(handler)) continue; // another runtime started meanwhile: keep its handler
                        Foreign.Add(handler);
                    }
                    Good[sig] = before;
                    fixed (byte* p = before) Sigaction(sig, p, null);
                }
            }
        }
    }
}
