using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using QiboAccel.Abi;

namespace QiboAccel.Cpu.Isa;

/// <summary>
/// Which build of the kernels runs. NativeAOT compiles for one instruction set, and AVX-512 cannot be enabled at run
/// time inside a library built for AVX2, so the backend ships as two libraries from the same sources:
/// libqibo_cpu.so (x86-64-v3, runs on any AVX2 machine; the one manifests name and the host loads) and, beside it,
/// libqibo_cpu_avx512.so (x86-64-v4). At qibo_backend_get_api the x86-64-v3 library loads its sibling and hands out
/// the sibling's function table when the CPU and the OS support AVX-512 (<see cref="Avx512Support"/>), unless
/// <c>QIBO_CPU_ISA=avx2</c> says to keep its own code. The choice is made once per process. Never loading the sibling
/// on a CPU without AVX-512 matters: its NativeAOT runtime would abort the process at start.
/// </summary>
internal static unsafe class KernelBuild
{
    /// <summary>File name of the x86-64-v4 build, looked for in the folder of this library.</summary>
    public const string SiblingName = "libqibo_cpu_avx512.so";

    /// <summary>Environment variable choosing the build: <c>auto</c> (default) or <c>avx2</c> (this library's code).</summary>
    public const string Variable = "QIBO_CPU_ISA";

    private static readonly object Gate = new();
    private static bool s_chosen;
    private static delegate* unmanaged[Cdecl]<QiboApiRequest*, QiboErrorCode> s_sibling;
    private static string? s_note;

    /// <summary>
    /// The instruction-set level this library was compiled for ("x86-64-v4", "x86-64-v3", ...): the IsSupported
    /// properties are compile-time constants under NativeAOT, so they describe the build, not the machine.
    /// </summary>
    public static string Level =>
        Avx512F.IsSupported && Avx512BW.IsSupported && Avx512CD.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported
            ? "x86-64-v4"
        : Avx2.IsSupported && Fma.IsSupported && Bmi2.IsSupported ? "x86-64-v3"
        : Sse42.IsSupported && Popcnt.IsSupported ? "x86-64-v2"
        : X86Base.IsSupported ? "x86-64"
        : RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    /// <summary>
    /// "x86-64-v4 build", or "x86-64-v3 build; " and why the AVX-512 build is not running (for the device line of
    /// backend_get_info, so that <c>qiboaccel backends --details</c> says which code runs).
    /// </summary>
    public static string Description
    {
        get
        {
            lock (Gate) return s_note is null ? $"{Level} build" : $"{Level} build; {s_note}";
        }
    }

    /// <summary>
    /// The sibling library's qibo_backend_get_api when it should answer instead of this library, else null (this
    /// library runs its own code). Decided on the first call; never throws.
    /// </summary>
    public static delegate* unmanaged[Cdecl]<QiboApiRequest*, QiboErrorCode> Sibling
    {
        get
        {
            lock (Gate)
            {
                if (!s_chosen)
                {
                    try
                    {
                        s_note = Choose(out s_sibling);
                    }
                    catch (Exception e)
                    {
                        s_sibling = null;
                        s_note = $"{SiblingName} not used: {e.Message}";
                    }
                    s_chosen = true;
                }
                return s_sibling;
            }
        }
    }

    /// <summary>
    /// Sets <paramref name="sibling"/> when the AVX-512 build should run; returns the note for the device line.
    /// </summary>
    private static string? Choose(out delegate* unmanaged[Cdecl]<QiboApiRequest*, QiboErrorCode> sibling)
    {
        sibling = null;
        // This library already has the AVX-512 kernels (it is the sibling, or was built with -p:IlcInstructionSet=native).
        if (Avx512F.IsSupported || Vector512.IsHardwareAccelerated) return null;
        if (!X86Base.IsSupported) return null; // other architectures have one build
        string setting = (Environment.GetEnvironmentVariable(Variable) ?? "").Trim().ToLowerInvariant();
        if (setting == "avx2") return $"{Variable}=avx2";
        if (setting is not ("" or "auto" or "avx512"))
            return $"{Variable}='{Clip(setting)}' is not auto, avx512 or avx2: the AVX2 code runs";
        if (Avx512Support.Missing() is string missing) return $"no AVX-512: {missing}";

        string? self = LibraryFile.Containing(
            (delegate* unmanaged[Cdecl]<QiboApiRequest*, QiboErrorCode>)&EntryPoint.GetApi);
        string? folder = Path.GetDirectoryName(self);
        if (self is null || folder is null) return $"cannot tell where this library lives to find {SiblingName}";
        string path = Path.Combine(folder, SiblingName);
        if (!File.Exists(path)) return $"{SiblingName} not found beside it";
        if (Path.GetFullPath(path) == self) return null; // this very file carries the sibling's name: loading it would recurse
        // The host judged this library's folder before loading it (see the README's trust model); the sibling in it
        // must not be replaceable by every user either.
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.OtherWrite) != 0)
            return $"{SiblingName} refused: writable by every user";
        DlError(); // binds dlerror now (binding it later would call dlsym and clear dlopen's reason) and clears old ones
        nint handle = DlOpen(path, RtldNow);
        if (handle == 0)
        {
            string reason = Marshal.PtrToStringUTF8(DlError()) ?? "dlopen failed";
            return $"{SiblingName} could not be loaded: {Clip(reason.ReplaceLineEndings(" "), 200)}";
        }
        if (!NativeLibrary.TryGetExport(handle, "qibo_backend_get_api", out nint entry))
            return $"{SiblingName} exports no qibo_backend_get_api";
        sibling = (delegate* unmanaged[Cdecl]<QiboApiRequest*, QiboErrorCode>)entry;
        return null;
    }

    // dlopen itself rather than NativeLibrary.Load: its reason (dlerror) is the message, without the runtime's wrapping.
    private const int RtldNow = 2;

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    private static extern nint DlOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc.so.6", EntryPoint = "dlerror")]
    private static extern nint DlError();

    private static string Clip(string text, int length = 20) => text.Length <= length ? text : text[..length] + "...";
}
