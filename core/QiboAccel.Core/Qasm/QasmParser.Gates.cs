using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Parameters;

namespace QiboAccel.Qasm;

// Gate definitions, opaque declarations, gate lookup, and expansion of applications into qibo gates.
public sealed partial class QasmParser
{
    private const int MaxDefinitionNesting = 200;

    private readonly bool _libraryMode;
    private readonly Dictionary<string, QasmGateDecl> _gates;
    private readonly Dictionary<string, QasmGateDecl>.AlternateLookup<ReadOnlySpan<char>> _gateLookup;
    private readonly Dictionary<string, QasmGateDecl>.AlternateLookup<ReadOnlySpan<char>> _builtInLookup;
    private Dictionary<string, QasmGateDecl>.AlternateLookup<ReadOnlySpan<char>> _libraryLookup;
    private bool _included;

    // The gate definition being parsed (null at the top level): its name, parameter names and qubit names.
    private string? _definingGate;
    private string[] _scopeParameters = [];
    private string[] _scopeQubits = [];

    private void Include(QasmToken file)
    {
        if (_included) return;
        foreach (var gate in _gates.Values)
        {
            if (Qelib1.Gates.TryGetValue(gate.Name, out var library) && library.Origin == QasmGateOrigin.Qelib1)
            {
                throw Error(file, $"qelib1.inc defines gate '{gate.Name}', which is already defined at {gate.DefinedWhere(_fileName)}");
            }
        }
        _libraryLookup = Qelib1.Gates.GetAlternateLookup<ReadOnlySpan<char>>();
        _included = true;
    }

    /// <summary>The gate a name refers to: the program's own, then qelib1.inc's (if included), then U and CX.</summary>
    private QasmGateDecl LookupGate(QasmToken nameTok)
    {
        var name = Text(nameTok);
        if (_gateLookup.TryGetValue(name, out var gate)) return gate;
        if (_included && _libraryLookup.TryGetValue(name, out gate)) return gate;
        if (_builtInLookup.TryGetValue(name, out gate)) return gate;
        throw Error(nameTok, UnknownGateMessage(name.ToString()));
    }

    private string UnknownGateMessage(string name)
    {
        if (name == _definingGate)
        {
            return $"gate '{name}' cannot apply itself: recursive gate definitions are not allowed";
        }
        if (!_libraryMode && !_included && Qelib1.Gates.ContainsKey(name))
        {
            return $"unknown gate '{name}': it is defined in qelib1.inc, which is not included (add 'include \"qelib1.inc\";' after the OPENQASM line)";
        }
        var known = _gates.Keys.Concat(Qelib1.BuiltIns.Keys);
        if (_included) known = known.Concat(Qelib1.Gates.Keys);
        string? sameLetters = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        return sameLetters is null ? $"unknown gate '{name}'" : $"unknown gate '{name}' (did you mean '{sameLetters}'? names are case-sensitive)";
    }

    private static string ParameterCountMessage(QasmGateDecl gate, int got)
        => gate.ParameterCount == 0
            ? $"gate '{gate.Name}' takes no parameters, got {got}"
            : $"gate '{gate.Name}' takes {gate.ParameterCount} parameter{(gate.ParameterCount == 1 ? "" : "s")}, got {got}";

    private static string QubitCountMessage(QasmGateDecl gate, int got)
        => $"gate '{gate.Name}' acts on {gate.QubitCount} qubit{(gate.QubitCount == 1 ? "" : "s")}, got {got}";

    // ---------------------------------------------------------------- definitions

    /// <summary>Checks that a gate or opaque declaration may use this name, and returns it.</summary>
    private string CheckNewGateName(QasmToken nameTok)
    {
        CheckNotReserved(nameTok, "a gate");
        string name = Text(nameTok).ToString();
        if (Qelib1.BuiltIns.ContainsKey(name))
        {
            throw Error(nameTok, $"gate '{name}' is built into OpenQASM and cannot be redefined");
        }
        if (_gates.TryGetValue(name, out var existing))
        {
            throw Error(nameTok, existing.Origin == QasmGateOrigin.User
                ? $"gate '{name}' is already defined at {existing.DefinedWhere(_fileName)}"
                : $"gate '{name}' is already defined by {Qelib1.FileName}");
        }
        if (_included && Qelib1.Gates.TryGetValue(name, out existing) && existing.Origin == QasmGateOrigin.Qelib1)
        {
            throw Error(nameTok, $"gate '{name}' is already defined by {Qelib1.FileName}");
        }
        return name;
    }

