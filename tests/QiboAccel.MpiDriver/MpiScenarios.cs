using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Gradients;
using QiboAccel.Noise;
using QiboAccel.Observables;

namespace QiboAccel.MpiDriver;

/// <summary>What one scenario produced on one backend (one rank, or the cpu backend in the test process).</summary>
public sealed class ScenarioResult
{
    /// <summary>Final state (or density matrix) as interleaved (re, im).</summary>
    public double[]? State { get; set; }

    /// <summary>Shot frequencies (bitstring -> count).</summary>
    public Dictionary<string, int>? Frequencies { get; set; }

    /// <summary>Per-register frequencies, flattened as "register:bits".</summary>
    public Dictionary<string, int>? Registers { get; set; }

    /// <summary>The seed the run used (reported by the executor).</summary>
    public ulong Seed { get; set; }

    /// <summary>Other numbers the scenario reads back (marginals, expectation values, sampled outcomes).</summary>
    public double[]? Values { get; set; }

    /// <summary>The error message when the scenario is expected to fail (or failed).</summary>
    public string? Error { get; set; }

    /// <summary>Why a conformance case did not apply (ConformanceNotApplicable's reason); the test reports it as a skip, never a pass.</summary>
    public string? NotApplicable { get; set; }
}

/// <summary>
/// The mpi-mode scenarios. Each is a function of a backend, so the very same code runs on the mpi backend under
/// mpirun (tests/QiboAccel.MpiDriver) and on the cpu backend in the test process, whose results are the reference.
/// </summary>
public static class MpiScenarios
{
    /// <summary>
    /// What a scenario runs with: the backend, the same backend with extra options (mpi-mode options; the cpu
    /// reference ignores them), and the seed of an "unseeded" scenario (null in the driver: each rank then picks its
    /// own, as a host that knows nothing of MPI would; the test reruns the cpu reference with rank 0's).
    /// </summary>
    public sealed record Context(IBackend Backend, Func<string, IBackend> Reload, ulong? Seed = null);

    /// <summary>A scenario: a name and what it does.</summary>
    public sealed record Scenario(string Name, Func<Context, ScenarioResult> Run, double Tolerance = 1e-12, bool Unseeded = false);

    /// <summary>Every scenario, in the order the driver runs them.</summary>
    public static IReadOnlyList<Scenario> All { get; } = Build();

