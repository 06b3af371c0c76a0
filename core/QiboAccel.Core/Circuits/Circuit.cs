using QiboAccel.Gates;
using QiboAccel.Parameters;

namespace QiboAccel.Circuits;

/// <summary>
/// A quantum circuit: a number of qubits (qubit 0 is the most significant bit of a state index), classical registers,
/// and an ordered list of operations. Every operation is checked against the qubit and bit counts as it is added.
/// </summary>
public sealed class Circuit
{
    private readonly List<Operation> _operations = [];
    private readonly List<ClassicalRegister> _classicalRegisters = [];
    private readonly List<Parameter> _parameters = [];

    /// <summary>Creates an empty circuit on <paramref name="nQubits"/> qubits.</summary>
    public Circuit(int nQubits)
    {
        if (nQubits < 1) throw new ArgumentOutOfRangeException(nameof(nQubits), nQubits, "a circuit needs at least one qubit");
        NQubits = nQubits;
    }

    /// <summary>Number of qubits.</summary>
    public int NQubits { get; }

    /// <summary>Total number of classical bits over all registers.</summary>
    public int NClbits { get; private set; }

    /// <summary>The operations, in order.</summary>
    public IReadOnlyList<Operation> Operations => _operations;

    /// <summary>The classical registers, in declaration order.</summary>
    public IReadOnlyList<ClassicalRegister> ClassicalRegisters => _classicalRegisters;

    /// <summary>
    /// The symbolic parameters, in order of declaration (<see cref="AddParameter(string)"/>) or first use. Values for
    /// <see cref="Bind(IReadOnlyList{double})"/>, sweeps and gradients are given in this order.
    /// </summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>True when some gate depends on a symbolic parameter: bind values before running.</summary>
    public bool IsParametrized => _symbolicGates > 0;

    /// <summary>True when some operation is a measurement (possibly under a condition).</summary>
    public bool HasMeasurements => _measurements > 0;

    // Counted as operations are appended (operations are immutable): every execution asks, and scanning a small
    // circuit's operations for them showed in its profile.
    private int _symbolicGates, _measurements;

    /// <summary>Appends <paramref name="operation"/> to the list and counts what <see cref="IsParametrized"/> and <see cref="HasMeasurements"/> report.</summary>
    private void Append(Operation operation)
    {
        Operation inner = operation is Conditional c ? c.Body : operation;
        if (inner is Gate { IsSymbolic: true }) _symbolicGates++;
        else if (inner is Measurement) _measurements++;
        _operations.Add(operation);
    }

