using System.Globalization;
using System.Numerics;
using QiboAccel.Circuits;

namespace QiboAccel.Noise;

/// <summary>
/// A quantum channel ρ → Σᵢ Kᵢ ρ Kᵢ† on <see cref="Targets"/> (qibo's noise channels), as a circuit operation.
/// Build one with the factory methods (<see cref="Kraus"/>, <see cref="Depolarizing"/>, …); every factory checks
/// its parameters and that the Kraus operators are trace preserving (Σ K†K = I within 1e-8).
/// </summary>
/// <remarks>
/// On a density matrix a channel is applied exactly (one dense operation on the row and column copies of its
/// qubits). On a state vector it is sampled per shot (a quantum trajectory): operator i is chosen with
/// probability ‖Kᵢψ‖² using one host random number, and Kᵢψ/‖Kᵢψ‖ replaces ψ. That needs the probabilities to
/// follow from the measurement probabilities of the channel's qubits, i.e. every Kᵢ†Kᵢ diagonal — true for
/// every named channel; a general <see cref="Kraus"/> channel without that property needs a density matrix.
/// </remarks>
public sealed class Channel : Operation
{
    /// <summary>Tolerance of the trace-preservation check Σ K†K = I.</summary>
    public const double CptpTolerance = 1e-8;

    private readonly int[] _targets;
    private readonly Complex[][] _kraus;

    private Channel(string name, int[] targets, Complex[][] kraus, string parameters)
    {
        Name = name;
        Parameters = parameters;
        _targets = targets;
        _kraus = kraus;
        ValidateTargets();
        ValidateKraus();
        KrausDiagonals = ComputeDiagonals(out bool constant);
        HasConstantProbabilities = constant;
    }

    /// <summary>qibo's class name of the channel (e.g. "DepolarizingChannel").</summary>
    public string Name { get; }

    /// <summary>The channel's parameters as text, for messages.</summary>
    public string Parameters { get; }

    /// <summary>The qubits the channel acts on (first = most significant bit of its Kraus matrices).</summary>
    public IReadOnlyList<int> Targets => _targets;

    /// <inheritdoc />
    public override IReadOnlyList<int> Qubits => _targets;

    /// <summary>The Kraus operators, each 2^k × 2^k row-major.</summary>
    public IReadOnlyList<Complex[]> KrausOperators => _kraus;

    /// <summary>
    /// True when trajectories can be sampled on a state vector: every Kᵢ†Kᵢ is diagonal, so the probability of
    /// operator i is Σ_b diag(Kᵢ†Kᵢ)[b]·P(b) with P the measurement probabilities of the targets.
    /// </summary>
    public bool SupportsTrajectories => KrausDiagonals is not null;

    /// <summary>True when every Kᵢ†Kᵢ is a multiple of the identity (a mixture of unitaries): probabilities do not depend on the state.</summary>
    public bool HasConstantProbabilities { get; }

    /// <summary>diag(Kᵢ†Kᵢ) per operator, or null when some Kᵢ†Kᵢ is not diagonal.</summary>
    internal double[][]? KrausDiagonals { get; }

    /// <summary>
    /// The superoperator Σᵢ Kᵢ ⊗ conj(Kᵢ): a 4^k × 4^k row-major matrix on the row copies of the targets followed by
    /// their column copies, acting on a density matrix stored as a vector with index (row, column).
    /// </summary>
    public Complex[] Superoperator()
    {
        int d = 1 << _targets.Length, d2 = d * d;
        var s = new Complex[d2 * d2];
        foreach (Complex[] k in _kraus)
        {
            for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            for (int a = 0; a < d; a++)
            {
                Complex kia = k[i * d + a];
                if (kia == Complex.Zero) continue;
                for (int b = 0; b < d; b++)
                {
                    s[(i * d + j) * d2 + a * d + b] += kia * Complex.Conjugate(k[j * d + b]);
                }
            }
        }
        return s;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}({Parameters}) {string.Join(",", _targets)}";

    // ---- factories -------------------------------------------------------------------------------------------

