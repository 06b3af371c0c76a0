using System.Diagnostics;
using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Safety;

namespace QiboAccel.Execution;

/// <summary>
/// Shot branching: a state-vector plan with mid-circuit measurement, reset, <c>if</c> or noise trajectories runs once
/// for a set of shots instead of once per shot. At a measurement (or the measurement inside a reset) the branch's P(0)
/// is read once (<see cref="IQuantumState.Probabilities"/>) and each of its shots draws its own next host random
/// number (outcome 1 iff r ≥ p0, the ABI's MEASURE rule); at a noise channel each shot picks its Kraus operator with its
/// next random. Each distinct outcome continues on its own state: the one holding the branch's highest shot keeps the
/// branch's state, the others get copies (<see cref="IQuantumState.CopyTo"/>) taken before the collapse. A branch is
/// collapsed by the backend's own MEASURE record with a forcing random (0 reads 0 whenever p0 &gt; 0; 1 − 2⁻⁵³ reads 1
/// whenever p1 &gt; 0), and its classical bits are the outcomes the backend reports. At the end each shot samples the
/// final measurements from its branch's state with its own next random.
/// </summary>
/// <remarks>
/// Since every shot draws from its own stream (<see cref="HostRandom.ForShot"/>) in the order its own operations ask,
/// its outcomes are those of <see cref="ShotExecution.PerShot"/> — up to the rounding of p0: a random within about 1e-16
/// of P(0) may read differently from the backend's own sum. Branches are walked depth first, at most
/// <see cref="MaxLiveStates"/> states at once and only while the host has memory for another; a branch that cannot
/// get a copy is set aside and replayed from the start later with just its shots (each replay goes past the point
/// where it was set aside, so the replays end; in the worst case there is one execution per shot, as per shot).
/// Shots run in chunks of <see cref="ShotChunk"/> so the per-shot streams stay small. The state left behind is the
/// final state of the last shot (the branch holding the highest shot index).
/// </remarks>
internal sealed class ShotBranching
{
    /// <summary>The most states alive at once (the caller's included).</summary>
    internal const int MaxLiveStates = 16;

    /// <summary>Shots run together at most (their random streams take 32 bytes each).</summary>
    internal const int ShotChunk = 1 << 20;

    /// <summary>Live states that together stay below this many bytes are made without asking the host's memory first.</summary>
    private const double LargeStates = 256 << 20;

    /// <summary>Tests set this to bound the live states lower (1: every split is set aside and replayed).</summary>
    [ThreadStatic]
    internal static int? LiveStateLimitForTests;

    private readonly Circuit _circuit;
    private readonly ExecutionPlan _plan;
    private readonly IQuantumState _root;
    private readonly Func<IQuantumState>? _create;
    private readonly ulong _seed;
    private readonly Complex[]? _initial;
    private readonly FinalSampling _final;
    private readonly OutcomeCounter? _counter;
    private readonly IProgress<double>? _progress;
    private readonly int _shots;
    private readonly double _stateBytes;
    private readonly Stack<Branch> _pending = new();
    private readonly List<int[]> _deferred = [];
    private RandomStream[] _streams = [];
    private int _firstShot;
    private int _maxLive;
    private int _live;
    private long _done;
    private long _lastReport;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private ShotBranching(Circuit circuit, ExecutionPlan plan, IQuantumState root, Func<IQuantumState>? create, ulong seed, int shots,
        Complex[]? initial, FinalSampling final, OutcomeCounter counter, IProgress<double>? progress)
    {
        _circuit = circuit;
        _plan = plan;
        _root = root;
        _create = create;
        _seed = seed;
        _shots = shots;
        _initial = initial;
        _final = final;
        _counter = counter;
        _progress = progress;
        _stateBytes = Math.Pow(2, root.NQubits) * root.Precision.BytesPerAmplitude();
        _maxLive = create is null ? 1 : Math.Max(1, Math.Min(MaxLiveStates, LiveStateLimitForTests ?? MaxLiveStates));
    }

    /// <summary>
    /// Runs <paramref name="shots"/> shots of <paramref name="plan"/> on <paramref name="root"/> (|0…0⟩ or
    /// <paramref name="initial"/> already set), counting them into <paramref name="counter"/>; <paramref name="create"/>
    /// makes the states that hold other branches (null: none, every split is replayed). <paramref name="root"/> is
    /// left holding the last shot's final state.
    /// </summary>
    public static void Run(Circuit circuit, ExecutionPlan plan, IQuantumState root, Func<IQuantumState>? create, ulong seed, int shots,
        Complex[]? initial, FinalSampling final, OutcomeCounter counter, IProgress<double>? progress)
        => new ShotBranching(circuit, plan, root, create, seed, shots, initial, final, counter, progress).Execute();