    private static List<Scenario> Build()
    {
        var list = new List<Scenario>();
        // Random circuits over every gate kind with extra controls: targets and controls land on global and local
        // qubits alike (4-9 qubits keep 3+ local qubits with min_local_qubits=3 on 2 or 4 ranks).
        foreach (int n in new[] { 5, 6, 7, 9 })
        {
            for (int seed = 1; seed <= 3; seed++)
            {
                int s = seed;
                list.Add(new($"random-n{n}-s{s}", c => StateOf(c.Backend, RandomCircuits.Create(n, 90, new Random(100 * n + s)), Precision.Double)));
            }
        }
        list.Add(new("random-n7-single", c => StateOf(c.Backend, RandomCircuits.Create(7, 90, new Random(77)), Precision.Single), 2e-5));
        // The default split (at least 10 local qubits): 12 qubits on 2 or 4 ranks.
        list.Add(new("random-n12-default", c => StateOf(c.Reload("min_local_qubits=10"), RandomCircuits.Create(12, 120, new Random(12)), Precision.Double)));
        list.Add(new("qft-n12-default", c => StateOf(c.Reload("min_local_qubits=10"), Benchmarking.BenchmarkCircuits.Qft(12), Precision.Double)));
        // Small exchange messages: many chunks per exchange.
        list.Add(new("random-n9-chunk1k", c => StateOf(c.Reload("chunk_kib=1"), RandomCircuits.Create(9, 60, new Random(9)), Precision.Double)));
        // Two qubits on four ranks: replicated, not split.
        list.Add(new("tiny-n2", c => Shots(c.Backend, Measured(RandomCircuits.Create(2, 20, new Random(2))), 300, 11)));
        list.Add(new("raw-records", c => RawRecords(c.Backend)));
        list.Add(new("shots-seeded", c => Shots(c.Backend, Measured(RandomCircuits.Create(8, 60, new Random(8))), 2000, 42)));
        list.Add(new("shots-unseeded", c => Shots(c.Backend, Measured(RandomCircuits.Create(8, 60, new Random(8))), 2000, c.Seed), Unseeded: true));
        list.Add(new("midcircuit", c => Shots(c.Backend, MidCircuit(), 300, 5)));
        list.Add(new("midcircuit-unseeded", c => Shots(c.Backend, MidCircuit(), 100, c.Seed), Unseeded: true));
        list.Add(new("noise-trajectories", c => Shots(c.Backend, Noisy(), 150, 9, noise: NoiseModelForTests())));
        list.Add(new("density-matrix", c => Shots(c.Backend, Noisy(), 500, 3, densityMatrix: true, noise: NoiseModelForTests())));
        list.Add(new("density-matrix-midcircuit", c => Shots(c.Backend, MidCircuit(5), 40, 4, densityMatrix: true)));
        list.Add(new("marginals", c => Marginals(c.Backend)));
        list.Add(new("sampling-levels", c => SampleAll(c.Reload("sampling_bits=3"))));
        list.Add(new("amplitude-ranges", c => AmplitudeRanges(c.Backend)));
        list.Add(new("expectation", c =>
        {
            ExecutionResult r = c.Backend.Execute(RandomCircuits.Create(7, 60, new Random(71)), seed: 1);
            return new ScenarioResult { Values = [r.Expectation(Observable.Parse("Z0*Z1 + 0.5*X2*Y6 - 1.5*Z6 + X0*X3*X5"))] };
        }));
        // ABI 1.1 on states whose layouts differ (global qubits swapped in by different gates): inner products,
        // copies, Pauli sums flipping global qubits; with the default 16 MiB chunks (one stream chunk is half a slice)
        // and with 1 KiB chunks (many, and flips above the chunk's bits), in complex64 too, and on replicated states.
        list.Add(new("overlaps-n10", c => Overlaps(c.Backend, Precision.Double)));
        list.Add(new("overlaps-n10-chunk1k", c => Overlaps(c.Reload("chunk_kib=1"), Precision.Double)));
        list.Add(new("overlaps-n10-single", c => Overlaps(c.Backend, Precision.Single), 1e-5));
        list.Add(new("overlaps-replicated", c => Overlaps(c.Backend, Precision.Double, OverlapQubitsReplicated)));
        list.Add(new("gradient-adjoint", c => AdjointGradient(c.Backend), 1e-10));
        return list;
    }

    /// <summary>Qubits of the overlap scenario's replicated variant (2 qubits per rank at most on 2 or 4 ranks: below min_local_qubits=3).</summary>
    public const int OverlapQubitsReplicated = 3;

    /// <summary>
    /// The observable of the overlap scenario on <paramref name="n"/> qubits (10, or 3 for the replicated variant): X,
    /// Y and Z on the top (global) qubits, alone and with local ones, strings of X, Y or Z on every qubit (whatever the
    /// layout, they flip or sign the global positions), local-only strings.
    /// </summary>
    public static Observable OverlapObservable(int n) => Observable.Parse(n < 10
        ? "0.5 + X0 - 0.75*Y1 + 1.25*Z0*Z1 + X0*Y1*Z2 + 0.5*Y0*X2 - 0.7*X0*X1*X2 + 0.8*Y2 - 0.3*Z2 + 0.35*Z0*Z1*Z2 - 0.45*Y0*Y1*Y2"
        : $"0.5 + X0 - 0.75*Y1 + 1.25*Z0*Z1 + X0*Y1*Z{n - 1} + 0.5*Y0*X{n - 5} - 0.7*{string.Join("*", Enumerable.Range(0, n).Select(q => $"X{q}"))} " +
          $"+ 1.3*Z1*X{n - 2}*Y{n - 1} + 0.25*Y0*Y1*X2 - 0.6*X1*Z2*X{n - 4} + 0.9*Z{n - 3}*Z{n - 2} - 0.4*X{n - 1}*Y{n - 3} + 0.8*Y{n - 2} " +
          $"+ 0.35*{string.Join("*", Enumerable.Range(0, n).Select(q => $"Z{q}"))} - 0.45*{string.Join("*", Enumerable.Range(0, n).Select(q => $"Y{q}"))}");