    /// <summary>Declares a classical register after the existing ones.</summary>
    public ClassicalRegister AddClassicalRegister(string name, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, $"classical register '{name}' needs at least one bit");
        if (_classicalRegisters.Any(r => r.Name == name)) throw new ArgumentException($"classical register '{name}' is declared twice");
        var reg = new ClassicalRegister(name, NClbits, size);
        _classicalRegisters.Add(reg);
        NClbits += size;
        return reg;
    }

    /// <summary>Declares a parameter (so that it has a place in <see cref="Parameters"/> before any gate uses it).</summary>
    public Parameter AddParameter(string name)
    {
        if (_parameters.Any(p => p.Name == name)) throw new ArgumentException($"parameter '{name}' is declared twice");
        var parameter = new Parameter(name);
        _parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Declares an existing parameter (e.g. an OpenQASM <c>input</c>) at the end of <see cref="Parameters"/>.</summary>
    public Parameter AddParameter(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (_parameters.Any(p => ReferenceEquals(p, parameter))) return parameter;
        if (_parameters.Any(p => p.Name == parameter.Name)) throw new ArgumentException($"parameter '{parameter.Name}' is declared twice");
        _parameters.Add(parameter);
        return parameter;
    }

    /// <summary>The parameter called <paramref name="name"/>, or null.</summary>
    public Parameter? FindParameter(string name) => _parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// A copy of this circuit with every symbolic parameter replaced by its value: <paramref name="values"/>[i] is the
    /// value of <see cref="Parameters"/>[i].
    /// </summary>
    public Circuit Bind(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != _parameters.Count)
        {
            throw new ArgumentException($"the circuit has {_parameters.Count} parameter(s) ({string.Join(", ", _parameters.Select(p => p.Name))}), got {values.Count} value(s)");
        }
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i])) throw new ArgumentException($"parameter '{_parameters[i].Name}' = {values[i]} is not a finite number");
        }
        var index = new Dictionary<Parameter, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _parameters.Count; i++) index[_parameters[i]] = i;
        Circuit bound = Map((_, op) => op is Gate g ? g.Bind(p => values[index[p]]) : op);
        bound._parameters.Clear();
        return bound;
    }

    /// <summary>
    /// A copy with the same registers and parameters, each operation (a conditional's body) passed through
    /// <paramref name="map"/> with its index.
    /// </summary>
    internal Circuit Map(Func<int, Operation, Operation> map)
    {
        var copy = new Circuit(NQubits);
        copy._classicalRegisters.AddRange(_classicalRegisters);
        copy._parameters.AddRange(_parameters);
        copy.NClbits = NClbits;
        for (int i = 0; i < _operations.Count; i++)
        {
            Operation op = _operations[i];
            Operation mapped = op is Conditional c ? new Conditional(c.Register, c.Value, map(i, c.Body)) : map(i, op);
            if ((mapped is Conditional mc ? mc.Body : mapped) is Gate { IsSymbolic: true } g) copy.AdoptParameters(g);
            copy.Append(mapped);
        }
        return copy;
    }

    /// <summary>Appends an operation after checking its qubits and classical bits.</summary>
    public Circuit Add(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        foreach (int q in operation.Qubits)
        {
            if (q >= NQubits)
            {
                throw new ArgumentOutOfRangeException(nameof(operation),
                    $"{Describe(operation)}: qubit {q} is out of range for a circuit of {NQubits} qubit(s) (valid: 0..{NQubits - 1})");
            }
        }
        Operation inner = operation is Conditional c ? c.Body : operation;
        if (operation is Conditional cond && !_classicalRegisters.Contains(cond.Register))
        {
            throw new ArgumentException($"if: classical register '{cond.Register.Name}' does not belong to this circuit");
        }
        if (inner is Measurement m && m.Cbit >= NClbits)
        {
            // Circuits built in code (not QASM) get an implicit register so measuring "just works".
            if (_classicalRegisters.Count == 0 || _classicalRegisters[^1].Name == "m")
            {
                GrowImplicitRegister(m.Cbit + 1);
            }
            else
            {
                throw new ArgumentOutOfRangeException(nameof(operation),
                    $"measure: classical bit {m.Cbit} is out of range ({NClbits} classical bit(s))");
            }
        }
        if (inner is Gate { IsSymbolic: true } symbolic) AdoptParameters(symbolic);
        Append(operation);
        return this;
    }

    /// <summary>Appends a gate whose parameters may be symbolic (see <see cref="Gate.Parametrized"/>).</summary>
    public Circuit AddParametrized(GateKind kind, ReadOnlySpan<int> qubits, params ReadOnlySpan<Angle> angles)
        => Add(Gate.Parametrized(kind, qubits, angles));

    private void AdoptParameters(Gate gate)
    {
        var added = new List<Parameter>();
        foreach (var (p, _) in gate.Angles.SelectMany(a => a.Terms))
        {
            if (_parameters.Any(q => ReferenceEquals(q, p)) || added.Any(q => ReferenceEquals(q, p))) continue;
            if (_parameters.Any(q => q.Name == p.Name) || added.Any(q => q.Name == p.Name))
            {
                throw new ArgumentException($"{gate.Name}: another parameter called '{p.Name}' already belongs to this circuit");
            }
            added.Add(p);
        }
        _parameters.AddRange(added);
    }

    /// <summary>Appends a gate of qibo's set (qubits in qibo's constructor order, controls first).</summary>
    public Circuit Add(GateKind kind, ReadOnlySpan<int> qubits, params ReadOnlySpan<double> parameters)
        => Add(Gate.Create(kind, qubits, parameters));

    /// <summary>Measures each qubit into the next free classical bit of the implicit register "m".</summary>
    public Circuit Measure(params ReadOnlySpan<int> qubits)
    {
        foreach (int q in qubits) Add(new Measurement(q, NClbits));
        return this;
    }

    private void GrowImplicitRegister(int totalBits)
    {
        if (_classicalRegisters.Count == 0)
        {
            _classicalRegisters.Add(new ClassicalRegister("m", 0, totalBits));
        }
        else
        {
            var last = _classicalRegisters[^1];
            _classicalRegisters[^1] = last with { Size = totalBits - last.Offset };
        }
        NClbits = totalBits;
    }

    private static string Describe(Operation op) => op switch
    {
        Gate g => g.Name,
        Measurement => "measure",
        Reset => "reset",
        Conditional c => "if: " + Describe(c.Body),
        Noise.Channel ch => ch.Name,
        _ => op.GetType().Name,
    };
}