    /// <summary>qibo's KrausChannel: ρ → Σ Kᵢ ρ Kᵢ† with operators on <paramref name="targets"/> (2^k × 2^k, row-major).</summary>
    public static Channel Kraus(IReadOnlyList<int> targets, IEnumerable<Complex[]> operators)
    {
        ArgumentNullException.ThrowIfNull(operators);
        return new Channel("KrausChannel", [.. targets], [.. operators.Select(o => (Complex[])o.Clone())], $"{operators.Count()} operators");
    }

    /// <summary>
    /// qibo's UnitaryChannel: ρ → (1 − Σpᵢ) ρ + Σ pᵢ Uᵢ ρ Uᵢ†. Each pᵢ in [0, 1], Σpᵢ ≤ 1, each Uᵢ unitary.
    /// </summary>
    public static Channel Unitary(IReadOnlyList<int> targets, IReadOnlyList<double> probabilities, IReadOnlyList<Complex[]> unitaries)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(unitaries);
        if (probabilities.Count != unitaries.Count)
        {
            throw new ArgumentException($"UnitaryChannel: {probabilities.Count} probabilities for {unitaries.Count} unitaries");
        }
        for (int i = 0; i < probabilities.Count; i++) CheckProbability("UnitaryChannel", $"p[{i}]", probabilities[i]);
        double total = probabilities.Sum();
        CheckTotal("UnitaryChannel", total);
        int d = 1 << targets.Count;
        var kraus = new List<Complex[]>();
        for (int i = 0; i < unitaries.Count; i++)
        {
            Complex[] u = unitaries[i];
            if (u.Length != d * d)
            {
                throw new ArgumentException($"UnitaryChannel: unitary #{i} has {u.Length} entries, a {d}x{d} matrix on {targets.Count} qubit(s) needs {d * d}");
            }
            double dev = UnitarityDeviation(u, d);
            if (dev > CptpTolerance) throw new ArgumentException($"UnitaryChannel: matrix #{i} is not unitary (‖U†U − I‖max = {Fmt(dev)})");
            if (probabilities[i] > 0) kraus.Add(Scale(u, Math.Sqrt(probabilities[i])));
        }
        if (1 - total > 0) kraus.Add(Scale(Identity(d), Math.Sqrt(1 - total)));
        if (kraus.Count == 0) kraus.Add(Identity(d));
        return new Channel("UnitaryChannel", [.. targets], [.. kraus],
            string.Join(", ", probabilities.Select(Fmt)));
    }

    /// <summary>qibo's PauliNoiseChannel on one qubit: ρ → (1 − px − py − pz) ρ + px XρX + py YρY + pz ZρZ.</summary>
    public static Channel PauliNoise(int qubit, double px, double py, double pz)
    {
        CheckProbability("PauliNoiseChannel", "px", px);
        CheckProbability("PauliNoiseChannel", "py", py);
        CheckProbability("PauliNoiseChannel", "pz", pz);
        CheckTotal("PauliNoiseChannel", px + py + pz);
        var kraus = new List<Complex[]> { Scale(Identity(2), Math.Sqrt(Math.Max(0, 1 - px - py - pz))) };
        if (px > 0) kraus.Add(Scale(X, Math.Sqrt(px)));
        if (py > 0) kraus.Add(Scale(Y, Math.Sqrt(py)));
        if (pz > 0) kraus.Add(Scale(Z, Math.Sqrt(pz)));
        return new Channel("PauliNoiseChannel", [qubit], [.. kraus], $"px={Fmt(px)}, py={Fmt(py)}, pz={Fmt(pz)}");
    }

    /// <summary>
    /// qibo's DepolarizingChannel on k qubits: ρ → (1 − λ) ρ + λ Tr_Q(ρ) ⊗ I/2^k, for 0 ≤ λ ≤ 4^k/(4^k − 1)
    /// (written as a mixture of the 4^k Pauli strings, each with probability λ/4^k besides the identity).
    /// </summary>
    public static Channel Depolarizing(IReadOnlyList<int> targets, double lambda)
    {
        ArgumentNullException.ThrowIfNull(targets);
        int k = targets.Count;
        if (k is < 1 or > 6) throw new ArgumentException($"DepolarizingChannel: on {k} qubit(s); 1 to 6 are supported");
        double pauliCount = Math.Pow(4, k);
        double max = pauliCount / (pauliCount - 1);
        if (!(lambda >= 0 && lambda <= max))
        {
            throw new ArgumentException($"DepolarizingChannel: lambda = {Fmt(lambda)} is outside [0, {Fmt(max)}] for {k} qubit(s)");
        }
        var kraus = new List<Complex[]>();
        double each = lambda / pauliCount;
        Complex[][] paulis = [Identity(2), X, Y, Z];
        for (int code = 0; code < (int)pauliCount; code++)
        {
            Complex[] m = [1];
            for (int q = 0; q < k; q++) m = Kron(m, paulis[(code >> (2 * (k - 1 - q))) & 3]);
            double p = code == 0 ? 1 - lambda + each : each;
            if (p > 0) kraus.Add(Scale(m, Math.Sqrt(p)));
        }
        return new Channel("DepolarizingChannel", [.. targets], [.. kraus], $"lambda={Fmt(lambda)}");
    }

    /// <summary>qibo's AmplitudeDampingChannel: K₀ = [[1, 0], [0, √(1−γ)]], K₁ = [[0, √γ], [0, 0]].</summary>
    public static Channel AmplitudeDamping(int qubit, double gamma)
    {
        CheckProbability("AmplitudeDampingChannel", "gamma", gamma);
        Complex[] k0 = [1, 0, 0, Math.Sqrt(1 - gamma)];
        Complex[] k1 = [0, Math.Sqrt(gamma), 0, 0];
        return new Channel("AmplitudeDampingChannel", [qubit], [k0, k1], $"gamma={Fmt(gamma)}");
    }

    /// <summary>qibo's PhaseDampingChannel: K₀ = [[1, 0], [0, √(1−γ)]], K₁ = [[0, 0], [0, √γ]].</summary>
    public static Channel PhaseDamping(int qubit, double gamma)
    {
        CheckProbability("PhaseDampingChannel", "gamma", gamma);
        Complex[] k0 = [1, 0, 0, Math.Sqrt(1 - gamma)];
        Complex[] k1 = [0, 0, 0, Math.Sqrt(gamma)];
        return new Channel("PhaseDampingChannel", [qubit], [k0, k1], $"gamma={Fmt(gamma)}");
    }

    /// <summary>
    /// qibo's ResetChannel: ρ → (1 − p0 − p1) ρ + p0 Tr_q(ρ) ⊗ |0⟩⟨0| + p1 Tr_q(ρ) ⊗ |1⟩⟨1|.
    /// </summary>
    public static Channel ResetNoise(int qubit, double p0, double p1)
    {
        CheckProbability("ResetChannel", "p0", p0);
        CheckProbability("ResetChannel", "p1", p1);
        CheckTotal("ResetChannel", p0 + p1);
        var kraus = new List<Complex[]>();
        if (1 - p0 - p1 > 0) kraus.Add(Scale(Identity(2), Math.Sqrt(1 - p0 - p1)));
        if (p0 > 0)
        {
            kraus.Add([Math.Sqrt(p0), 0, 0, 0]);
            kraus.Add([0, Math.Sqrt(p0), 0, 0]);
        }
        if (p1 > 0)
        {
            kraus.Add([0, 0, Math.Sqrt(p1), 0]);
            kraus.Add([0, 0, 0, Math.Sqrt(p1)]);
        }
        return new Channel("ResetChannel", [qubit], [.. kraus], $"p0={Fmt(p0)}, p1={Fmt(p1)}");
    }

    /// <summary>
    /// qibo's ThermalRelaxationChannel with relaxation time T1, dephasing time T2 (≤ 2·T1), gate time and excited-state
    /// population: with p_reset = 1 − e^{−t/T1}, p0 = p_reset(1 − e), p1 = p_reset·e, the map is
    /// ρ00 → (1 − p1)ρ00 + p0ρ11, ρ11 → p1ρ00 + (1 − p0)ρ11, ρ01 → e^{−t/T2}ρ01 (qibo's two cases, T2 ≤ T1 and
    /// T1 &lt; T2 ≤ 2T1, are this one map).
    /// </summary>
    public static Channel ThermalRelaxation(int qubit, double t1, double t2, double time, double excitedPopulation = 0)
    {
        const string name = "ThermalRelaxationChannel";
        if (!(t1 > 0) || double.IsInfinity(t1)) throw new ArgumentException($"{name}: T1 = {Fmt(t1)} must be a positive finite number");
        if (!(t2 > 0) || double.IsInfinity(t2)) throw new ArgumentException($"{name}: T2 = {Fmt(t2)} must be a positive finite number");
        if (t2 > 2 * t1) throw new ArgumentException($"{name}: T2 = {Fmt(t2)} is greater than 2·T1 = {Fmt(2 * t1)} (no physical channel)");
        if (!(time >= 0) || double.IsInfinity(time)) throw new ArgumentException($"{name}: time = {Fmt(time)} must be 0 or more");
        CheckProbability(name, "excited_population", excitedPopulation);
        double pReset = 1 - Math.Exp(-time / t1);
        double p0 = pReset * (1 - excitedPopulation), p1 = pReset * excitedPopulation;
        double e2 = Math.Exp(-time / t2);
        var kraus = new List<Complex[]>();
        double a = 1 - p1;
        if (a > 1e-15)
        {
            double alpha = Math.Sqrt(a), beta = e2 / alpha;
            kraus.Add([alpha, 0, 0, beta]);
            double rest = Math.Max(0, 1 - p0 - beta * beta);
            if (rest > 0) kraus.Add([0, 0, 0, Math.Sqrt(rest)]);
        }
        else if (1 - p0 > 0)
        {
            kraus.Add([0, 0, 0, Math.Sqrt(1 - p0)]);
        }
        if (p0 > 0) kraus.Add([0, Math.Sqrt(p0), 0, 0]);
        if (p1 > 0) kraus.Add([0, 0, Math.Sqrt(p1), 0]);
        return new Channel(name, [qubit], [.. kraus],
            $"T1={Fmt(t1)}, T2={Fmt(t2)}, time={Fmt(time)}, excited_population={Fmt(excitedPopulation)}");
    }

    /// <summary>
    /// qibo's ReadoutErrorChannel: <paramref name="probabilities"/>[i][j] is the probability of reading basis state j
    /// when the targets are in basis state i (rows sum to 1). Kraus operators √P_ij |j⟩⟨i|: the targets are
    /// dephased and then flipped classically, so a measurement right after reads the noisy outcome.
    /// </summary>
    public static Channel ReadoutError(IReadOnlyList<int> targets, double[][] probabilities)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(probabilities);
        const string name = "ReadoutErrorChannel";
        int d = 1 << targets.Count;
        if (probabilities.Length != d || probabilities.Any(r => r is null || r.Length != d))
        {
            throw new ArgumentException($"{name}: on {targets.Count} qubit(s) the probability matrix must be {d}x{d}");
        }
        var kraus = new List<Complex[]>();
        for (int i = 0; i < d; i++)
        {
            double row = 0;
            for (int j = 0; j < d; j++)
            {
                CheckProbability(name, $"P[{i}][{j}]", probabilities[i][j]);
                row += probabilities[i][j];
                if (probabilities[i][j] == 0) continue;
                var k = new Complex[d * d];
                k[j * d + i] = Math.Sqrt(probabilities[i][j]);
                kraus.Add(k);
            }
            if (Math.Abs(row - 1) > CptpTolerance) throw new ArgumentException($"{name}: row {i} of the probability matrix sums to {Fmt(row)}, not 1");
        }
        return new Channel(name, [.. targets], [.. kraus], string.Join("; ", probabilities.Select(r => string.Join(" ", r.Select(Fmt)))));
    }

    // ---- checks and helpers ----------------------------------------------------------------------------------

    private void ValidateTargets()
    {
        if (_targets.Length == 0) throw new ArgumentException($"{Name}: needs at least one qubit");
        if (_targets.Length > 10) throw new ArgumentException($"{Name}: on {_targets.Length} qubits is too large (at most 10)");
        for (int i = 0; i < _targets.Length; i++)
        {
            if (_targets[i] < 0) throw new ArgumentException($"{Name}: qubit {_targets[i]} is negative");
            for (int j = 0; j < i; j++)
            {
                if (_targets[j] == _targets[i]) throw new ArgumentException($"{Name}: qubit {_targets[i]} is used twice");
            }
        }
    }

    private void ValidateKraus()
    {
        int d = 1 << _targets.Length;
        if (_kraus.Length == 0) throw new ArgumentException($"{Name}: needs at least one Kraus operator");
        for (int i = 0; i < _kraus.Length; i++)
        {
            if (_kraus[i] is null || _kraus[i].Length != d * d)
            {
                throw new ArgumentException(
                    $"{Name}: Kraus operator #{i} has {_kraus[i]?.Length ?? 0} entries; on {_targets.Length} qubit(s) it must be {d}x{d} ({d * d} entries)");
            }
            foreach (Complex z in _kraus[i])
            {
                if (!double.IsFinite(z.Real) || !double.IsFinite(z.Imaginary)) throw new ArgumentException($"{Name}: Kraus operator #{i} has a non-finite entry");
            }
        }
        // Σ K†K must be the identity.
        double worst = 0;
        int worstRow = 0, worstCol = 0;
        for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++)
        {
            Complex sum = 0;
            foreach (Complex[] k in _kraus)
            {
                for (int m = 0; m < d; m++) sum += Complex.Conjugate(k[m * d + r]) * k[m * d + c];
            }
            double dev = (sum - (r == c ? 1 : 0)).Magnitude;
            if (dev > worst)
            {
                worst = dev;
                worstRow = r;
                worstCol = c;
            }
        }
        if (worst > CptpTolerance)
        {
            throw new ArgumentException(
                $"{Name}: the Kraus operators are not trace preserving: Σ K†K differs from the identity by {Fmt(worst)} at entry ({worstRow}, {worstCol}) (tolerance {Fmt(CptpTolerance)})");
        }
    }

    private double[][]? ComputeDiagonals(out bool constant)
    {
        int d = 1 << _targets.Length;
        var diagonals = new double[_kraus.Length][];
        constant = true;
        for (int i = 0; i < _kraus.Length; i++)
        {
            Complex[] k = _kraus[i];
            diagonals[i] = new double[d];
            for (int r = 0; r < d; r++)
            for (int c = 0; c < d; c++)
            {
                Complex sum = 0;
                for (int m = 0; m < d; m++) sum += Complex.Conjugate(k[m * d + r]) * k[m * d + c];
                if (r == c) diagonals[i][r] = sum.Real;
                else if (sum.Magnitude > 1e-12) { constant = false; return null; }
            }
            for (int r = 1; r < d; r++)
            {
                if (Math.Abs(diagonals[i][r] - diagonals[i][0]) > 1e-12) constant = false;
            }
        }
        return diagonals;
    }

    private static void CheckProbability(string channel, string name, double p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{channel}: {name} = {Fmt(p)} is not a probability (must be in [0, 1])");
    }

    private static void CheckTotal(string channel, double total)
    {
        if (total > 1 + 1e-12) throw new ArgumentException($"{channel}: the probabilities sum to {Fmt(total)}, more than 1");
    }

    private static double UnitarityDeviation(Complex[] u, int d)
    {
        double worst = 0;
        for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++)
        {
            Complex sum = 0;
            for (int m = 0; m < d; m++) sum += Complex.Conjugate(u[m * d + r]) * u[m * d + c];
            worst = Math.Max(worst, (sum - (r == c ? 1 : 0)).Magnitude);
        }
        return worst;
    }

    internal static string Fmt(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    private static readonly Complex[] X = [0, 1, 1, 0];
    private static readonly Complex[] Y = [0, -Complex.ImaginaryOne, Complex.ImaginaryOne, 0];
    private static readonly Complex[] Z = [1, 0, 0, -1];

    private static Complex[] Identity(int d)
    {
        var m = new Complex[d * d];
        for (int i = 0; i < d; i++) m[i * d + i] = 1;
        return m;
    }

    private static Complex[] Scale(Complex[] m, double s) => Array.ConvertAll(m, z => z * s);

    private static Complex[] Kron(Complex[] a, Complex[] b)
    {
        int da = (int)Math.Sqrt(a.Length), db = (int)Math.Sqrt(b.Length), d = da * db;
        var m = new Complex[d * d];
        for (int i = 0; i < da; i++)
        for (int j = 0; j < da; j++)
        for (int k = 0; k < db; k++)
        for (int l = 0; l < db; l++)
            m[(i * db + k) * d + j * db + l] = a[i * da + j] * b[k * db + l];
        return m;
    }
}