    /// <summary>
    /// The three states' circuits of the overlap scenario: A and B differ in which global qubits their gates (an H, a
    /// controlled RX) pull into the slices, and a plain SWAP relabels a global qubit in B; C continues from a copy
    /// of A with gates on the top qubits.
    /// </summary>
    public static (Circuit A, Circuit B, Circuit C) OverlapCircuits(int n)
    {
        Circuit a = RandomCircuits.Create(n, 40, new Random(1000 + n)), b = RandomCircuits.Create(n, 40, new Random(2000 + n));
        a.Add(GateKind.H, [0]);
        a.Add(GateKind.CNOT, [0, n - 1]);
        a.Add(GateKind.RY, [n - 2], 0.4);
        b.Add(GateKind.SWAP, [1, n - 3]);
        b.Add(GateKind.H, [1]);
        b.Add(GateKind.CRX, [n - 1, 0], 0.9);
        var c = new Circuit(n);
        c.Add(GateKind.RX, [1], 1.1);
        c.Add(GateKind.H, [0]);
        c.Add(GateKind.CZ, [0, 1]);
        c.Add(GateKind.SWAP, [0, n - 1]);
        c.Add(GateKind.RY, [0], 0.3);
        return (a, b, c);
    }

    /// <summary>
    /// Values of the overlap scenario, in order: ⟨A|B⟩, ⟨B|A⟩, ⟨A|A⟩ (re, im each), ⟨A|O|A⟩, ⟨B|O|B⟩; then C := A, C
    /// evolved: ⟨C|A⟩, ⟨B|C⟩, ⟨C|O|C⟩; then A := B: ⟨A|B⟩, ⟨A|O|A⟩. The state is A, B and C's amplitudes at the end
    /// (inner products and expectations may move qubits between ranks but must not change any state).
    /// </summary>
    private static ScenarioResult Overlaps(IBackend backend, Precision precision, int n = 10)
    {
        var (ca, cb, cc) = OverlapCircuits(n);
        Observable o = OverlapObservable(n);
        using IQuantumState a = backend.CreateState(n, precision), b = backend.CreateState(n, precision), c = backend.CreateState(n, precision);
        Apply(a, ca, plainSwaps: true);
        Apply(b, cb, plainSwaps: true);
        var values = new List<double>();
        void Add(Complex z) => values.AddRange([z.Real, z.Imaginary]);
        Add(a.InnerProduct(b));
        Add(b.InnerProduct(a));
        Add(a.InnerProduct(a));
        values.Add(a.Expectation(o));
        values.Add(b.Expectation(o));
        a.CopyTo(c);
        Apply(c, cc, plainSwaps: true);
        Add(c.InnerProduct(a));
        Add(b.InnerProduct(c));
        values.Add(c.Expectation(o));
        b.CopyTo(a);
        Add(a.InnerProduct(b));
        values.Add(a.Expectation(o));
        var amplitudes = new Complex[3 << n];
        a.GetAmplitudes(0, amplitudes.AsSpan(0, 1 << n));
        b.GetAmplitudes(0, amplitudes.AsSpan(1 << n, 1 << n));
        c.GetAmplitudes(0, amplitudes.AsSpan(2 << n, 1 << n));
        return new ScenarioResult { Values = [.. values], State = Interleave(amplitudes) };
    }

    /// <summary>
    /// What <see cref="Overlaps"/> must return, from the reference simulator's states and host sums (conj(a)·b over
    /// the amplitudes, the observable from its Pauli strings over the amplitudes), sharing no code with any backend.
    /// </summary>
    public static ScenarioResult OverlapReference(int n = 10)
    {
        var (ca, cb, cc) = OverlapCircuits(n);
        Observable o = OverlapObservable(n);
        Complex[] a = ReferenceSimulator.Run(ca), b = ReferenceSimulator.Run(cb);
        var acc = new Circuit(n);
        foreach (Operation op in ca.Operations.Concat(cc.Operations)) acc.Add(op);
        Complex[] c = ReferenceSimulator.Run(acc);
        static Complex Dot(Complex[] x, Complex[] y)
        {
            Complex sum = 0;
            for (int i = 0; i < x.Length; i++) sum += Complex.Conjugate(x[i]) * y[i];
            return sum;
        }
        var values = new List<double>();
        void Add(Complex z) => values.AddRange([z.Real, z.Imaginary]);
        Add(Dot(a, b));
        Add(Dot(b, a));
        Add(Dot(a, a));
        values.Add(o.Expectation(a, n));
        values.Add(o.Expectation(b, n));
        Add(Dot(c, a));
        Add(Dot(b, c));
        values.Add(o.Expectation(c, n));
        Add(Dot(b, b));
        values.Add(o.Expectation(b, n));
        return new ScenarioResult { Values = [.. values], State = Interleave([.. b, .. b, .. c]) };
    }

