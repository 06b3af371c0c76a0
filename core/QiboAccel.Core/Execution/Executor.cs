using System.Diagnostics;
using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;

namespace QiboAccel.Execution;

/// <summary>Runs circuits on any <see cref="IBackend"/>: lowering, batching, measurement, shots.</summary>
public static class Executor
{
    /// <summary>
    /// Runs <paramref name="circuit"/> and samples <paramref name="shots"/> shots. The same seed gives the same
    /// shots on every conforming backend. Circuits whose measurements are all final run once and are sampled;
    /// circuits with mid-circuit measurement, reset or <c>if</c> run once per shot.
    /// </summary>
    /// <param name="backend">The backend to run on.</param>
    /// <param name="circuit">The circuit.</param>
    /// <param name="shots">Number of shots (0: just the final state).</param>
    /// <param name="seed">Seed of the host random numbers; null picks one and reports it in the result.</param>
    /// <param name="precision">Amplitude precision.</param>
    /// <param name="returnState">Whether to copy the final state back into the result.</param>
    /// <param name="progress">Receives the fraction of shots done, for long runs.</param>
    public static ExecutionResult Execute(this IBackend backend, Circuit circuit, int shots = 0, ulong? seed = null,
        Precision precision = Precision.Double, bool returnState = true, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(circuit);
        if (shots < 0) throw new ArgumentOutOfRangeException(nameof(shots), shots, "shots must be 0 or more");
        BackendInfo info = backend.Info;
        CheckFits(info, circuit.NQubits, precision);

        ulong actualSeed = seed ?? HostRandom.NewSeed();
        var rng = new HostRandom(actualSeed);
        ExecutionPlan plan = ExecutionPlan.Create(circuit, info);
        using IQuantumState state = backend.CreateState(circuit.NQubits, precision);

        // Without measurements a shot reads every qubit, as qibo does.
        bool readAll = plan.MeasuredQubits.Length == 0;
        var counter = new OutcomeCounter(circuit, readAll ? [.. Enumerable.Range(0, circuit.NQubits)] : plan.MeasuredQubits);
        var simulation = new Stopwatch();
        var sampling = new Stopwatch();
        if (plan.IsTerminal)
        {
            simulation.Start();
            RunSteps(plan, state, rng, new byte[circuit.NClbits], new int[circuit.NQubits], circuit);
            simulation.Stop();
            if (shots > 0)
            {
                sampling.Start();
                SampleTerminal(plan, state, rng, shots, counter, circuit);
                sampling.Stop();
            }
        }
        else
        {
            int runs = Math.Max(shots, 1);
            var cbits = new byte[circuit.NClbits];
            var lastOutcome = new int[circuit.NQubits];
            long lastReport = 0;
            simulation.Start();
            for (int shot = 0; shot < runs; shot++)
            {
                if (shot > 0) state.Reset();
                Array.Clear(cbits);
                Array.Fill(lastOutcome, -1);
                RunSteps(plan, state, rng, cbits, lastOutcome, circuit);
                if (shots > 0 && readAll) ReadAllQubits(state, rng, lastOutcome);
                if (shots > 0) counter.Add(lastOutcome, cbits);
                if (progress is not null && simulation.ElapsedMilliseconds - lastReport > 500)
                {
                    lastReport = simulation.ElapsedMilliseconds;
                    progress.Report((shot + 1.0) / runs);
                }
            }
            simulation.Stop();
        }

        Complex[]? amplitudes = null;
        if (returnState)
        {
            amplitudes = new Complex[1L << circuit.NQubits];
            state.GetAmplitudes(0, amplitudes);
        }
        return new ExecutionResult
        {
            Backend = info.Name,
            NQubits = circuit.NQubits,
            Precision = precision,
            Shots = shots,
            Seed = actualSeed,
            State = amplitudes,
            SampledQubits = counter.Qubits,
            Frequencies = shots > 0 ? counter.Frequencies() : new Dictionary<string, int>(),
            RegisterFrequencies = shots > 0 ? counter.RegisterFrequencies() : new Dictionary<string, IReadOnlyDictionary<string, int>>(),
            SimulationSeconds = simulation.Elapsed.TotalSeconds,
            SamplingSeconds = sampling.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Throws a clear error when a state of <paramref name="nQubits"/> cannot exist on this backend or machine.</summary>
    public static void CheckFits(BackendInfo info, int nQubits, Precision precision)
    {
        if (!info.Precisions.Contains(precision))
        {
            throw new BackendException(QiboErrorCode.Unsupported,
                $"backend '{info.Name}' does not support {precision.Name()} precision (it offers: {string.Join(", ", info.Precisions.Select(p => p.Name()))})");
        }
        if (nQubits > info.MaxQubits)
        {
            throw new BackendException(QiboErrorCode.Unsupported,
                $"{nQubits} qubits is too many for backend '{info.Name}' (at most {info.MaxQubits})");
        }
        double bytes = Math.Pow(2, nQubits) * precision.BytesPerAmplitude();
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
        {
            throw new BackendException(QiboErrorCode.OutOfMemory,
                $"{nQubits} qubits need {FormatBytes(bytes)} for a {precision.Name()}-precision state; this machine has {FormatBytes(available)}");
        }
    }

    private static string FormatBytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int u = 0;
        while (bytes >= 1024 && u < units.Length - 1)
        {
            bytes /= 1024;
            u++;
        }
        return $"{bytes:0.#} {units[u]}";
    }

    private static void RunSteps(ExecutionPlan plan, IQuantumState state, HostRandom rng, byte[] cbits, int[] lastOutcome, Circuit circuit)
    {
        foreach (ExecutionPlan.Step step in plan.Steps) RunStep(step, state, rng, cbits, lastOutcome, circuit);
    }

    private static void RunStep(ExecutionPlan.Step step, IQuantumState state, HostRandom rng, byte[] cbits, int[] lastOutcome, Circuit circuit)
    {
        switch (step)
        {
            case ExecutionPlan.BatchStep b:
            {
                int n = b.Slots.Length;
                Span<double> randoms = n <= 64 ? stackalloc double[n] : new double[n];
                Span<byte> outcomes = n <= 64 ? stackalloc byte[n] : new byte[n];
                rng.Fill(randoms);
                Apply(state, b.Batch, randoms, outcomes, circuit);
                for (int i = 0; i < n; i++)
                {
                    cbits[b.Slots[i].Cbit] = outcomes[i];
                    lastOutcome[b.Slots[i].Qubit] = outcomes[i];
                }
                break;
            }
            case ExecutionPlan.ResetStep r:
            {
                Span<double> random = [rng.NextDouble()];
                Span<byte> outcome = [0];
                Apply(state, r.Measure, random, outcome, circuit);
                if (outcome[0] == 1) Apply(state, r.Flip, default, default, circuit);
                break;
            }
            case ExecutionPlan.ConditionalStep c:
                if (RegisterValue(cbits, c.Register) == c.Value) RunStep(c.Body, state, rng, cbits, lastOutcome, circuit);
                break;
        }
    }

    private static void Apply(IQuantumState state, OpBatch batch, ReadOnlySpan<double> randoms, Span<byte> cbits, Circuit circuit)
    {
        try
        {
            state.Apply(batch, randoms, cbits);
        }
        catch (BackendException e) when (e.OpIndex >= 0 && e.OpIndex < batch.Count && batch.SourceIndices[(int)e.OpIndex] >= 0)
        {
            int source = batch.SourceIndices[(int)e.OpIndex];
            throw new BackendException(e.Code, $"operation #{source} ({circuit.Operations[source]}): {e.Message}", source, e);
        }
    }

    private static void ReadAllQubits(IQuantumState state, HostRandom rng, int[] bitOfQubit)
    {
        int n = bitOfQubit.Length;
        int[] all = [.. Enumerable.Range(0, n)];
        Span<ulong> outcome = [0];
        state.Sample(all, [rng.NextDouble()], outcome);
        for (int q = 0; q < n; q++) bitOfQubit[q] = (int)((outcome[0] >> (n - 1 - q)) & 1);
    }

    private static long RegisterValue(byte[] cbits, ClassicalRegister register)
    {
        long value = 0;
        for (int i = 0; i < register.Size; i++) value |= (long)cbits[register.Offset + i] << i;
        return value;
    }

    private static void SampleTerminal(ExecutionPlan plan, IQuantumState state, HostRandom rng, int shots, OutcomeCounter counter, Circuit circuit)
    {
        int[] qubits = [.. counter.Qubits];
        var randoms = new double[shots];
        rng.Fill(randoms);
        var outcomes = new ulong[shots];
        state.Sample(qubits, randoms, outcomes);
        var position = new Dictionary<int, int>();
        for (int i = 0; i < qubits.Length; i++) position[qubits[i]] = i;
        var bits = new int[circuit.NQubits];
        var cbits = new byte[circuit.NClbits];
        foreach (ulong outcome in outcomes)
        {
            for (int i = 0; i < qubits.Length; i++) bits[qubits[i]] = (int)((outcome >> (qubits.Length - 1 - i)) & 1);
            foreach (var (q, c) in plan.TerminalMeasurements) cbits[c] = (byte)bits[q];
            counter.Add(bits, cbits);
        }
    }
}
