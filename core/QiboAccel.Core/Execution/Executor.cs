using System.Diagnostics;
using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Safety;

namespace QiboAccel.Execution;

/// <summary>Runs circuits on any <see cref="IBackend"/>: lowering, batching, measurement, shots.</summary>
public static class Executor
{
    /// <summary>
    /// Runs <paramref name="circuit"/> and samples <paramref name="shots"/> shots. The same seed gives the same
    /// shots on every conforming backend: shot s draws its host random numbers from its own stream
    /// (<see cref="HostRandom.ForShot"/>). Circuits whose measurements are all final run once and each shot samples the
    /// final state. On a state vector, circuits with mid-circuit measurement, reset, <c>if</c> or noise channels run once
    /// for all shots, which split among the outcomes (<see cref="ShotExecution.Branching"/>), or once per shot
    /// (<see cref="ShotExecution.PerShot"/>), with the same shots.
    /// </summary>
    /// <param name="backend">The backend to run on.</param>
    /// <param name="circuit">The circuit.</param>
    /// <param name="shots">Number of shots (0: just the final state).</param>
    /// <param name="seed">Seed of the host random numbers; null picks one and reports it in the result.</param>
    /// <param name="precision">Amplitude precision.</param>
    /// <param name="returnState">Whether to copy the final state back into the result.</param>
    /// <param name="progress">Receives the fraction of shots done, for long runs.</param>
    /// <param name="densityMatrix">
    /// Simulate the density matrix instead of a state vector (vectorised on 2n qubits, see <see cref="ExecutionResult.DensityMatrix"/>):
    /// noise channels are then exact. With mid-circuit measurement or <c>if</c>, the density matrix runs once per shot and
    /// each measurement collapses it (the result holds the last shot's ρ).
    /// </param>
    /// <param name="noise">A noise model whose channels are inserted into the circuit first (<see cref="Noise.NoiseModel.Apply"/>).</param>
    /// <param name="execution">
    /// How a state vector with mid-circuit measurement, reset, <c>if</c> or noise runs its shots: branching (once for all
    /// shots, splitting them among the outcomes) or once per shot. Both give the same shots for the same seed.
    /// </param>
    /// <param name="initialState">
    /// Amplitudes of the initial state (2^n entries, norm 1) instead of |0…0⟩; with a density matrix, ρ starts as |ψ⟩⟨ψ|,
    /// or, given 4^n entries, as that density matrix (row-major, Hermitian, trace 1; positivity is not checked).
    /// </param>
    /// <remarks>
    /// On a state vector, noise channels are sampled as quantum trajectories, one per shot (shots split among the Kraus
    /// operators they pick, reproducibly from the seed); with <paramref name="shots"/> = 0 one trajectory is run.
    /// Final measurements (nothing acts on the qubit afterwards) are sampled, not applied: the returned state is the one
    /// before them.
    /// </remarks>
    public static ExecutionResult Execute(this IBackend backend, Circuit circuit, int shots = 0, ulong? seed = null,
        Precision precision = Precision.Double, bool returnState = true, IProgress<double>? progress = null,
        bool densityMatrix = false, Noise.NoiseModel? noise = null, ReadOnlySpan<Complex> initialState = default,
        ShotExecution execution = ShotExecution.Branching)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(circuit);
        if (shots < 0) throw new ArgumentOutOfRangeException(nameof(shots), shots, "shots must be 0 or more");
        InputLimits.Shots.Check(shots, $"{shots} shots were asked for");
        if (circuit.IsParametrized) throw Unbound(circuit);
        CheckCircuitLimits(circuit);
        if (noise is not null) circuit = noise.Apply(circuit);
        BackendInfo info = backend.Info;
        if (densityMatrix)
        {
            Complex[]? start = initialState.IsEmpty ? null
                : initialState.Length == 1L << (2 * circuit.NQubits) && circuit.NQubits > 0 ? CheckInitialDensityMatrix(initialState, circuit.NQubits)
                : CheckInitialState(initialState, circuit.NQubits);
            return ExecuteDensityMatrix(backend, circuit, shots, seed, precision, returnState, start);
        }
        Complex[]? initial = initialState.IsEmpty ? null : CheckInitialState(initialState, circuit.NQubits);
        CheckFits(info, circuit.NQubits, precision);
        double planning = (double)circuit.Operations.Count * BytesPerPlannedOperation;
        // The message is built only when it may be needed: formatting it costs more than running a small circuit.
        if (planning > HostMemory.UncheckedBytes)
            HostMemory.Require(planning, $"planning {circuit.Operations.Count} operations needs about {HostMemory.Format(planning)}");
        ExecutionPlan plan = ExecutionPlan.Create(circuit, info);

