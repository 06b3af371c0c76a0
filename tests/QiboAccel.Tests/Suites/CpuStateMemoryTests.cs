using System.Numerics;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Suites;

/// <summary>
/// libqibo_cpu.so reuses a destroyed state's memory for the next state of the same size (state_cache) and allocates
/// large states with huge pages: a new state must still be exactly |0…0⟩ whatever the previous one held, in both
/// precisions and at sizes on both sides of the huge-page threshold (4 MiB), and states created and destroyed from
/// several threads at once must never share memory.
/// </summary>
public class CpuStateMemoryTests
{
    /// <summary>Amplitudes with no zero and no one, different for every (seed, index).</summary>
    private static Complex[] Noise(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new Complex[1 << n];
        for (int i = 0; i < a.Length; i++) a[i] = new Complex(rng.NextDouble() + 0.25, -rng.NextDouble() - 0.25);
        return a;
    }

    private static void AssertZeroState(IQuantumState state, string what)
    {
        var a = new Complex[1L << state.NQubits];
        state.GetAmplitudes(0, a);
        Assert.True(a[0] == Complex.One, $"{what}: amplitude 0 is {a[0]}, expected exactly 1");
        int firstWrong = Array.FindIndex(a, 1, x => x != Complex.Zero);
        Assert.True(firstWrong < 0, $"{what}: amplitude {firstWrong} is {(firstWrong < 0 ? default : a[firstWrong])}, expected exactly 0");
    }

    [Theory]
    [InlineData("", Precision.Double)]
    [InlineData("", Precision.Single)]
    [InlineData("state_cache=off,huge_pages=off", Precision.Double)]
    [InlineData("huge_pages=on", Precision.Double)]
    [InlineData("huge_pages=on,state_cache=off", Precision.Single)]
    [InlineData("threads=1", Precision.Single)]
    public void ANewStateIsZeroWhateverTheLastOneHeld(string options, Precision precision)
    {
        using var backend = TestBackends.Load("backends", "cpu.json", options);
        // 3 and 12 qubits: small buffers; 19 and 20: 8 MiB and more, huge-page buffers in both precisions.
        foreach (int n in new[] { 3, 12, 19, 20, 12, 19 })
        {
            for (int round = 0; round < 3; round++)
            {
                using (var state = backend.CreateState(n, precision))
                {
                    AssertZeroState(state, $"{n}-qubit {precision} state #{round} (options '{options}')");
                    state.SetAmplitudes(0, Noise(n, n * 10 + round));
                    // Reset overwrites the same memory: also exact.
                    state.Reset();
                    AssertZeroState(state, $"{n}-qubit {precision} state #{round} after reset");
                    state.SetAmplitudes(0, Noise(n, n * 10 + round + 100));
                }
            }
        }
    }

    [Fact]
    public void TwoLiveStatesOfOneSizeNeverShareMemory()
    {
        using var backend = TestBackends.Load("backends", "cpu.json");
        const int n = 19;
        var first = backend.CreateState(n);
        first.SetAmplitudes(0, Noise(n, 1));
        first.Dispose(); // its buffer goes to the cache
        using var a = backend.CreateState(n); // takes it
        using var b = backend.CreateState(n); // needs its own
        var noise = Noise(n, 2);
        a.SetAmplitudes(0, noise);
        AssertZeroState(b, "the second of two live states");
        var read = new Complex[1 << n];
        a.GetAmplitudes(0, read);
        Assert.True(read.AsSpan().SequenceEqual(noise), "the first state's amplitudes changed");
    }

    [Fact]
    public void StatesCreatedAndDestroyedFromManyThreadsStayTheirOwn()
    {
        using var backend = TestBackends.Load("backends", "cpu.json", "threads=2");
        int[] sizes = [10, 17, 19];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            try
            {
                for (int round = 0; round < 12; round++)
                {
                    int n = sizes[(t + round) % sizes.Length];
                    Precision precision = (t + round) % 4 == 3 ? Precision.Single : Precision.Double;
                    using var state = backend.CreateState(n, precision);
                    var a = new Complex[1 << n];
                    state.GetAmplitudes(0, a);
                    if (a[0] != Complex.One || Array.FindIndex(a, 1, x => x != Complex.Zero) >= 0)
                        failures.Enqueue($"thread {t} round {round}: a new {n}-qubit state is not |0…0⟩");
                    // A value only this thread and round writes; another live state sharing the memory would change it.
                    var mine = new Complex[1 << n];
                    Array.Fill(mine, new Complex(t + 1, round + 1));
                    state.SetAmplitudes(0, mine);
                    Thread.Yield();
                    state.GetAmplitudes(0, a);
                    if (!a.AsSpan().SequenceEqual(mine))
                        failures.Enqueue($"thread {t} round {round}: the {n}-qubit state's amplitudes were overwritten");
                }
            }
            catch (Exception e)
            {
                failures.Enqueue($"thread {t}: {e.Message}");
            }
        })).ToList();
        threads.ForEach(x => x.Start());
        threads.ForEach(x => x.Join());
        Assert.True(failures.IsEmpty, string.Join("; ", failures));
    }

    [Fact]
    public void BadMemoryOptionsAreOneLine()
    {
        var e = Assert.ThrowsAny<Exception>(() => TestBackends.Load("backends", "cpu.json", "state_cache=maybe"));
        Assert.Contains("state_cache must be on or off", e.Message);
        e = Assert.ThrowsAny<Exception>(() => TestBackends.Load("backends", "cpu.json", "huge_pages=sometimes"));
        Assert.Contains("huge_pages must be on or off", e.Message);
        using var auto = TestBackends.Load("backends", "cpu.json", "huge_pages=auto");
    }
}
