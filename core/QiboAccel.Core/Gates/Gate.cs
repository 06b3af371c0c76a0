using System.Numerics;
using QiboAccel.Abi;
using QiboAccel.Circuits;
using QiboAccel.Parameters;

namespace QiboAccel.Gates;

/// <summary>
/// A gate of qibo's standard set applied to qubits. Controls (built-in ones such as CNOT's, then any extra ones)
/// and targets are kept apart; the operation on the targets is <see cref="Definition"/>.Op.
/// </summary>
public sealed class Gate : Operation
{
    private readonly int[] _targets;
    private readonly int[] _controls;
    private readonly double[] _parameters;
    private readonly Complex[]? _matrix;
    private readonly int[] _qubits;
    private readonly Angle[]? _angles; // null unless some parameter is symbolic

    private Gate(GateKind kind, int[] controls, int[] targets, double[] parameters, Complex[]? matrix, Angle[]? angles = null)
    {
        Definition = GateDefinition.Of(kind);
        _controls = controls;
        _targets = targets;
        _parameters = parameters;
        _matrix = matrix;
        _qubits = [.. controls, .. targets];
        _angles = angles;
        Validate();
    }

    /// <summary>What kind of gate this is.</summary>
    public GateDefinition Definition { get; }

    /// <summary>The gate kind.</summary>
    public GateKind Kind => Definition.Kind;

    /// <summary>qibo's name of the gate.</summary>
    public string Name => Definition.Name;

    /// <summary>Qubits the target operation acts on (first = most significant in its matrix).</summary>
    public IReadOnlyList<int> Targets => _targets;

    /// <summary>Control qubits: built-in ones first, then extra ones. All are conditioned on |1⟩.</summary>
    public IReadOnlyList<int> Controls => _controls;

    /// <summary>
    /// Real parameters in qibo's order (e.g. U3: theta, phi, lambda). For a symbolic gate (<see cref="IsSymbolic"/>)
    /// these are the constant parts only; bind the circuit to get the values.
    /// </summary>
    public IReadOnlyList<double> Parameters => _parameters;

    /// <summary>The parameters as angles: symbolic ones refer to circuit <see cref="Parameter"/>s, the rest are constants.</summary>
    public IReadOnlyList<Angle> Angles => _angles ?? Array.ConvertAll(_parameters, v => Angle.Of(v));

    /// <summary><see cref="Targets"/>, <see cref="Controls"/> and <see cref="Parameters"/> without an enumerator: lowering reads them for every gate.</summary>
    internal ReadOnlySpan<int> TargetSpan => _targets;

    /// <inheritdoc cref="TargetSpan"/>
    internal ReadOnlySpan<int> ControlSpan => _controls;

    /// <inheritdoc cref="TargetSpan"/>
    internal ReadOnlySpan<double> ParameterSpan => _parameters;

    /// <summary>True when some parameter depends on a symbolic <see cref="Parameter"/>: the gate must be bound before it runs.</summary>
    public bool IsSymbolic => _angles is not null;

    /// <summary>The matrix given by the user: Unitary's full matrix, or GeneralizedfSim's 2x2 block.</summary>
    public ReadOnlySpan<Complex> UserMatrix => _matrix;

    /// <inheritdoc />
    public override IReadOnlyList<int> Qubits => _qubits;

    /// <summary>
    /// Creates a gate with qubits in qibo's constructor order: built-in controls first, then targets
    /// (CNOT(control, target), TOFFOLI(c1, c2, target), CU3(control, target, θ, φ, λ)).
    /// </summary>
    public static Gate Create(GateKind kind, ReadOnlySpan<int> qubits, params ReadOnlySpan<double> parameters)
    {
        var def = GateDefinition.Of(kind);
        if (kind is GateKind.Unitary or GateKind.GeneralizedfSim)
        {
            throw new ArgumentException($"{def.Name} takes a matrix: use Gate.{def.Name}(...)");
        }
        int expected = def.BuiltInControls + def.Targets;
        if (qubits.Length != expected)
        {
            throw new ArgumentException($"{def.Name} acts on {expected} qubit(s), got {qubits.Length}");
        }
        return new Gate(kind, qubits[..def.BuiltInControls].ToArray(), qubits[def.BuiltInControls..].ToArray(),
            parameters.ToArray(), null);
    }

    /// <summary>
    /// Creates a gate whose parameters may depend on symbolic <see cref="Parameter"/>s
    /// (<c>Gate.Parametrized(GateKind.RX, [0], theta)</c>, <c>2 * theta</c>, <c>theta - Math.PI / 2</c>); qubits as in
    /// <see cref="Create"/>. With only constant angles this is <see cref="Create"/>.
    /// </summary>
    public static Gate Parametrized(GateKind kind, ReadOnlySpan<int> qubits, params ReadOnlySpan<Angle> angles)
    {
        double[] values = Constants(angles, out bool symbolic);
        Gate gate = Create(kind, qubits, values);
        return symbolic ? new Gate(kind, gate._controls, gate._targets, values, null, angles.ToArray()) : gate;
    }