    private void Execute()
    {
        bool rootDirty = false;
        for (int first = 0; first < _shots; first += ShotChunk)
        {
            _firstShot = first;
            rootDirty = false;
            int count = Math.Min(ShotChunk, _shots - _firstShot);
            if (_streams.Length != count) _streams = new RandomStream[count];
            if (_firstShot > 0) Restart(_root);
            int[] all = [.. Enumerable.Range(0, count)];
            Seed(all);
            _live = 1;
            Drain(new Branch(_root, owned: false, all, NewCbits(), NewOutcomes()));
            // Groups that found no room for a copy: replayed from the start, on a new state when one fits, else on the root.
            while (_deferred.Count > 0)
            {
                int[] group = _deferred[^1];
                _deferred.RemoveAt(_deferred.Count - 1);
                IQuantumState? state = NewState();
                if (state is null)
                {
                    state = _root;
                    rootDirty = true;
                }
                Restart(state);
                Seed(group);
                Drain(new Branch(state, owned: state != _root, group, NewCbits(), NewOutcomes()));
            }
        }
        if (rootDirty)
        {
            // A replay overwrote the root: run the last shot once more (uncounted) so the root ends holding its state.
            Restart(_root);
            int[] last = [_streams.Length - 1];
            Seed(last);
            var branch = new Branch(_root, owned: false, last, NewCbits(), NewOutcomes()) { Counted = false };
            Drain(branch);
        }
    }

    private void Drain(Branch first)
    {
        _pending.Push(first);
        Branch? running = null;
        try
        {
            while (_pending.TryPop(out running))
            {
                RunBranch(running);
                running = null;
            }
        }
        catch
        {
            // A backend error ends the run: free the copies (the caller owns the root).
            if (running is { Owned: true }) running.State.Dispose();
            while (_pending.TryPop(out Branch? waiting)) if (waiting.Owned) waiting.State.Dispose();
            throw;
        }
    }

    private void RunBranch(Branch b)
    {
        IReadOnlyList<ExecutionPlan.Step> steps = _plan.Steps;
        for (; b.Step < steps.Count; b.Step++)
        {
            ExecutionPlan.Step step = steps[b.Step];
            if (step is ExecutionPlan.ConditionalStep c)
            {
                if (!Executor.RegisterEquals(b.Cbits, c.Register, c.Value)) continue;
                step = c.Body;
            }
            switch (step)
            {
                case ExecutionPlan.BatchStep s:
                    Executor.Apply(b.State, s.Batch, default, default, _circuit);
                    break;
                case ExecutionPlan.MeasureStep m:
                {
                    int outcome = Measure(b, m.Qubit, m.Measure);
                    b.Cbits[m.Cbit] = (byte)outcome;
                    b.LastOutcome[m.Qubit] = outcome;
                    break;
                }
                case ExecutionPlan.ResetStep r:
                    if (Measure(b, r.Qubit, r.Measure) == 1) Executor.Apply(b.State, r.Flip, default, default, _circuit);
                    break;
                case ExecutionPlan.TrajectoryStep t:
                    Trajectory(b, t);
                    break;
            }
        }
        Finish(b);
    }

    /// <summary>Splits the branch's shots by their own next randoms, then collapses it onto its share; returns the outcome the backend reports.</summary>
    private int Measure(Branch b, int qubit, OpBatch measure)
    {
        int choice = b.Forced;
        b.Forced = -1;
        Span<byte> outcome = [0];
        if (choice < 0 && b.Shots.Length == 1)
        {
            // One shot cannot split: its own random drives the MEASURE record, exactly as a per-shot run does.
            Span<double> own = [_streams[b.Shots[0]].NextDouble()];
            Executor.Apply(b.State, measure, own, outcome, _circuit);
            return outcome[0];
        }
        if (choice < 0)
        {
            double[] p = b.State.Probabilities([qubit]);
            double total = p[0] + p[1];
            // A state of norm 0 is the backend's error to report (its MEASURE refuses it): let every shot read 0.
            double p0 = total > 0 ? p[0] / total : 1;
            choice = Split(b, (ref RandomStream stream) => stream.NextDouble() >= p0 ? 1 : 0);
        }
        Span<double> random = [choice == 0 ? 0.0 : Math.BitDecrement(1.0)];
        Executor.Apply(b.State, measure, random, outcome, _circuit);
        return outcome[0];
    }

    private void Trajectory(Branch b, ExecutionPlan.TrajectoryStep t)
    {
        double[] probabilities = t.FixedProbabilities ?? Executor.KrausProbabilities(t, b.State);
        int choice = b.Forced;
        b.Forced = -1;
        if (choice < 0) choice = Split(b, (ref RandomStream stream) => Executor.PickKraus(probabilities, stream.NextDouble()));
        OpBatch batch = t.Fixed?[choice] ?? ExecutionPlan.TrajectoryBatch(b.State.NQubits, t.Channel, choice, probabilities[choice], t.Source);
        if (batch.Count > 0) Executor.Apply(b.State, batch, default, default, _circuit);
    }

    private delegate int Chooser(ref RandomStream stream);