    /// <summary>
    /// Adjoint gradient (one forward, one backward pass: copies, inner products and expectations on the backend) of a
    /// 10-qubit circuit whose parametrised gates sit on global and local qubits, and the parameter-shift gradient.
    /// </summary>
    private static ScenarioResult AdjointGradient(IBackend backend)
    {
        const int n = 10;
        var circuit = new Circuit(n);
        var t = Enumerable.Range(0, 6).Select(i => circuit.AddParameter($"t{i}")).ToArray();
        for (int q = 0; q < n; q++) circuit.Add(Gate.Parametrized(GateKind.RY, [q], 0.1 * q + t[q % 3]));
        for (int q = 0; q + 1 < n; q++) circuit.Add(GateKind.CNOT, [q, q + 1]);
        circuit.Add(Gate.Parametrized(GateKind.RX, [0], t[3]));
        circuit.Add(Gate.Parametrized(GateKind.CRZ, [n - 1, 1], 2 * t[4]));
        circuit.Add(Gate.Parametrized(GateKind.RZZ, [0, 1], t[5] + 0.2));
        circuit.Add(Gate.Parametrized(GateKind.RXX, [1, n - 2], t[3]));
        circuit.Add(Gate.Parametrized(GateKind.CU3, [0, n - 1], t[0], t[1], t[5]));
        circuit.Add(GateKind.H, [1]);
        circuit.Add(Gate.Parametrized(GateKind.RY, [0], t[4]));
        double[] values = [0.3, -1.2, 0.7, 2.1, -0.4, 1.5];
        Observable o = Observable.Parse($"X0*X1 + 0.5*Z0 - 0.8*Y1*Z{n - 1} + 0.3*X0*Y1*X{n - 2} + Z{n - 1}");
        GradientResult adjoint = backend.Gradient(circuit, o, values, GradientMethod.Adjoint);
        GradientResult shift = backend.Gradient(circuit, o, values, GradientMethod.ParameterShift);
        return new ScenarioResult { Values = [adjoint.Value, .. adjoint.Gradient, shift.Value, .. shift.Gradient] };
    }

    private static ScenarioResult StateOf(IBackend backend, Circuit circuit, Precision precision)
    {
        ExecutionResult r = backend.Execute(circuit, precision: precision, seed: 1);
        return new ScenarioResult { State = Interleave(r.State!), Seed = r.Seed };
    }

    private static ScenarioResult Shots(IBackend backend, Circuit circuit, int shots, ulong? seed, bool densityMatrix = false, NoiseModel? noise = null)
    {
        ExecutionResult r = backend.Execute(circuit, shots, seed, densityMatrix: densityMatrix, noise: noise);
        var registers = new Dictionary<string, int>();
        foreach (var (name, counts) in r.RegisterFrequencies)
        {
            foreach (var (bits, count) in counts) registers[$"{name}:{bits}"] = count;
        }
        return new ScenarioResult
        {
            State = Interleave(densityMatrix ? r.DensityMatrix! : r.State!),
            Frequencies = new Dictionary<string, int>(r.Frequencies),
            Registers = registers,
            Seed = r.Seed,
        };
    }

    private static Circuit Measured(Circuit c)
    {
        for (int q = 0; q < c.NQubits; q++) c.Measure(q);
        return c;
    }