    private void ParseGateDefinition()
    {
        Advance();
        var nameTok = ExpectIdentifier("a gate name after 'gate'");
        string name = CheckNewGateName(nameTok);
        var (parameters, qubits) = ParseSignature(name);

        var open = _tok;
        Expect(QasmTokenKind.LBrace, $"'{{' to open the body of gate '{name}'");
        _definingGate = name;
        _scopeParameters = parameters;
        _scopeQubits = qubits;
        var body = new List<QasmBodyOp>();
        while (_tok.Kind != QasmTokenKind.RBrace)
        {
            if (_tok.Kind == QasmTokenKind.EndOfFile)
            {
                throw Error(open, $"the body of gate '{name}' is never closed: missing '}}'");
            }
            ParseBodyStatement(body);
        }
        Advance();
        _definingGate = null;
        _scopeParameters = [];
        _scopeQubits = [];

        var origin = _libraryMode ? Qelib1.OriginOfDefined(name) : QasmGateOrigin.User;
        var gate = QasmGateDecl.Defined(name, parameters.Length, qubits.Length, origin, nameTok.Line, nameTok.Column, [.. body]);
        if (gate.NestingDepth > MaxDefinitionNesting)
        {
            throw Error(nameTok, $"gate '{name}' nests gate definitions {gate.NestingDepth} deep (at most {MaxDefinitionNesting} levels are supported)");
        }
        _gates.Add(name, gate);
    }

    private void ParseOpaqueDeclaration()
    {
        Advance();
        var nameTok = ExpectIdentifier("a gate name after 'opaque'");
        string name = CheckNewGateName(nameTok);
        var (parameters, qubits) = ParseSignature(name);
        ExpectSemicolon();
        _gates.Add(name, QasmGateDecl.Opaque(name, parameters.Length, qubits.Length, QasmGateOrigin.User, nameTok.Line, nameTok.Column));
    }

    /// <summary><c>(p1, p2) a, b</c>: optional parameter names, then at least one qubit name, all distinct.</summary>
    private (string[] Parameters, string[] Qubits) ParseSignature(string gate)
    {
        var names = new List<string>();
        int parameterCount = 0;
        if (Accept(QasmTokenKind.LParen))
        {
            if (_tok.Kind != QasmTokenKind.RParen)
            {
                do
                {
                    AddSignatureName(names, gate, "parameter");
                }
                while (Accept(QasmTokenKind.Comma));
            }
            Expect(QasmTokenKind.RParen, $"')' after the parameters of gate '{gate}'");
            parameterCount = names.Count;
        }
        if (_tok.Kind != QasmTokenKind.Identifier)
        {
            throw Error(_tok, $"expected the qubit arguments of gate '{gate}' (e.g. 'a, b'), found {Describe(_tok)}");
        }
        do
        {
            AddSignatureName(names, gate, "qubit argument");
        }
        while (Accept(QasmTokenKind.Comma));
        return (names.Take(parameterCount).ToArray(), names.Skip(parameterCount).ToArray());
    }

    private void AddSignatureName(List<string> names, string gate, string role)
    {
        var token = ExpectIdentifier($"a {role} name for gate '{gate}'");
        CheckNotReserved(token, $"a {role}");
        string name = Text(token).ToString();
        if (names.Contains(name))
        {
            throw Error(token, $"gate '{gate}' declares '{name}' twice (parameter and qubit names must all differ)");
        }
        names.Add(name);
        if (_tok.Kind == QasmTokenKind.LBracket)
        {
            throw Error(_tok, $"the {role} '{name}' of gate '{gate}' cannot have a size: gate arguments are single qubits");
        }
    }

