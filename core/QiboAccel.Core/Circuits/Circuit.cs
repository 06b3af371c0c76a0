using QiboAccel.Gates;

namespace QiboAccel.Circuits;

/// <summary>
/// A quantum circuit: a number of qubits (qubit 0 is the most significant bit of a state index), classical registers,
/// and an ordered list of operations. Every operation is checked against the qubit and bit counts as it is added.
/// </summary>
public sealed class Circuit
{
    private readonly List<Operation> _operations = [];
    private readonly List<ClassicalRegister> _classicalRegisters = [];

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

    /// <summary>True when some operation is a measurement (possibly under a condition).</summary>
    public bool HasMeasurements => _operations.Any(o => (o is Conditional c ? c.Body : o) is Measurement);

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
        _operations.Add(operation);
        return this;
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