    /// <summary>Mid-circuit measurements, resets and ifs on the top (global) and bottom (local) qubits.</summary>
    private static Circuit MidCircuit(int n = 7)
    {
        var c = new Circuit(n);
        var m = c.AddClassicalRegister("m", 3);
        var f = c.AddClassicalRegister("f", n);
        for (int q = 0; q < n; q++) c.Add(GateKind.RY, [q], 0.3 + 0.4 * q);
        c.Add(GateKind.CNOT, [n - 1, 0]);
        c.Add(new Measurement(0, m.Offset));         // a global qubit
        c.Add(new Measurement(n - 1, m.Offset + 1)); // a local one
        c.Add(new Conditional(m, 1, Gate.Create(GateKind.X, [1])));
        c.Add(new Conditional(m, 3, Gate.Create(GateKind.H, [n - 2])));
        c.Add(new Reset(0));
        c.Add(new Reset(n - 1));
        c.Add(GateKind.CRY, [n - 2, 0], 1.1);
        c.Add(GateKind.H, [1]);
        c.Add(new Measurement(1, m.Offset + 2));
        c.Add(new Conditional(m, 4, Gate.Create(GateKind.RX, [n - 1], 0.7)));
        for (int q = 0; q < n; q++) c.Add(new Measurement(q, f.Offset + q));
        return c;
    }

    private static Circuit Noisy()
    {
        var c = new Circuit(4);
        c.Add(GateKind.H, [0]);
        c.Add(GateKind.CNOT, [0, 3]);
        c.Add(GateKind.RY, [1], 0.8);
        c.Add(GateKind.CZ, [1, 2]);
        c.Add(Channel.AmplitudeDamping(3, 0.2));
        c.Add(GateKind.H, [2]);
        for (int q = 0; q < 4; q++) c.Measure(q);
        return c;
    }

    private static NoiseModel NoiseModelForTests() => new NoiseModel()
        .Add(q => Channel.Depolarizing(q, 0.05), after: ["cx"])
        .Add(q => Channel.PhaseDamping(q[0], 0.1), after: ["h"]);

    /// <summary>Records the host never sends for a gate circuit: DIAGONAL and MATRIX with controls, MEASURE inside a batch.</summary>
    private static ScenarioResult RawRecords(IBackend backend)
    {
        const int n = 7;
        var rng = new Random(5);
        using IQuantumState state = backend.CreateState(n, Precision.Double);
        var batch = new OpBatch(n);
        for (int q = 0; q < n; q++) batch.Add(QiboOpKind.U3, [q], [], [rng.NextDouble() * 3, rng.NextDouble() * 3, rng.NextDouble() * 3]);
        Complex[] Diagonal(int k) => [.. Enumerable.Range(0, 1 << k).Select(_ => Complex.FromPolarCoordinates(1, rng.NextDouble() * 6))];
        batch.Add(QiboOpKind.Diagonal, [0, 1], [], matrix: Diagonal(2));          // both global on 4 ranks
        batch.Add(QiboOpKind.Diagonal, [0, 5, 1], [6], matrix: Diagonal(3));      // global and local targets, local control
        batch.Add(QiboOpKind.Diagonal, [1], [0, 4], matrix: Diagonal(1));         // a phase on a slice under a local control
        batch.Add(QiboOpKind.Diagonal, [6], [0], matrix: Diagonal(1));
        Complex[] z = [1, 0, 0, Complex.FromPolarCoordinates(1, 0.3)];
        batch.Add(QiboOpKind.Matrix, [0], [2], matrix: z);                          // a diagonal MATRIX on a global target
        batch.Add(QiboOpKind.Matrix, [0, 6], [1, 3], matrix: Analytic.Flatten(Analytic.RandomUnitary(2, rng)));
        batch.Add(QiboOpKind.Matrix, [1, 0, 2], [], matrix: Analytic.Flatten(Analytic.RandomUnitary(3, rng)));
        batch.Add(QiboOpKind.X, [0], [1, 2]);
        batch.Add(QiboOpKind.Swap, [0, 6], []);                                     // a relabelling
        batch.Add(QiboOpKind.Swap, [1, 5], [0]);                                    // a controlled swap of a global qubit
        batch.Add(QiboOpKind.Measure, [1], [], cbit: 0);
        batch.Add(QiboOpKind.H, [1], []);
        batch.Add(QiboOpKind.Measure, [6], [], cbit: 1);
        batch.Add(QiboOpKind.RX, [0], [6], [0.4]);
        var cbits = new byte[2];
        state.Apply(batch, [0.37, 0.81], cbits);
        var amplitudes = new Complex[1 << n];
        state.GetAmplitudes(0, amplitudes);
        return new ScenarioResult { State = Interleave(amplitudes), Values = [cbits[0], cbits[1]] };
    }