    private void ParseBodyStatement(List<QasmBodyOp> body)
    {
        var nameTok = _tok;
        if (nameTok.Kind != QasmTokenKind.Identifier)
        {
            throw Error(nameTok, $"expected a gate application or barrier in the body of gate '{_definingGate}', found {Describe(nameTok)}");
        }
        switch (Text(nameTok))
        {
            case "barrier":
                Advance();
                do
                {
                    ParseFormalQubit("barrier");
                }
                while (Accept(QasmTokenKind.Comma));
                ExpectSemicolon();
                return;
            case "measure" or "reset" or "if" or "qreg" or "creg" or "gate" or "opaque" or "include" or "OPENQASM":
                throw Error(nameTok, $"'{Text(nameTok)}' is not allowed inside the definition of gate '{_definingGate}': a gate body may only apply gates and barriers");
        }

        var gate = LookupGate(nameTok);
        Advance();
        var parameters = new List<QasmExpression>();
        if (Accept(QasmTokenKind.LParen))
        {
            if (_tok.Kind != QasmTokenKind.RParen)
            {
                do
                {
                    parameters.Add(ParseExpression().ToExpression());
                }
                while (Accept(QasmTokenKind.Comma));
            }
            Expect(QasmTokenKind.RParen, $"')' after the parameters of '{gate.Name}'");
        }
        if (parameters.Count != gate.ParameterCount)
        {
            throw Error(nameTok, ParameterCountMessage(gate, parameters.Count));
        }

        var qubits = new List<int>();
        do
        {
            var qubitTok = _tok;
            int qubit = ParseFormalQubit($"'{gate.Name}'");
            int previous = qubits.IndexOf(qubit);
            if (previous >= 0)
            {
                throw Error(qubitTok,
                    $"qubit '{_scopeQubits[qubit]}' is used twice by '{gate.Name}' (arguments {previous + 1} and {qubits.Count + 1}); a gate's qubits must be distinct");
            }
            qubits.Add(qubit);
        }
        while (Accept(QasmTokenKind.Comma));
        ExpectSemicolon();
        if (qubits.Count != gate.QubitCount)
        {
            throw Error(nameTok, QubitCountMessage(gate, qubits.Count));
        }
        body.Add(new QasmBodyOp(gate, [.. parameters], [.. qubits], nameTok.Line, nameTok.Column));
    }

    /// <summary>A qubit argument of the gate being defined; returns its position in the gate's qubit list.</summary>
    private int ParseFormalQubit(string user)
    {
        var token = ExpectIdentifier($"a qubit argument of gate '{_definingGate}' for {user}");
        var name = Text(token);
        int index = -1;
        for (int i = 0; i < _scopeQubits.Length; i++)
        {
            if (name.SequenceEqual(_scopeQubits[i]))
            {
                index = i;
                break;
            }
        }
        if (index < 0)
        {
            string reason = _registerLookup.TryGetValue(name, out var register)
                ? $"'{register.Name}' is a register, but inside the definition of gate '{_definingGate}' only its qubit arguments ({string.Join(", ", _scopeQubits)}) can be used"
                : Array.IndexOf(_scopeParameters, name.ToString()) >= 0
                    ? $"'{name}' is a parameter of gate '{_definingGate}', not a qubit (its qubits: {string.Join(", ", _scopeQubits)})"
                    : $"unknown qubit '{name}' in the definition of gate '{_definingGate}' (its qubits: {string.Join(", ", _scopeQubits)})";
            throw Error(token, reason);
        }
        if (_tok.Kind == QasmTokenKind.LBracket)
        {
            throw Error(_tok, $"qubit argument '{name}' of gate '{_definingGate}' is a single qubit and cannot be indexed");
        }
        return index;
    }

    // ---------------------------------------------------------------- expansion