    /// <summary>
    /// Each shot of the branch draws its choice; the branch keeps the shots that chose as its highest shot did and
    /// returns that choice; every other choice's shots continue on a copy of the state taken now (or are set aside).
    /// </summary>
    private int Split(Branch b, Chooser choose)
    {
        int[] shots = b.Shots;
        var choices = new int[shots.Length];
        bool mixed = false;
        for (int i = 0; i < shots.Length; i++)
        {
            choices[i] = choose(ref _streams[shots[i]]);
            mixed |= choices[i] != choices[0];
        }
        int keep = choices[^1];
        if (!mixed) return keep;
        foreach (int other in choices.Distinct().Where(c => c != keep).OrderDescending())
        {
            int[] group = Select(shots, choices, other);
            IQuantumState? copy = NewState();
            if (copy is null)
            {
                _deferred.Add(group);
                continue;
            }
            try
            {
                b.State.CopyTo(copy);
            }
            catch
            {
                copy.Dispose();
                _live--;
                throw;
            }
            _pending.Push(new Branch(copy, owned: true, group, (byte[])b.Cbits.Clone(), (int[])b.LastOutcome.Clone()) { Step = b.Step, Forced = other, Counted = b.Counted });
        }
        b.Shots = Select(shots, choices, keep);
        return keep;
    }

    private static int[] Select(int[] shots, int[] choices, int choice)
    {
        var group = new List<int>();
        for (int i = 0; i < shots.Length; i++) if (choices[i] == choice) group.Add(shots[i]);
        return [.. group];
    }

    /// <summary>A new state for a branch, or null when the live-state bound, the host's memory or the backend says no.</summary>
    private IQuantumState? NewState()
    {
        if (_create is null || _live >= _maxLive) return null;
        // Keep as much memory free as the copy takes (read only once the copies add up: reading it costs a file read);
        // a device backend refuses for itself below.
        if (_stateBytes * (_live + 1) > LargeStates && HostMemory.AvailableBytes() < 2 * _stateBytes)
        {
            _maxLive = _live;
            return null;
        }
        IQuantumState state;
        try
        {
            state = _create();
        }
        catch (BackendException e) when (e.Code == Abi.QiboErrorCode.OutOfMemory)
        {
            _maxLive = _live;
            return null;
        }
        _live++;
        return state;
    }

    /// <summary>Samples the final measurements of every shot of the finished branch (one call) and counts them.</summary>
    private void Finish(Branch b)
    {
        if (b.Counted && _counter is not null)
        {
            if (_final.Qubits.Length == 0)
            {
                _counter.Add(b.LastOutcome, b.Cbits, b.Shots.Length);
            }
            else
            {
                var randoms = new double[b.Shots.Length];
                for (int i = 0; i < randoms.Length; i++) randoms[i] = _streams[b.Shots[i]].NextDouble();
                var outcomes = new ulong[randoms.Length];
                b.State.Sample(_final.Qubits, randoms, outcomes);
                var counts = new Dictionary<ulong, int>();
                foreach (ulong outcome in outcomes) System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, outcome, out _)++;
                foreach (var (outcome, count) in counts)
                {
                    _final.Assign(outcome, b.LastOutcome, b.Cbits);
                    _counter.Add(b.LastOutcome, b.Cbits, count);
                }
            }
            _done += b.Shots.Length;
            if (_progress is not null && _clock.ElapsedMilliseconds - _lastReport > 500)
            {
                _lastReport = _clock.ElapsedMilliseconds;
                _progress.Report((double)_done / _shots);
            }
        }
        if (b.Owned)
        {
            b.State.Dispose();
            _live--;
        }
    }

    /// <summary>Puts <paramref name="state"/> back to the run's starting state.</summary>
    private void Restart(IQuantumState state)
    {
        if (_initial is null) state.Reset();
        else state.SetAmplitudes(0, _initial);
    }

    /// <summary>(Re)starts the streams of <paramref name="shots"/> (indices within the current chunk) at their first number.</summary>
    private void Seed(int[] shots)
    {
        foreach (int s in shots) _streams[s] = new RandomStream(HostRandom.ShotSeed(_seed, _firstShot + s));
    }

    private byte[] NewCbits() => new byte[_circuit.NClbits];

    private int[] NewOutcomes()
    {
        var outcomes = new int[_circuit.NQubits];
        Array.Fill(outcomes, -1);
        return outcomes;
    }

    /// <summary>Shots (indices within the chunk, ascending) sharing one state and one classical history.</summary>
    private sealed class Branch(IQuantumState state, bool owned, int[] shots, byte[] cbits, int[] lastOutcome)
    {
        public IQuantumState State { get; } = state;

        /// <summary>Whether the branch made its state (and disposes it when done).</summary>
        public bool Owned { get; } = owned;

        public int[] Shots { get; set; } = shots;

        public byte[] Cbits { get; } = cbits;

        public int[] LastOutcome { get; } = lastOutcome;

        /// <summary>The next step to run.</summary>
        public int Step { get; set; }

        /// <summary>The choice the branch's shots already made at <see cref="Step"/> (set on a copy), -1 for none.</summary>
        public int Forced { get; set; } = -1;

        /// <summary>False for the uncounted rerun of the last shot.</summary>
        public bool Counted { get; init; } = true;
    }
}