    /// <summary>Marginals of global, local and mixed qubit lists in any order, after a circuit that permutes the layout.</summary>
    private static ScenarioResult Marginals(IBackend backend)
    {
        const int n = 8;
        Circuit c = RandomCircuits.Create(n, 80, new Random(81));
        using IQuantumState state = backend.CreateState(n, Precision.Double);
        Apply(state, c);
        var values = new List<double>();
        foreach (int[] qubits in new[] { new[] { 0 }, [1, 0], [7], [0, 7, 3], [5, 1, 6, 0, 2], [.. Enumerable.Range(0, n)], [6, 4, 2, 0, 1, 3, 5, 7] })
            values.AddRange(state.Probabilities(qubits));
        return new ScenarioResult { Values = [.. values] };
    }

    /// <summary>Sampling every qubit with fixed randoms; with sampling_bits=3 the mpi backend samples level by level.</summary>
    private static ScenarioResult SampleAll(IBackend backend)
    {
        const int n = 9;
        using IQuantumState state = backend.CreateState(n, Precision.Double);
        Apply(state, RandomCircuits.Create(n, 80, new Random(91)));
        var rng = new Random(92);
        double[] randoms = [.. Enumerable.Range(0, 3000).Select(_ => rng.NextDouble())];
        var outcomes = new ulong[randoms.Length];
        state.Sample([3, 0, 8, 1, 7, 2, 6, 4, 5], randoms, outcomes);
        var some = new ulong[500];
        state.Sample([8, 0, 4], randoms.AsSpan(0, 500), some);
        return new ScenarioResult { Values = [.. outcomes.Select(o => (double)o), .. some.Select(o => (double)o)] };
    }

    /// <summary>A random initial state, a circuit, then ranges that cross slice boundaries read back, a range overwritten, more gates.</summary>
    private static ScenarioResult AmplitudeRanges(IBackend backend)
    {
        const int n = 8;
        Complex[] initial = RandomCircuits.State(n, new Random(31));
        using IQuantumState state = backend.CreateState(n, Precision.Double);
        state.SetAmplitudes(0, initial);
        Apply(state, RandomCircuits.Create(n, 50, new Random(32)));
        var values = new List<Complex>();
        foreach (var (offset, count) in new[] { (0, 3), (60, 10), (120, 20), (127, 3), (250, 6), (64, 128) })
        {
            var part = new Complex[count];
            state.GetAmplitudes(offset, part);
            values.AddRange(part);
        }
        state.SetAmplitudes(100, [.. Enumerable.Range(0, 60).Select(i => new Complex(0.01 * i, -0.02))]);
        Apply(state, RandomCircuits.Create(n, 30, new Random(33)));
        var all = new Complex[1 << n];
        state.GetAmplitudes(0, all);
        values.AddRange(all);
        return new ScenarioResult { State = Interleave([.. values]) };
    }

    /// <summary>
    /// Applies a gate-only circuit as one batch of MATRIX records, lowered as the executor lowers it; with
    /// <paramref name="plainSwaps"/> an uncontrolled SWAP goes as a SWAP record (which the mpi mode only relabels).
    /// </summary>
    private static void Apply(IQuantumState state, Circuit circuit, bool plainSwaps = false)
    {
        var batch = new OpBatch(circuit.NQubits);
        foreach (Operation op in circuit.Operations)
        {
            var g = (Gate)op;
            if (plainSwaps && g.Kind == GateKind.SWAP && g.Controls.Count == 0) batch.Add(QiboOpKind.Swap, [.. g.Targets], []);
            else batch.Add(QiboOpKind.Matrix, [.. g.Targets], [.. g.Controls], matrix: g.TargetMatrix());
        }
        state.Apply(batch);
    }

    private static double[] Interleave(Complex[] values)
    {
        var data = new double[2 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            data[2 * i] = values[i].Real;
            data[2 * i + 1] = values[i].Imaginary;
        }
        return data;
    }
}