    /// <summary>
    /// Appends the qibo gates of one application: a direct mapping, or the definition's body with parameters
    /// substituted and qubit arguments mapped (recursively). <paramref name="site"/> is the top-level application.
    /// </summary>
    private void Emit(QasmGateDecl gate, ReadOnlySpan<double> parameters, ReadOnlySpan<int> qubits, QasmToken site,
        QasmRegister? condition, long value, Angle[]? angles = null)
    {
        if (gate.Kind is GateKind kind)
        {
            Gate built;
            try
            {
                int extra = gate.ExtraControls;
                built = angles is null
                    ? Gate.Create(kind, qubits[extra..], gate.IgnoresParameters ? ReadOnlySpan<double>.Empty : parameters)
                    : Gate.Parametrized(kind, qubits[extra..], gate.IgnoresParameters ? [] : angles);
                if (extra > 0) built = built.Controlled(qubits[..extra]);
            }
            catch (ArgumentException e)
            {
                throw Error(site, $"gate '{gate.Name}'{InExpansionOf(gate, site)}: {e.Message}");
            }
            Add(built, condition, value);
            return;
        }
        if (gate.IsOpaque)
        {
            throw Error(site, $"gate '{gate.Name}' is declared opaque (at {gate.DefinedWhere(_fileName)}) and has no definition, so it cannot be applied{InExpansionOf(gate, site)}");
        }

        var body = gate.Body!;
        Span<double> p = gate.MaxBodyParameters <= 64 ? stackalloc double[gate.MaxBodyParameters] : new double[gate.MaxBodyParameters];
        Span<int> q = gate.MaxBodyQubits <= 64 ? stackalloc int[gate.MaxBodyQubits] : new int[gate.MaxBodyQubits];
        foreach (var op in body)
        {
            var opParameters = p[..op.Parameters.Length];
            Angle[]? opAngles = null;
            if (angles is not null)
            {
                // Some actual parameters use circuit inputs: carry angles through the body (the numbers are unused).
                opAngles = new Angle[op.Parameters.Length];
                for (int i = 0; i < opAngles.Length; i++)
                {
                    opAngles[i] = AffineOrError(op.Parameters[i], angles, gate, site,
                        $"parameter {i + 1} of '{op.Gate.Name}' (at {FileOf(gate)}:{op.Line}:{op.Column}, in the definition of '{gate.Name}')");
                }
                var symbolicQubits = q[..op.Qubits.Length];
                for (int i = 0; i < symbolicQubits.Length; i++) symbolicQubits[i] = qubits[op.Qubits[i]];
                Emit(op.Gate, opParameters, symbolicQubits, site, condition, value, opAngles);
                continue;
            }
            for (int i = 0; i < opParameters.Length; i++)
            {
                double v = op.Parameters[i].Evaluate(parameters);
                if (!double.IsFinite(v))
                {
                    throw Error(site,
                        $"parameter {i + 1} of '{op.Gate.Name}' (at {FileOf(gate)}:{op.Line}:{op.Column}, in the definition of '{gate.Name}') evaluates to {Format(v)}{InExpansionOf(gate, site)}");
                }
                opParameters[i] = v;
            }
            var opQubits = q[..op.Qubits.Length];
            for (int i = 0; i < opQubits.Length; i++) opQubits[i] = qubits[op.Qubits[i]];
            Emit(op.Gate, opParameters, opQubits, site, condition, value);
        }
    }

    private Angle AffineOrError(QasmExpression expression, Angle[] angles, QasmGateDecl gate, QasmToken site, string what)
    {
        try
        {
            return expression.EvaluateAngle(angles);
        }
        catch (NotAffineException e)
        {
            throw Error(site, $"{what}: {e.Message}; inputs may only be added, subtracted and multiplied or divided by numbers{InExpansionOf(gate, site)}");
        }
    }

    private string FileOf(QasmGateDecl gate) => gate.Origin == QasmGateOrigin.User ? _fileName : Qelib1.FileName;

    private string InExpansionOf(QasmGateDecl gate, QasmToken site)
    {
        var applied = Text(site);
        return applied.SequenceEqual(gate.Name) ? "" : $" (while expanding '{applied}')";
    }
}
