using System.Runtime.InteropServices;

namespace QiboAccel.Cpu.Threading;

/// <summary>
/// Runs the kernels with the SSE/AVX flush-to-zero and denormals-are-zero modes on (MXCSR bits FTZ and DAZ), through
/// glibc's fegetenv/fesetenv. Why: round-off residues of cancelling gates decay into the denormal range (complex64
/// states within a few layers), and every operation on a denormal costs a microcode assist of about 100 cycles. The
/// kernels used to zero small elements themselves after every gate (three vector operations per stored vector); the
/// hardware does it for free. The pool's own threads keep the mode for good;
/// a calling thread gets it only while it runs a job, and its own environment back afterwards (the host's code never
/// sees the mode). Where the environment cannot be set, the kernels still compute correctly, only denormals are slow.
/// </summary>
internal static unsafe class FlushToZero
{
    // glibc x86-64 fenv_t: the x87 environment (28 bytes) followed by MXCSR.
    private const int EnvBytes = 32, MxcsrOffset = 28;
    private const uint Ftz = 1u << 15, Daz = 1u << 6;

    private static bool s_unavailable = !OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64;

    /// <summary>The caller's floating-point environment, restored by <see cref="Restore"/>.</summary>
    public struct Saved
    {
        private fixed byte _env[EnvBytes];
        private bool _changed;

        internal void Capture()
        {
            fixed (byte* env = _env) _changed = TrySet(env);
        }

        internal readonly void Restore()
        {
            if (!_changed) return;
            fixed (byte* env = _env) fesetenv(env);
        }
    }

    /// <summary>Turns the mode on for the rest of this thread's life (the pool's worker threads).</summary>
    public static void EnableForThread()
    {
        byte* env = stackalloc byte[EnvBytes];
        TrySet(env);
    }

    /// <summary>Turns the mode on for the calling thread; <see cref="Saved.Restore"/> undoes it.</summary>
    public static Saved Enter()
    {
        var saved = new Saved();
        saved.Capture();
        return saved;
    }

    /// <summary>Stores the current environment in <paramref name="previous"/>, then sets FTZ and DAZ; false when
    /// nothing was changed (already on, or not available here).</summary>
    private static bool TrySet(byte* previous)
    {
        if (s_unavailable) return false;
        try
        {
            if (fegetenv(previous) != 0) return false;
            uint mxcsr = *(uint*)(previous + MxcsrOffset);
            if ((mxcsr & (Ftz | Daz)) == (Ftz | Daz)) return false;
            byte* wanted = stackalloc byte[EnvBytes];
            Buffer.MemoryCopy(previous, wanted, EnvBytes, EnvBytes);
            *(uint*)(wanted + MxcsrOffset) = mxcsr | Ftz | Daz;
            return fesetenv(wanted) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    [DllImport("libm.so.6")]
    private static extern int fegetenv(byte* env);

    [DllImport("libm.so.6")]
    private static extern int fesetenv(byte* env);
}
