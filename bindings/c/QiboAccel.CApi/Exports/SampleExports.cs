using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.CApi.Interop;
using QiboAccel.Execution;

namespace QiboAccel.CApi.Exports;

/// <summary>qiboaccel_sample: shots from a distribution with the host's seeded random numbers and the ABI's rule.</summary>
internal static unsafe class SampleExports
{
    /// <summary>Random numbers drawn per chunk, so a million shots do not need a million doubles at once.</summary>
    private const int Chunk = 1 << 16;

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_sample", CallConvs = [typeof(CallConvCdecl)])]
    public static nint Sample(SampleArgs* args)
    {
        try
        {
            SampleArgs a = Marshalling.Read(args, "args");
            var probabilities = Marshalling.Span(a.Probabilities, a.NProbabilities, "args->probabilities");
            if (probabilities.IsEmpty) throw CApiException.Invalid("args->probabilities is empty");
            double sum = 0;
            for (int i = 0; i < probabilities.Length; i++)
            {
                double p = probabilities[i];
                if (!double.IsFinite(p) || p < 0) throw CApiException.Invalid($"args->probabilities[{i}] = {p} is not a finite number >= 0");
                sum += p;
            }
            if (!(sum > 0)) throw CApiException.Invalid("args->probabilities sum to 0");
            if (a.Shots > 0 && a.Outcomes == null && a.Counts == null) throw CApiException.Invalid("args->outcomes and args->counts are both NULL");
            if (a.Counts != null) new Span<ulong>(a.Counts, probabilities.Length).Clear();

            var randoms = new double[(int)Math.Min(a.Shots, Chunk)];
            var outcomes = new ulong[randoms.Length];
            for (ulong done = 0; done < a.Shots;)
            {
                int n = (int)Math.Min((ulong)randoms.Length, a.Shots - done);
                // Shot i draws the first number of its own stream, as a run's final sampling does (HostRandom).
                HostRandom.FillFirstDraws(a.Seed, (long)done, randoms.AsSpan(0, n));
                SamplingRule.Sample(probabilities, randoms.AsSpan(0, n), outcomes.AsSpan(0, n));
                for (int i = 0; i < n; i++)
                {
                    if (a.Outcomes != null) a.Outcomes[done + (ulong)i] = outcomes[i];
                    if (a.Counts != null) a.Counts[outcomes[i]]++;
                }
                done += (ulong)n;
            }
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }
}