        int[] sampled = SampledQubits(plan.MeasuredQubits, circuit.NQubits);
        CheckFits(info, circuit.NQubits, precision, StateVectorHostNeeds(circuit.NQubits, returnState, shots > 0 ? sampled.Length : 0));
        CheckCountingMemory(circuit, sampled.Length, shots);

        using IQuantumState state = backend.CreateState(circuit.NQubits, precision);
        return Run(info, circuit, plan, state, shots, seed ?? HostRandom.NewSeed(), returnState, progress, initial, execution,
            () => backend.CreateState(circuit.NQubits, precision));
    }

    /// <summary>
    /// Runs a lowered <paramref name="plan"/> of <paramref name="circuit"/> on <paramref name="state"/>, which must be
    /// |0…0⟩ (or <paramref name="initial"/>) and is left holding the final state (the last shot's: with shot branching,
    /// that of the branch holding the highest shot index). <paramref name="createState"/> makes the extra states shot
    /// branching copies branches into (null: none, so every split is replayed). The caller has checked the limits and
    /// the memory.
    /// </summary>
    internal static ExecutionResult Run(BackendInfo info, Circuit circuit, ExecutionPlan plan, IQuantumState state, int shots, ulong actualSeed,
        bool returnState, IProgress<double>? progress, Complex[]? initial, ShotExecution execution = ShotExecution.Branching,
        Func<IQuantumState>? createState = null)
    {
        if (initial is not null) state.SetAmplitudes(0, initial);
        // A distributed backend's ranks each run this host, seeded alike only when the user gave a seed; its MEASURE and
        // sampling use rank 0's random numbers. Run per shot, the ranks make the same calls whatever their seeds (the
        // backend decides every outcome); branching would split by each rank's own numbers and the ranks would part.
        if (info.IsDistributed) execution = ShotExecution.PerShot;
        var final = new FinalSampling(plan, circuit.NQubits);
        var counter = new OutcomeCounter(circuit, SampledQubits(plan.MeasuredQubits, circuit.NQubits));
        var simulation = new Stopwatch();
        var sampling = new Stopwatch();
        if (plan.IsTerminal)
        {
            simulation.Start();
            foreach (ExecutionPlan.Step step in plan.Steps) Apply(state, ((ExecutionPlan.BatchStep)step).Batch, default, default, circuit);
            simulation.Stop();
            if (shots > 0)
            {
                sampling.Start();
                var counts = SampleInChunks(shots, actualSeed, (randoms, outcomes) => state.Sample(final.Qubits, randoms, outcomes));
                CountOutcomes(counts, final, counter, circuit);
                sampling.Stop();
            }
        }
        else if (execution == ShotExecution.PerShot || shots <= 1)
        {
            simulation.Start();
            RunPerShot(circuit, plan, state, shots, actualSeed, initial, final, counter, progress, simulation);
            simulation.Stop();
        }
        else
        {
            simulation.Start();
            ShotBranching.Run(circuit, plan, state, createState, actualSeed, shots, initial, final, counter, progress);
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
            Precision = state.Precision,
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

    /// <summary>One run of the plan per shot (one run without counting when <paramref name="shots"/> is 0), shot s drawing from its own stream.</summary>
    private static void RunPerShot(Circuit circuit, ExecutionPlan plan, IQuantumState state, int shots, ulong seed, Complex[]? initial,
        FinalSampling final, OutcomeCounter counter, IProgress<double>? progress, Stopwatch clock)
    {
        int runs = Math.Max(shots, 1);
        var cbits = new byte[circuit.NClbits];
        var lastOutcome = new int[circuit.NQubits];
        Span<ulong> outcome = [0];
        long lastReport = 0;
        for (int shot = 0; shot < runs; shot++)
        {
            HostRandom rng = StartShot(state, shot, initial, cbits, lastOutcome, seed);
            foreach (ExecutionPlan.Step step in plan.Steps) RunStep(step, state, rng, cbits, lastOutcome, circuit);
            if (shots == 0) continue;
            if (final.Qubits.Length > 0)
            {
                state.Sample(final.Qubits, [rng.NextDouble()], outcome);
                final.Assign(outcome[0], lastOutcome, cbits);
            }
            counter.Add(lastOutcome, cbits);
            if (progress is not null && clock.ElapsedMilliseconds - lastReport > 500)
            {
                lastReport = clock.ElapsedMilliseconds;
                progress.Report((shot + 1.0) / runs);
            }
        }
    }

    /// <summary>The qubits a shot reads: the measured ones or, in a circuit without measurements, every qubit (as qibo does).</summary>
    private static int[] SampledQubits(int[] measured, int nQubits) => measured.Length == 0 ? [.. Enumerable.Range(0, nQubits)] : measured;

    /// <summary>The error for running a circuit whose symbolic parameters have no values.</summary>
    internal static ArgumentException Unbound(Circuit circuit) =>
        new($"the circuit has symbolic parameters ({string.Join(", ", circuit.Parameters.Select(p => p.Name))}) without values: bind them (Circuit.Bind), or run a sweep or a gradient");

    /// <summary>Rough host memory per planned operation (the circuit's objects, the lowered records and their side tables).</summary>
    internal const int BytesPerPlannedOperation = 1024;

    /// <summary>Throws a clear error when a state of <paramref name="nQubits"/> cannot exist on this backend or machine.</summary>
    public static void CheckFits(BackendInfo info, int nQubits, Precision precision) => CheckFits(info, nQubits, precision, []);

    /// <summary>
    /// <see cref="CheckFits(BackendInfo, int, Precision)"/> counting the host's own buffers as well (the copy of the
    /// state, the sampling distribution): all of them must fit in the memory available now (not the machine's total).
    /// </summary>
    internal static void CheckFits(BackendInfo info, int nQubits, Precision precision, IReadOnlyList<HostBuffer> host,
        long? available = null)
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
        // A distributed backend holds only its share of the state on each rank and checks that share itself.
        if (info.IsDistributed) bytes = 0;
        CheckMemory($"{nQubits} qubits", bytes, $"for a {precision.Name()}-precision state", host, available);
    }

    /// <summary>
    /// Throws a clear error when a density matrix of <paramref name="nQubits"/> qubits (a vector of 2n qubits,
    /// 4^n amplitudes) cannot exist on this backend or machine.
    /// </summary>
    public static void CheckFitsDensityMatrix(BackendInfo info, int nQubits, Precision precision)
        => CheckFitsDensityMatrix(info, nQubits, precision, DensityMatrixHostNeeds(nQubits, 0));

    /// <summary><see cref="CheckFitsDensityMatrix(BackendInfo, int, Precision)"/> with the host's buffers given.</summary>
    internal static void CheckFitsDensityMatrix(BackendInfo info, int nQubits, Precision precision, IReadOnlyList<HostBuffer> host,
        long? available = null)
    {
        if (!info.Precisions.Contains(precision)) CheckFits(info, 1, precision);
        if (2 * nQubits > info.MaxQubits)
        {
            throw new BackendException(QiboErrorCode.Unsupported,
                $"a density matrix of {nQubits} qubits is simulated as a state of {2 * nQubits} qubits: too many for backend '{info.Name}' (at most {info.MaxQubits} qubits, so density matrices of at most {info.MaxQubits / 2} qubits)");
        }
        double bytes = Math.Pow(4, nQubits) * precision.BytesPerAmplitude();
        if (info.IsDistributed) bytes = 0;
        CheckMemory($"a density matrix of {nQubits} qubits", bytes, $"on the backend ({precision.BytesPerAmplitude()}·4^{nQubits} bytes)", host, available);
    }

    /// <summary>The host's buffers for a state-vector run: the copy of the state (and its probabilities) and the sampling distribution.</summary>
    internal static IReadOnlyList<HostBuffer> StateVectorHostNeeds(int nQubits, bool returnState, int sampledQubits)
    {
        var needs = new List<HostBuffer>();
        if (returnState) needs.Add(new(Math.Pow(2, nQubits) * 24, "the host's copy of the state and its probabilities", Math.Pow(2, nQubits)));
        // Backends with a sample slot build the distribution in their own (native) memory: no .NET array length applies.
        if (sampledQubits > 0) needs.Add(new(Math.Pow(2, sampledQubits) * 8, $"the distribution of the {sampledQubits} sampled qubits", 0));
        return needs;
    }

    /// <summary>The host's buffers for a density-matrix run: its complex128 copy of ρ, the diagonal, and the sampling distribution.</summary>
    internal static IReadOnlyList<HostBuffer> DensityMatrixHostNeeds(int nQubits, int sampledQubits)
    {
        var needs = new List<HostBuffer>
        {
            new(Math.Pow(4, nQubits) * 16 + Math.Pow(2, nQubits) * 16, "the host's complex128 copy of it and its diagonal", Math.Pow(4, nQubits)),
        };
        if (sampledQubits > 0) needs.Add(new(Math.Pow(2, sampledQubits) * 8, $"the distribution of the {sampledQubits} sampled qubits", Math.Pow(2, sampledQubits)));
        return needs;
    }

    private static void CheckMemory(string subject, double backendBytes, string backendWhat, IReadOnlyList<HostBuffer> host, long? available)
    {
        double total = backendBytes + host.Sum(h => h.Bytes);
        // A small request passes unchecked (HostMemory.Require): skip building its message too.
        if (available is null && total <= HostMemory.UncheckedBytes && host.All(h => h.Length <= Array.MaxLength)) return;
        string parts = string.Join(" + ", new[] { $"{HostMemory.Format(backendBytes)} {backendWhat}" }
            .Concat(host.Select(h => $"{HostMemory.Format(h.Bytes)} for {h.What}")));
        string needs = $"{subject} need{(subject.StartsWith("a ", StringComparison.Ordinal) ? "s" : "")} {HostMemory.Format(total)} ({parts})";
        try
        {
            if (available is { } a) HostMemory.Require(total, needs, a);
            else HostMemory.Require(total, needs);
        }
        catch (InsufficientMemoryException e)
        {
            throw new BackendException(QiboErrorCode.OutOfMemory, e.Message, inner: e);
        }
        // Even with the memory, one .NET array holds at most Array.MaxLength elements.
        foreach (HostBuffer h in host)
        {
            if (h.Length > Array.MaxLength)
            {
                throw new BackendException(QiboErrorCode.OutOfMemory, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{subject}: {h.What} would need an array of {h.Length:0} elements; a .NET array holds at most {Array.MaxLength}"));
            }
        }
    }

    /// <summary>A buffer the host allocates for a run: its size, what it is for, and its length as one array.</summary>
    internal readonly record struct HostBuffer(double Bytes, string What, double Length);

    /// <summary>Limits that circuits built in code (not parsed) must respect too.</summary>
    private static void CheckCircuitLimits(Circuit circuit)
    {
        if (circuit.NQubits > InputLimits.Qubits.Value) throw InputLimits.Qubits.Exceeded($"the circuit has {circuit.NQubits} qubits");
        if (circuit.NClbits > InputLimits.ClassicalBits.Value) throw InputLimits.ClassicalBits.Exceeded($"the circuit has {circuit.NClbits} classical bits");
        if (circuit.Operations.Count > InputLimits.Operations.Value)
            throw InputLimits.Operations.Exceeded($"the circuit has {circuit.Operations.Count} operations");
    }

    /// <summary>
    /// The counts of distinct outcomes live as strings: at most min(shots, 2^bits) of them, each as long as the
    /// sampled qubits plus every classical register. Refused up front when even that bound cannot fit.
    /// </summary>
    private static void CheckCountingMemory(Circuit circuit, int sampledQubits, int shots)
    {
        if (shots == 0) return;
        int bits = sampledQubits + circuit.NClbits;
        double distinct = Math.Min(shots, Math.Pow(2, Math.Min(bits, 62)));
        double bytes = distinct * (2.0 * bits + 64.0 * (1 + circuit.ClassicalRegisters.Count));
        if (bytes < 64 << 20) return;
        HostMemory.Require(bytes, $"counting {shots} shots over {sampledQubits} qubits and {circuit.NClbits} classical bits may need {HostMemory.Format(bytes)}");
    }

    private static Complex[] CheckInitialState(ReadOnlySpan<Complex> amplitudes, int nQubits)
    {
        long expected = 1L << nQubits;
        if (amplitudes.Length != expected)
        {
            throw new ArgumentException($"initial state: {amplitudes.Length} amplitudes given, a state of {nQubits} qubit(s) has {expected}");
        }
        double norm = 0;
        foreach (Complex a in amplitudes)
        {
            if (!double.IsFinite(a.Real) || !double.IsFinite(a.Imaginary)) throw new ArgumentException("initial state: an amplitude is not a finite number");
            norm += a.Real * a.Real + a.Imaginary * a.Imaginary;
        }
        if (Math.Abs(norm - 1) > 1e-8)
        {
            throw new ArgumentException($"initial state: the squared norm is {norm.ToString("G10", System.Globalization.CultureInfo.InvariantCulture)}, not 1 (normalise the amplitudes)");
        }
        return amplitudes.ToArray();
    }

    private static Complex[] CheckInitialDensityMatrix(ReadOnlySpan<Complex> rho, int nQubits)
    {
        long dim = 1L << nQubits;
        Complex trace = 0;
        double worst = 0;
        for (long i = 0; i < dim; i++)
        {
            trace += rho[(int)(i * dim + i)];
            for (long j = 0; j < dim; j++)
            {
                worst = Math.Max(worst, (rho[(int)(i * dim + j)] - Complex.Conjugate(rho[(int)(j * dim + i)])).Magnitude);
            }
        }
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (worst > 1e-8) throw new ArgumentException($"initial density matrix: not Hermitian (|ρ[i,j] − conj(ρ[j,i])| up to {worst.ToString("G6", inv)})");
        if ((trace - 1).Magnitude > 1e-8) throw new ArgumentException($"initial density matrix: the trace is {trace.Real.ToString("G10", inv)}, not 1");
        // The vectorised index (i << n) | j is exactly row-major order.
        return rho.ToArray();
    }

    private static ExecutionResult ExecuteDensityMatrix(IBackend backend, Circuit circuit, int shots, ulong? seed, Precision precision,
        bool returnState, Complex[]? initial)
    {
        BackendInfo info = backend.Info;
        int n = circuit.NQubits;
        CheckFitsDensityMatrix(info, n, precision);
        HostMemory.Require((double)circuit.Operations.Count * BytesPerPlannedOperation * 2,
            $"planning {circuit.Operations.Count} operations on a density matrix needs about {HostMemory.Format((double)circuit.Operations.Count * BytesPerPlannedOperation * 2)}");
        ulong actualSeed = seed ?? HostRandom.NewSeed();
        DensityMatrixPlan plan = DensityMatrixPlan.Create(circuit, info);
        int sampledCount = shots == 0 ? 0 : SampledQubits(plan.MeasuredQubits, n).Length;
        CheckFitsDensityMatrix(info, n, precision, DensityMatrixHostNeeds(n, sampledCount));
        CheckCountingMemory(circuit, sampledCount, shots);
        using IQuantumState state = backend.CreateState(2 * n, precision);
        long dim = 1L << n;
        Complex[]? start = null;
        if (initial is not null && initial.Length == dim * dim && dim > 1)
        {
            start = initial;
            state.SetAmplitudes(0, start);
        }
        else if (initial is not null)
        {
            var rho = new Complex[dim * dim];
            for (long i = 0; i < dim; i++)
            for (long j = 0; j < dim; j++)
                rho[(i << n) | j] = initial[i] * Complex.Conjugate(initial[j]);
            start = rho;
            state.SetAmplitudes(0, start);
        }

        bool readAll = plan.MeasuredQubits.Length == 0;
        var counter = new OutcomeCounter(circuit, SampledQubits(plan.MeasuredQubits, n));
        var simulation = new Stopwatch();
        var sampling = new Stopwatch();
        var vector = new Complex[dim * dim];
        double[] diagonal;
        if (plan.IsTerminal)
        {
            simulation.Start();
            foreach (DensityMatrixPlan.Step step in plan.Steps) RunDensityStep(step, state, null, [], [], circuit);
            state.GetAmplitudes(0, vector);
            simulation.Stop();
            diagonal = Diagonal(vector, n);
            if (shots > 0)
            {
                sampling.Start();
                int[] qubits = [.. counter.Qubits];
                double[] marginal = Marginal(diagonal, n, qubits);
                var counts = SampleInChunks(shots, actualSeed, (randoms, outcomes) => SamplingRule.Sample(marginal, randoms, outcomes));
                CountOutcomes(counts, qubits, plan.TerminalMeasurements, counter, circuit);
                sampling.Stop();
            }
        }
        else
        {
            // Mid-circuit measurement or if: one run per shot, each measurement collapsing ρ; shot s draws from its own stream.
            int runs = Math.Max(shots, 1);
            var cbits = new byte[circuit.NClbits];
            var lastOutcome = new int[n];
            int[] all = [.. Enumerable.Range(0, n)];
            simulation.Start();
            for (int shot = 0; shot < runs; shot++)
            {
                HostRandom rng = StartShot(state, shot, start, cbits, lastOutcome, actualSeed);
                foreach (DensityMatrixPlan.Step step in plan.Steps) RunDensityStep(step, state, rng, cbits, lastOutcome, circuit);
                if (shots > 0 && readAll)
                {
                    var outcomes = new ulong[1];
                    SamplingRule.Sample(Marginal(ReadDiagonal(state, n), n, all), [rng.NextDouble()], outcomes);
                    ulong outcome = outcomes[0];
                    for (int q = 0; q < n; q++) lastOutcome[q] = (int)((outcome >> (n - 1 - q)) & 1);
                }
                if (shots > 0) counter.Add(lastOutcome, cbits);
            }
            state.GetAmplitudes(0, vector);
            simulation.Stop();
            diagonal = Diagonal(vector, n);
        }
        double purity = 0;
        foreach (Complex z in vector) purity += z.Real * z.Real + z.Imaginary * z.Imaginary;

        return new ExecutionResult
        {
            Backend = info.Name,
            NQubits = n,
            Precision = precision,
            Shots = shots,
            Seed = actualSeed,
            State = null,
            IsDensityMatrix = true,
            DensityMatrix = returnState ? vector : null,
            DiagonalProbabilities = diagonal,
            Purity = purity,
            SampledQubits = counter.Qubits,
            Frequencies = shots > 0 ? counter.Frequencies() : new Dictionary<string, int>(),
            RegisterFrequencies = shots > 0 ? counter.RegisterFrequencies() : new Dictionary<string, IReadOnlyDictionary<string, int>>(),
            SimulationSeconds = simulation.Elapsed.TotalSeconds,
            SamplingSeconds = sampling.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Puts a per-shot run back at its start (after the first shot the state is reset, or set to the initial amplitudes
    /// or ρ), clears the classical bits and last outcomes, and returns the shot's own random stream.
    /// </summary>
    private static HostRandom StartShot(IQuantumState state, int shot, Complex[]? initial, byte[] cbits, int[] lastOutcome, ulong seed)
    {
        if (shot > 0)
        {
            if (initial is null) state.Reset();
            else state.SetAmplitudes(0, initial);
        }
        Array.Clear(cbits);
        Array.Fill(lastOutcome, -1);
        return HostRandom.ForShot(seed, shot);
    }

    private static void RunDensityStep(DensityMatrixPlan.Step step, IQuantumState state, HostRandom? rng, byte[] cbits, int[] lastOutcome, Circuit circuit)
    {
        int n = circuit.NQubits;
        switch (step)
        {
            case DensityMatrixPlan.BatchStep b:
                Apply(state, b.Batch, default, default, circuit);
                break;
            case DensityMatrixPlan.MeasureStep m:
            {
                double[] diagonal = ReadDiagonal(state, n);
                double p0 = 0, total = 0;
                for (int i = 0; i < diagonal.Length; i++)
                {
                    double p = Math.Max(0, diagonal[i]);
                    total += p;
                    if (((i >> (n - 1 - m.Qubit)) & 1) == 0) p0 += p;
                }
                p0 = total > 0 ? p0 / total : 1;
                int outcome = rng!.NextDouble() >= p0 ? 1 : 0;
                double probability = outcome == 0 ? p0 : 1 - p0;
                Apply(state, DensityMatrixPlan.Projection(n, m.Qubit, outcome, probability, m.Source), default, default, circuit);
                cbits[m.Cbit] = (byte)outcome;
                lastOutcome[m.Qubit] = outcome;
                break;
            }
            case DensityMatrixPlan.ConditionalStep c:
                if (RegisterEquals(cbits, c.Register, c.Value)) RunDensityStep(c.Body, state, rng, cbits, lastOutcome, circuit);
                break;
        }
    }

    /// <summary>ρ[i, i] for every i, read from the vectorised state one entry at a time.</summary>
    private static double[] ReadDiagonal(IQuantumState state, int n)
    {
        long dim = 1L << n;
        var diagonal = new double[dim];
        Span<Complex> one = stackalloc Complex[1];
        for (long i = 0; i < dim; i++)
        {
            state.GetAmplitudes((i << n) | i, one);
            diagonal[i] = one[0].Real;
        }
        return diagonal;
    }

    private static double[] Diagonal(Complex[] vector, int n)
    {
        long dim = 1L << n;
        var diagonal = new double[dim];
        for (long i = 0; i < dim; i++) diagonal[i] = vector[(i << n) | i].Real;
        return diagonal;
    }

    /// <summary>The marginal of <paramref name="qubits"/> from the diagonal of ρ (first listed qubit most significant, the ABI's order).</summary>
    private static double[] Marginal(double[] diagonal, int n, int[] qubits)
    {
        var marginal = new double[1L << qubits.Length];
        for (long index = 0; index < diagonal.Length; index++)
        {
            long outcome = 0;
            foreach (int q in qubits) outcome = (outcome << 1) | ((index >> (n - 1 - q)) & 1);
            marginal[outcome] += Math.Max(0, diagonal[index]);
        }
        return marginal;
    }

    /// <summary>
    /// Shots are drawn in chunks of this many, so the buffers stay small (64 MiB) whatever the number of shots; each
    /// chunk is one state_sample call, that is one read of the state, so the chunks are as large as that allows.
    /// </summary>
    private const int ShotChunk = 1 << 22;

    /// <summary>
    /// Draws <paramref name="shots"/> outcomes chunk by chunk, shot s with the first number of its own stream
    /// (<see cref="HostRandom.FillFirstDraws"/>), and counts each distinct outcome.
    /// </summary>
    private static Dictionary<ulong, int> SampleInChunks(int shots, ulong seed, SampleChunk sample)
    {
        var randoms = new double[Math.Min(shots, ShotChunk)];
        var outcomes = new ulong[randoms.Length];
        var counts = new Dictionary<ulong, int>();
        for (int done = 0; done < shots;)
        {
            int n = Math.Min(randoms.Length, shots - done);
            HostRandom.FillFirstDraws(seed, done, randoms.AsSpan(0, n));
            sample(randoms.AsSpan(0, n), outcomes.AsSpan(0, n));
            foreach (ulong outcome in outcomes.AsSpan(0, n))
            {
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, outcome, out _)++;
            }
            done += n;
        }
        return counts;
    }

    private delegate void SampleChunk(ReadOnlySpan<double> randoms, Span<ulong> outcomes);

    private static void CountOutcomes(Dictionary<ulong, int> counts, FinalSampling final, OutcomeCounter counter, Circuit circuit)
    {
        var bits = new int[circuit.NQubits];
        var cbits = new byte[circuit.NClbits];
        foreach (var (outcome, count) in counts)
        {
            final.Assign(outcome, bits, cbits);
            counter.Add(bits, cbits, count);
        }
    }

    private static void CountOutcomes(Dictionary<ulong, int> counts, int[] qubits, (int Qubit, int Cbit)[] measurements, OutcomeCounter counter, Circuit circuit)
    {
        var bits = new int[circuit.NQubits];
        var cbits = new byte[circuit.NClbits];
        foreach (var (outcome, count) in counts)
        {
            for (int i = 0; i < qubits.Length; i++) bits[qubits[i]] = (int)((outcome >> (qubits.Length - 1 - i)) & 1);
            foreach (var (q, c) in measurements) cbits[c] = (byte)bits[q];
            counter.Add(bits, cbits, count);
        }
    }

    private static void RunStep(ExecutionPlan.Step step, IQuantumState state, HostRandom rng, byte[] cbits, int[] lastOutcome, Circuit circuit)
    {
        switch (step)
        {
            case ExecutionPlan.BatchStep b:
                Apply(state, b.Batch, default, default, circuit);
                break;
            case ExecutionPlan.MeasureStep m:
            {
                Span<double> random = [rng.NextDouble()];
                Span<byte> outcome = [0];
                Apply(state, m.Measure, random, outcome, circuit);
                cbits[m.Cbit] = outcome[0];
                lastOutcome[m.Qubit] = outcome[0];
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
                if (RegisterEquals(cbits, c.Register, c.Value)) RunStep(c.Body, state, rng, cbits, lastOutcome, circuit);
                break;
            case ExecutionPlan.TrajectoryStep t:
                RunTrajectory(t, state, rng.NextDouble(), circuit);
                break;
        }
    }

    private static void RunTrajectory(ExecutionPlan.TrajectoryStep t, IQuantumState state, double random, Circuit circuit)
    {
        double[] probabilities = t.FixedProbabilities ?? KrausProbabilities(t, state);
        int pick = PickKraus(probabilities, random);
        OpBatch batch = t.Fixed?[pick] ?? ExecutionPlan.TrajectoryBatch(state.NQubits, t.Channel, pick, probabilities[pick], t.Source);
        if (batch.Count > 0) Apply(state, batch, default, default, circuit);
    }

    /// <summary>The probability of each Kraus operator of a channel whose probabilities depend on the state: Σ_b diag(Kᵢ†Kᵢ)[b]·P(b).</summary>
    internal static double[] KrausProbabilities(ExecutionPlan.TrajectoryStep t, IQuantumState state)
    {
        double[] marginal = state.Probabilities([.. t.Channel.Targets]);
        double[][] diagonals = t.Channel.KrausDiagonals!;
        var probabilities = new double[diagonals.Length];
        for (int i = 0; i < diagonals.Length; i++)
        {
            double p = 0;
            for (int b = 0; b < marginal.Length; b++) p += diagonals[i][b] * marginal[b];
            probabilities[i] = Math.Max(0, p);
        }
        return probabilities;
    }

    /// <summary>The ABI's sampling rule on Kraus probabilities: the first i with r·Σp &lt; p₀ + … + pᵢ.</summary>
    internal static int PickKraus(double[] probabilities, double random)
    {
        double sum = probabilities.Sum(), target = random * sum, cumulative = 0;
        int last = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] <= 0) continue;
            last = i;
            cumulative += probabilities[i];
            if (target < cumulative) return i;
        }
        return last;
    }

    internal static void Apply(IQuantumState state, OpBatch batch, ReadOnlySpan<double> randoms, Span<byte> cbits, Circuit circuit)
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

    /// <summary>
    /// Whether the register, read as an unsigned integer (bit 0 least significant), equals <paramref name="value"/>
    /// (at least 0). Registers may be wider than 64 bits: every bit from 63 up must then be 0.
    /// </summary>
    internal static bool RegisterEquals(byte[] cbits, ClassicalRegister register, long value)
    {
        for (int i = 0; i < register.Size; i++)
        {
            long expected = i < 63 ? (value >> i) & 1 : 0;
            if (cbits[register.Offset + i] != expected) return false;
        }
        return register.Size >= 63 || value >> register.Size == 0;
    }
}