    /// <summary>
    /// This gate with every symbolic parameter replaced by its value (<paramref name="valueOf"/>); the gate itself
    /// when it has none.
    /// </summary>
    public Gate Bind(Func<Parameter, double> valueOf)
    {
        if (_angles is null) return this;
        var values = new double[_angles.Length];
        for (int i = 0; i < values.Length; i++) values[i] = _angles[i].Evaluate(valueOf);
        return new Gate(Kind, _controls, _targets, values, _matrix);
    }

    /// <summary>The same gate (kind, qubits, matrix) with other, possibly symbolic, parameters.</summary>
    public Gate WithAngles(ReadOnlySpan<Angle> angles)
    {
        if (angles.Length != _parameters.Length) throw new ArgumentException($"{Name} takes {_parameters.Length} parameter(s), got {angles.Length}");
        double[] values = Constants(angles, out bool symbolic);
        return new Gate(Kind, _controls, _targets, values, _matrix, symbolic ? angles.ToArray() : null);
    }

    /// <summary>The angles' constant parts (a gate's values when no parameter is bound), and whether any is symbolic.</summary>
    private static double[] Constants(ReadOnlySpan<Angle> angles, out bool symbolic)
    {
        var values = new double[angles.Length];
        symbolic = false;
        for (int i = 0; i < angles.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(angles[i], nameof(angles));
            values[i] = angles[i].Constant;
            symbolic |= !angles[i].IsConstant;
        }
        return values;
    }

    /// <summary>The same gate (kind, qubits, matrix) with other parameter values: a concrete gate.</summary>
    public Gate WithParameters(ReadOnlySpan<double> values) => new(Kind, _controls, _targets, values.ToArray(), _matrix);

    /// <summary>A dense unitary on <paramref name="targets"/> (row-major, 2^k x 2^k, first target most significant).</summary>
    public static Gate Unitary(ReadOnlySpan<Complex> matrix, params ReadOnlySpan<int> targets)
        => new(GateKind.Unitary, [], targets.ToArray(), [], matrix.ToArray());

    /// <summary>qibo's GeneralizedfSim: a 2x2 unitary on |01⟩,|10⟩ and phase e^{-iφ} on |11⟩.</summary>
    public static Gate GeneralizedfSim(int q0, int q1, ReadOnlySpan<Complex> block, Angle phi)
    {
        ArgumentNullException.ThrowIfNull(phi);
        return new(GateKind.GeneralizedfSim, [], [q0, q1], [phi.Constant], block.ToArray(), phi.IsConstant ? null : [phi]);
    }

    /// <summary>This gate with extra control qubits appended.</summary>
    public Gate Controlled(params ReadOnlySpan<int> extraControls)
        => new(Kind, [.. _controls, .. extraControls], _targets, _parameters, _matrix, _angles);

    /// <summary>The 2^k x 2^k matrix on the targets alone (controls not included), row-major.</summary>
    public Complex[] TargetMatrix()
        => IsSymbolic ? throw new InvalidOperationException($"{Name} has symbolic parameters ({string.Join(", ", Angles)}): bind the circuit first")
        : Kind == GateKind.Unitary ? (Complex[])_matrix!.Clone() : OpMatrices.Of(Definition.Op, _parameters, _matrix);

    /// <inheritdoc />
    public override string ToString()
    {
        string args = _parameters.Length == 0 ? "" : "(" + string.Join(", ", _angles is null ? _parameters.Select(p => p.ToString()) : _angles.Select(a => a.ToString())) + ")";
        return $"{Name}{args} {string.Join(",", Qubits)}";
    }

    private void Validate()
    {
        var def = Definition;
        if (_parameters.Length != def.Parameters)
        {
            throw new ArgumentException($"{def.Name} takes {def.Parameters} parameter(s), got {_parameters.Length}");
        }
        foreach (double p in _parameters)
        {
            if (!double.IsFinite(p)) throw new ArgumentException($"{def.Name}: parameter {p} is not a finite number");
        }
        if (_targets.Length == 0) throw new ArgumentException($"{def.Name} needs at least one target qubit");
        if (Kind == GateKind.Unitary)
        {
            if (_targets.Length > 30) throw new ArgumentException($"Unitary on {_targets.Length} qubits is too large");
            long dim = 1L << _targets.Length;
            if (_matrix!.Length != dim * dim)
            {
                throw new ArgumentException(
                    $"Unitary on {_targets.Length} qubit(s) needs a {dim}x{dim} matrix ({dim * dim} entries), got {_matrix.Length}");
            }
        }
        if (Kind == GateKind.GeneralizedfSim && _matrix!.Length != 4)
        {
            throw new ArgumentException($"GeneralizedfSim needs a 2x2 block, got {_matrix.Length} entries");
        }
        // Gates touch a handful of qubits: a quadratic scan beats a set, and parsing large files calls this per gate.
        int[] qubits = _qubits;
        for (int i = 0; i < qubits.Length; i++)
        {
            if (qubits[i] < 0) throw new ArgumentException($"{def.Name}: qubit {qubits[i]} is negative");
            for (int j = 0; j < i; j++)
            {
                if (qubits[j] == qubits[i]) throw new ArgumentException($"{def.Name}: qubit {qubits[i]} is used twice");
            }
        }
    }
}
