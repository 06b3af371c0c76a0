using QiboAccel.Gates;

namespace QiboAccel.Qasm;

/// <summary>Where a gate name comes from; decides whether a user definition may reuse the name.</summary>
internal enum QasmGateOrigin : byte
{
    /// <summary><c>U</c> and <c>CX</c>: part of the language, always defined, never redefinable.</summary>
    BuiltIn,

    /// <summary>A gate of Qiskit's qelib1.inc: defined by <c>include "qelib1.inc";</c>, not redefinable after it.</summary>
    Qelib1,

    /// <summary>
    /// A gate qibo or Qiskit know that qelib1.inc lacks (iswap, ryy, ccz, rzx, ecr...): defined by the include too,
    /// but a program may define its own gate of that name (Qiskit's exporter writes such definitions), which wins.
    /// </summary>
    Extension,

    /// <summary>Defined (or declared opaque) by the program.</summary>
    User,
}

/// <summary>
/// A gate the program may apply: either a direct qibo gate (<see cref="Kind"/>, possibly with extra controls),
/// or a definition expanded at each use (<see cref="Body"/>), or an opaque declaration (cannot be applied).
/// </summary>
internal sealed class QasmGateDecl
{
    private QasmGateDecl(string name, int parameterCount, int qubitCount, QasmGateOrigin origin, int line, int column)
    {
        Name = name;
        ParameterCount = parameterCount;
        QubitCount = qubitCount;
        Origin = origin;
        Line = line;
        Column = column;
    }

    public string Name { get; }

    /// <summary>Number of real parameters in QASM.</summary>
    public int ParameterCount { get; }

    /// <summary>Number of qubit arguments in QASM.</summary>
    public int QubitCount { get; }

    public QasmGateOrigin Origin { get; }

    /// <summary>Line of the definition (0 for gates that are not defined by QASM text).</summary>
    public int Line { get; }

    /// <summary>Column of the definition's name.</summary>
    public int Column { get; }

    /// <summary>The qibo gate applied, for a direct mapping.</summary>
    public GateKind? Kind { get; private init; }

    /// <summary>
    /// For a direct mapping: how many leading QASM qubits become extra controls (<see cref="Gate.Controlled"/>)
    /// of the qibo gate built from the remaining ones (cswap: 1, c3x: 3, c4x: 4).
    /// </summary>
    public int ExtraControls { get; private init; }

    /// <summary>For a direct mapping: the QASM parameters are dropped (u0(γ) is the identity).</summary>
    public bool IgnoresParameters { get; private init; }

    /// <summary>The body of a definition (null for direct mappings and opaque gates).</summary>
    public QasmBodyOp[]? Body { get; private init; }

    /// <summary>Largest parameter count over the body's operations (scratch size for expansion).</summary>
    public int MaxBodyParameters { get; private init; }

    /// <summary>Largest qubit count over the body's operations (scratch size for expansion).</summary>
    public int MaxBodyQubits { get; private init; }

    /// <summary>
    /// How many circuit operations one application becomes: 1 for a direct mapping, the sum over the body for a
    /// definition (saturating at <see cref="long.MaxValue"/>: g_k applying g_(k-1) twice reaches 2^k), 0 for opaque gates.
    /// Known before expanding, so an exponential definition is refused without being expanded.
    /// </summary>
    public long ExpandedCount { get; private init; }

    /// <summary>0 for direct mappings and opaque gates; 1 + the deepest gate its body applies, for definitions.</summary>
    public int NestingDepth { get; private init; }

    /// <summary>Declared with <c>opaque</c>: no definition, applying it is an error.</summary>
    public bool IsOpaque { get; private init; }

    /// <summary>Where the definition was written, for messages: "line 4" or "qelib1.inc".</summary>
    public string DefinedWhere(string fileName)
        => Origin == QasmGateOrigin.User ? $"{fileName}:{Line}:{Column}" : Origin == QasmGateOrigin.BuiltIn ? "the language" : Qelib1.FileName;

    /// <summary>A gate applied as qibo's <paramref name="kind"/> (plus <paramref name="extraControls"/> leading controls).</summary>
    public static QasmGateDecl Native(string name, GateKind kind, QasmGateOrigin origin, int extraControls = 0, int ignoredParameters = 0)
    {
        var def = GateDefinition.Of(kind);
        return new QasmGateDecl(name, ignoredParameters > 0 ? ignoredParameters : def.Parameters,
            extraControls + def.BuiltInControls + def.Targets, origin, 0, 0)
        {
            Kind = kind,
            ExpandedCount = 1,
            ExtraControls = extraControls,
            IgnoresParameters = ignoredParameters > 0,
        };
    }

    /// <summary>A gate defined by a body, expanded where it is applied.</summary>
    public static QasmGateDecl Defined(string name, int parameterCount, int qubitCount, QasmGateOrigin origin,
        int line, int column, QasmBodyOp[] body)
    {
        int maxParameters = 0, maxQubits = 0, depth = 0;
        long expanded = 0;
        foreach (var op in body)
        {
            expanded = op.Gate.ExpandedCount > long.MaxValue - expanded ? long.MaxValue : expanded + op.Gate.ExpandedCount;
            maxParameters = Math.Max(maxParameters, op.Parameters.Length);
            maxQubits = Math.Max(maxQubits, op.Qubits.Length);
            depth = Math.Max(depth, op.Gate.NestingDepth);
        }
        return new QasmGateDecl(name, parameterCount, qubitCount, origin, line, column)
        {
            Body = body,
            MaxBodyParameters = maxParameters,
            MaxBodyQubits = maxQubits,
            NestingDepth = depth + 1,
            ExpandedCount = expanded,
        };
    }

    /// <summary>An opaque declaration.</summary>
    public static QasmGateDecl Opaque(string name, int parameterCount, int qubitCount, QasmGateOrigin origin, int line, int column)
        => new(name, parameterCount, qubitCount, origin, line, column) { IsOpaque = true };
}

/// <summary>One gate application inside a definition body, resolved when the definition is parsed.</summary>
/// <param name="Gate">The gate applied (resolved at definition time, as OpenQASM 2.0 requires).</param>
/// <param name="Parameters">Its parameters, as expressions over the enclosing gate's parameters.</param>
/// <param name="Qubits">Its qubits, as indices into the enclosing gate's qubit arguments.</param>
/// <param name="Line">Line of the application, for messages.</param>
/// <param name="Column">Column of the application, for messages.</param>
internal sealed record QasmBodyOp(QasmGateDecl Gate, QasmExpression[] Parameters, int[] Qubits, int Line, int Column);
