using System.Diagnostics;
using System.Globalization;
using QiboAccel.Circuits;
using QiboAccel.Parameters;
using QiboAccel.Safety;

namespace QiboAccel.Qasm;

/// <summary>
/// OpenQASM 2.0 front end: turns a program into a <see cref="Circuit"/> of qibo gates.
/// </summary>
/// <remarks>
/// <para>
/// Supported: the optional <c>OPENQASM 2.0;</c> header, <c>include "qelib1.inc";</c> (built in, no file is read; any other
/// include is an error), <c>qreg</c>/<c>creg</c> (several of each), <c>gate</c> definitions (expanded where applied,
/// nested definitions allowed), <c>opaque</c> declarations (applying one is an error), <c>measure</c>, <c>reset</c>,
/// <c>barrier</c> (checked, then dropped), <c>if (creg==value)</c>, broadcasting over whole registers, and
/// expressions with + - * / ^ (right-associative, binding tighter than unary minus: <c>-2^2</c> is -4), <c>pi</c>,
/// sin, cos, tan, exp, ln, sqrt.
/// </para>
/// <para>
/// Qubits are numbered over all qregs concatenated in declaration order: element 0 of the first qreg is circuit
/// qubit 0 (the most significant bit of a state index, qibo's convention). Classical registers become the circuit's
/// registers in declaration order, so <c>c[j]</c> is classical bit <c>c.Offset + j</c>.
/// </para>
/// <para>
/// Gates map to qibo's gates as qibo's own QASM import does (qubits controls first): u3/U/u → U3, u2 → U2,
/// u1/p/phase → U1, cx/CX → CNOT, id/u0 → I, cu1/cp → CU1, cu3 → CU3, ccx → TOFFOLI, ccz → CCZ, cswap → SWAP controlled
/// by its first qubit, c3x/c4x → X with 3/4 controls, c3sqrtx → SX with 3 controls, and so on. qibo's U3 and U2 differ
/// from Qiskit's by the global phase e^{-i(φ+λ)/2}, so qibo's CU3 differs from Qiskit's cu3 by the phase u1((φ+λ)/2) on the
/// control. Gates without a qibo equivalent (cu, rccx, rc3x, rzx, ecr, dcx, r) are expanded from their definitions.
/// </para>
/// <para>
/// Errors throw <see cref="QasmException"/> with the file, line and column of the offending symbol.
/// The parser is a hand-written scanner and recursive-descent parser; it is safe to call from several threads at once.
/// </para>
/// </remarks>
public sealed partial class QasmParser
{
    private const int MaxExpressionDepth = 256;

    private static readonly string[] ReservedWords =
    [
        "OPENQASM", "include", "qreg", "creg", "gate", "opaque", "measure", "reset", "barrier", "if",
        "pi", "sin", "cos", "tan", "exp", "ln", "sqrt",
    ];

    private readonly string _source;
    private readonly string _fileName;
    private readonly QasmLexer _lexer;
    private QasmToken _tok;

    private readonly List<Operation> _operations = [];
    private readonly Dictionary<string, QasmRegister> _registers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QasmRegister>.AlternateLookup<ReadOnlySpan<char>> _registerLookup;
    private readonly List<QasmRegister> _classicalRegisters = [];
    private int _qubitCount;
    private int _clbitCount;

    // Circuit inputs (input angle theta;), in declaration order.
    private readonly Dictionary<string, Parameter> _inputs = new(StringComparer.Ordinal);
    private readonly List<Parameter> _inputOrder = [];

    // Scratch for the parameters and arguments of one top-level statement.
    private double[] _parameters = new double[8];
    private QasmArgument[] _arguments = new QasmArgument[8];

    private int _depth;
    private ICollection<string>? _warnings;
    private readonly long _maxOperations;

    private QasmParser(string source, string fileName, Dictionary<string, QasmGateDecl> gates, bool libraryMode)
    {
        _source = source;
        _fileName = fileName;
        _lexer = new QasmLexer(source, fileName);
        _registerLookup = _registers.GetAlternateLookup<ReadOnlySpan<char>>();
        _gates = gates;
        _gateLookup = gates.GetAlternateLookup<ReadOnlySpan<char>>();
        _builtInLookup = Qelib1.BuiltIns.GetAlternateLookup<ReadOnlySpan<char>>();
        _libraryMode = libraryMode;
        _maxOperations = libraryMode ? long.MaxValue : InputLimits.Operations.Value;
    }

    /// <summary>Parses an OpenQASM 2.0 program.</summary>
    /// <param name="source">The program text.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The circuit: one qubit per qreg element, the cregs as classical registers, the operations in order.</returns>
    /// <exception cref="QasmException">The program is not valid OpenQASM 2.0 or uses something unsupported.</exception>
    /// <param name="warnings">Receives warnings (<c>file:line:column: warning: …</c>) about accepted irregularities.</param>
    public static Circuit Parse(string source, string fileName = "<input>", ICollection<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(fileName);
        var parser = new QasmParser(source, fileName, new Dictionary<string, QasmGateDecl>(StringComparer.Ordinal), libraryMode: false)
        {
            _warnings = warnings,
        };
        parser.ParseProgram();
        return parser.BuildCircuit();
    }

    /// <summary>Reads and parses an OpenQASM 2.0 file (UTF-8, or as marked by a byte-order mark).</summary>
    /// <param name="path">The file; error messages name it as given.</param>
    /// <returns>The circuit, as <see cref="Parse"/> builds it.</returns>
    /// <param name="warnings">Receives warnings about accepted irregularities, as in <see cref="Parse"/>.</param>
    /// <exception cref="QasmException">The file cannot be read (line and column 0), or its program is invalid.</exception>
    public static Circuit ParseFile(string path, ICollection<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = InputFile.ReadText(path, InputLimits.CircuitFileBytes, "circuit file");
        }
        catch (FileNotFoundException e)
        {
            throw new QasmException(path, 0, 0, $"file not found ('{MessageText.Clip(SafeFullPath(path))}' does not exist)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LimitExceededException)
        {
            throw new QasmException(path, 0, 0, $"cannot read the file: {e.Message}", e);
        }
        return Parse(text, path, warnings);
    }

    /// <summary>Parses gate definitions into <paramref name="gates"/> (used once to build qelib1.inc's defined gates).</summary>
    internal static void ParseLibraryDefinitions(string source, string fileName, Dictionary<string, QasmGateDecl> gates)
        => new QasmParser(source, fileName, gates, libraryMode: true).ParseProgram();

    private static string SafeFullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }

    // ---------------------------------------------------------------- program and statements

    private void ParseProgram()
    {
        Advance();
        if (_tok.Kind == QasmTokenKind.Identifier && Text(_tok) is "OPENQASM") ParseVersion();
        while (_tok.Kind != QasmTokenKind.EndOfFile) ParseStatement();
        if (_qubitCount == 0 && !_libraryMode)
        {
            throw Error(_tok, "the program declares no qubits: add a quantum register, e.g. 'qreg q[2];'");
        }
    }

    private void ParseVersion()
    {
        Advance();
        var version = _tok;
        if (version.Kind is not (QasmTokenKind.Real or QasmTokenKind.Integer))
        {
            throw Error(version, $"expected a version number after OPENQASM (e.g. 'OPENQASM 2.0;'), found {Describe(version)}");
        }
        // Only "2.0" (or "2", "2.00"): OPENQASM 2.7 or 3 is a different language, not 2.0 with a typo.
        var text = Text(version);
        int dot = text.IndexOf('.');
        bool twoPointZero = version.Kind == QasmTokenKind.Integer ? text.SequenceEqual("2")
            : dot == 1 && text[0] == '2' && text.Length > 2 && !text[2..].ContainsAnyExcept('0');
        if (!twoPointZero)
        {
            throw Error(version, $"unsupported OpenQASM version {Clip(text)}: only OpenQASM 2.0 is supported (write 'OPENQASM 2.0;')");
        }
        Advance();
        ExpectSemicolon();
    }

    private void ParseStatement()
    {
        if (_tok.Kind != QasmTokenKind.Identifier)
        {
            throw Error(_tok, $"expected a statement, found {Describe(_tok)}");
        }
        switch (Text(_tok))
        {
            case "include": ParseInclude(); break;
            case "qreg": ParseRegisterDeclaration(quantum: true); break;
            case "creg": ParseRegisterDeclaration(quantum: false); break;
            case "gate": ParseGateDefinition(); break;
            case "opaque": ParseOpaqueDeclaration(); break;
            case "barrier": ParseBarrier(); break;
            case "if": ParseIf(); break;
            case "input": ParseInput(); break;
            case "OPENQASM": throw Error(_tok, "'OPENQASM 2.0;' must be the first statement of the program");
            default: ParseQuantumOperation(null, 0); break;
        }
    }

    /// <summary>A gate application, measure or reset, under the condition <paramref name="condition"/> == <paramref name="value"/> if given.</summary>
    private void ParseQuantumOperation(QasmRegister? condition, long value)
    {
        if (_tok.Kind != QasmTokenKind.Identifier)
        {
            throw Error(_tok, $"expected a gate, measure or reset after the if condition, found {Describe(_tok)}");
        }
        switch (Text(_tok))
        {
            case "measure": ParseMeasure(condition, value); break;
            case "reset": ParseReset(condition, value); break;
            case "include" or "qreg" or "creg" or "gate" or "opaque" or "barrier" or "if" or "OPENQASM":
                throw Error(_tok, $"'{Text(_tok)}' cannot be conditioned: 'if (...)' must be followed by a gate, measure or reset");
            default: ParseGateCall(condition, value); break;
        }
    }

    private void ParseInclude()
    {
        Advance();
        var file = _tok;
        if (file.Kind != QasmTokenKind.String)
        {
            throw Error(file, $"expected a file name in double quotes after include, found {Describe(file)}");
        }
        var name = Text(file)[1..^1];
        if (!name.SequenceEqual(Qelib1.FileName))
        {
            throw Error(file, $"cannot include \"{Clip(name)}\": only \"{Qelib1.FileName}\" is available (it is built in; no file is read)");
        }
        Advance();
        ExpectSemicolon();
        Include(file);
    }

    private void ParseRegisterDeclaration(bool quantum)
    {
        string keyword = quantum ? "qreg" : "creg";
        Advance();
        var nameTok = ExpectIdentifier($"a register name after '{keyword}'");
        var name = Text(nameTok);
        CheckNotReserved(nameTok, "a register");
        if (_registerLookup.TryGetValue(name, out var existing))
        {
            throw Error(nameTok, $"register '{existing.Name}' is already declared (as a {existing.KindName} register at {_fileName}:{existing.Line}:{existing.Column})");
        }
        Expect(QasmTokenKind.LBracket, $"'[' and a size after '{keyword} {name}'");
        var sizeTok = _tok;
        int size = ParseNonNegativeInt($"the size of register '{name}'");
        if (size == 0)
        {
            throw Error(sizeTok, $"register '{name}' has size 0: a register needs at least one {(quantum ? "qubit" : "bit")}");
        }
        Expect(QasmTokenKind.RBracket, $"']' after the size of register '{name}'");
        ExpectSemicolon();

        int offset = quantum ? _qubitCount : _clbitCount;
        InputLimit limit = quantum ? InputLimits.Qubits : InputLimits.ClassicalBits;
        if (!_libraryMode && (long)offset + size > limit.Value)
        {
            throw Error(sizeTok, limit.Exceeded(
                $"register '{Clip(name)}' of {size} {(quantum ? "qubits" : "bits")} brings the program to {(long)offset + size} {(quantum ? "qubits" : "classical bits")}").Message);
        }
        string nameString = name.ToString();
        var register = new QasmRegister(nameString, quantum, offset, size, nameTok.Line, nameTok.Column)
        {
            Classical = quantum ? null : new ClassicalRegister(nameString, offset, size),
        };
        _registers.Add(nameString, register);
        if (quantum)
        {
            _qubitCount += size;
        }
        else
        {
            _clbitCount += size;
            _classicalRegisters.Add(register);
        }
    }

    private void ParseMeasure(QasmRegister? condition, long value)
    {
        Advance();
        var qubit = ParseArgument(quantum: true, "measure");
        Expect(QasmTokenKind.Arrow, "'->' between the measured qubit and the classical bit");
        var bit = ParseArgument(quantum: false, "measure");
        ExpectSemicolon();

        if (qubit.IsWholeRegister != bit.IsWholeRegister)
        {
            throw Error(bit.Token, qubit.IsWholeRegister
                ? $"measure: '{qubit}' is a register of {qubit.Register.Size} {qubit.Register.Elements(qubit.Register.Size)} but '{bit}' is a single bit; measure one qubit, or a register into a register of the same size"
                : $"measure: '{qubit}' is a single qubit but '{bit}' is a register of {bit.Register.Size} {bit.Register.Elements(bit.Register.Size)}; measure into one bit, e.g. '{bit.Register.Name}[0]'");
        }
        if (!qubit.IsWholeRegister)
        {
            Add(new Measurement(qubit.Register.Offset + qubit.Index, bit.Register.Offset + bit.Index), condition, value);
            return;
        }
        if (qubit.Register.Size != bit.Register.Size)
        {
            throw Error(bit.Token,
                $"measure: register '{qubit.Register.Name}' has {qubit.Register.Size} {qubit.Register.Elements(qubit.Register.Size)} but '{bit.Register.Name}' has {bit.Register.Size} {bit.Register.Elements(bit.Register.Size)}; the sizes must match");
        }
        CheckRoom(qubit.Register.Size, qubit.Token, "measure");
        for (int i = 0; i < qubit.Register.Size; i++)
        {
            Add(new Measurement(qubit.Register.Offset + i, bit.Register.Offset + i), condition, value);
        }
    }

    private void ParseReset(QasmRegister? condition, long value)
    {
        Advance();
        var qubit = ParseArgument(quantum: true, "reset");
        ExpectSemicolon();
        if (!qubit.IsWholeRegister)
        {
            Add(new Reset(qubit.Register.Offset + qubit.Index), condition, value);
            return;
        }
        CheckRoom(qubit.Register.Size, qubit.Token, "reset");
        for (int i = 0; i < qubit.Register.Size; i++) Add(new Reset(qubit.Register.Offset + i), condition, value);
    }

    private void ParseBarrier()
    {
        Advance();
        do
        {
            ParseArgument(quantum: true, "barrier");
        }
        while (Accept(QasmTokenKind.Comma));
        ExpectSemicolon();
    }

    private void ParseIf()
    {
        Advance();
        Expect(QasmTokenKind.LParen, "'(' after if (OpenQASM 2.0 conditions read 'if (creg==value)')");
        var regTok = ExpectIdentifier("a classical register name in the if condition");
        var register = LookupRegister(regTok, quantum: false, "if");
        if (_tok.Kind == QasmTokenKind.LBracket)
        {
            throw Error(_tok, $"if: OpenQASM 2.0 compares a whole classical register ('if ({register.Name}==value)'), not a single bit");
        }
        if (_tok.Kind != QasmTokenKind.EqualEqual)
        {
            throw Error(_tok, $"expected '==' after '{register.Name}' in the if condition, found {Describe(_tok)}");
        }
        Advance();
        var valueTok = _tok;
        if (valueTok.Kind != QasmTokenKind.Integer)
        {
            throw Error(valueTok, $"if: expected a non-negative integer to compare '{register.Name}' with, found {Describe(valueTok)}");
        }
        if (!long.TryParse(Text(valueTok), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            throw Error(valueTok, $"if: the value {Clip(Text(valueTok))} is too large (values from 2^63 on are not supported)");
        }
        if (register.Size < 63 && value >= 1L << register.Size)
        {
            throw Error(valueTok,
                $"if: the value {value} does not fit in classical register '{register.Name}' of {register.Size} {register.Elements(register.Size)} (valid: 0..{(1L << register.Size) - 1})");
        }
        Advance();
        Expect(QasmTokenKind.RParen, "')' to close the if condition");
        ParseQuantumOperation(register, value);
    }

    // ---------------------------------------------------------------- gate applications at the top level

    private void ParseGateCall(QasmRegister? condition, long value)
    {
        var nameTok = _tok;
        var gate = LookupGate(nameTok);
        Advance();

        int parameterCount = 0;
        List<Angle>? angles = null; // only when a parameter uses an input
        if (_tok.Kind == QasmTokenKind.LParen)
        {
            Advance();
            if (_tok.Kind != QasmTokenKind.RParen)
            {
                do
                {
                    var start = _tok;
                    QasmValue v = ParseExpression(); // no gate parameters in scope: a number, or affine in the inputs
                    double p = v.Constant;
                    if (!v.IsConstant)
                    {
                        angles ??= [.. _parameters.AsSpan(0, parameterCount).ToArray().Select(x => Angle.Of(x))];
                        angles.Add(AffineOrError(v.Node!, start, $"parameter {parameterCount + 1} of '{gate.Name}'"));
                    }
                    else if (!double.IsFinite(p))
                    {
                        throw Error(start, $"parameter {parameterCount + 1} of '{gate.Name}' is not a finite number ({Format(p)})");
                    }
                    else
                    {
                        angles?.Add(p);
                    }
                    if (parameterCount == _parameters.Length) Array.Resize(ref _parameters, 2 * _parameters.Length);
                    _parameters[parameterCount++] = p;
                }
                while (Accept(QasmTokenKind.Comma));
            }
            if (_tok.Kind != QasmTokenKind.RParen)
            {
                throw Error(_tok, $"expected ')' after the parameters of '{gate.Name}', found {Describe(_tok)}");
            }
            Advance();
        }
        if (gate.IsOpaque)
        {
            throw Error(nameTok, $"gate '{gate.Name}' is declared opaque (at {gate.DefinedWhere(_fileName)}) and has no definition, so it cannot be applied");
        }
        if (parameterCount != gate.ParameterCount)
        {
            throw Error(nameTok, ParameterCountMessage(gate, parameterCount));
        }

        int argumentCount = 0;
        do
        {
            var argument = ParseArgument(quantum: true, null, gate);
            if (argumentCount == _arguments.Length) Array.Resize(ref _arguments, 2 * _arguments.Length);
            _arguments[argumentCount++] = argument;
        }
        while (Accept(QasmTokenKind.Comma));
        ExpectSemicolon();
        if (argumentCount != gate.QubitCount)
        {
            throw Error(nameTok, QubitCountMessage(gate, argumentCount));
        }

        Broadcast(gate, nameTok, _parameters.AsSpan(0, parameterCount), _arguments.AsSpan(0, argumentCount), condition, value,
            angles is null ? default : angles.ToArray());
    }

    /// <summary>
    /// <c>input angle NAME;</c> (also <c>input angle[32] NAME;</c>, <c>input float[64] NAME;</c>): a QiboAccel extension of
    /// OpenQASM 2.0 after OpenQASM 3's input declarations. It declares a symbolic circuit parameter that gate parameters
    /// may use affinely (<c>rx(2*theta)</c>, <c>u3(theta, 0, pi/2 - phi)</c>); values are given when the circuit runs.
    /// </summary>
    private void ParseInput()
    {
        Advance();
        var typeTok = _tok;
        if (typeTok.Kind != QasmTokenKind.Identifier || Text(typeTok) is not ("angle" or "float"))
        {
            throw Error(typeTok, $"expected 'angle' or 'float' after 'input' (a QiboAccel extension declaring a circuit parameter: 'input angle theta;'), found {Describe(typeTok)}");
        }
        Advance();
        if (Accept(QasmTokenKind.LBracket))
        {
            ParseNonNegativeInt("the width of the input's type");
            Expect(QasmTokenKind.RBracket, "']' after the width");
        }
        var nameTok = ExpectIdentifier("the name of the input");
        CheckNotReserved(nameTok, "an input");
        string name = Text(nameTok).ToString();
        if (_inputs.ContainsKey(name)) throw Error(nameTok, $"input '{name}' is declared twice");
        if (_registers.ContainsKey(name)) throw Error(nameTok, $"'{name}' is already a register; an input needs a name of its own");
        ExpectSemicolon();
        Parameter parameter;
        try
        {
            parameter = new Parameter(name);
        }
        catch (ArgumentException e)
        {
            throw Error(nameTok, e.Message);
        }
        _inputs.Add(name, parameter);
        _inputOrder.Add(parameter);
    }

    /// <summary>The affine angle of an expression that uses inputs, or an error naming where and why it is not affine.</summary>
    private Angle AffineOrError(QasmExpression expression, QasmToken site, string what)
    {
        try
        {
            return expression.EvaluateAngle([]);
        }
        catch (NotAffineException e)
        {
            throw Error(site, $"{what}: {e.Message}; inputs may only be added, subtracted and multiplied or divided by numbers");
        }
    }

    /// <summary>Applies a gate to single qubits, or once per element when some arguments are whole registers (of equal size).</summary>
    private void Broadcast(QasmGateDecl gate, QasmToken site, ReadOnlySpan<double> parameters, ReadOnlySpan<QasmArgument> arguments,
        QasmRegister? condition, long value, Angle[]? angles)
    {
        int repeat = 1;
        int sizedBy = -1;
        for (int k = 0; k < arguments.Length; k++)
        {
            if (!arguments[k].IsWholeRegister) continue;
            var register = arguments[k].Register;
            if (sizedBy < 0)
            {
                sizedBy = k;
                repeat = register.Size;
            }
            else if (register.Size != repeat)
            {
                var first = arguments[sizedBy].Register;
                throw Error(arguments[k].Token,
                    $"cannot broadcast '{gate.Name}' over registers of different sizes: '{first.Name}' has {first.Size} {first.Elements(first.Size)} but '{register.Name}' has {register.Size}");
            }
        }

        long expanded = gate.ExpandedCount;
        CheckRoom(expanded > long.MaxValue / repeat ? long.MaxValue : expanded * repeat, site,
            $"'{gate.Name}'{(repeat > 1 ? $" broadcast over {repeat} qubits" : "")}");
        Span<int> qubits = arguments.Length <= 64 ? stackalloc int[arguments.Length] : new int[arguments.Length];
        for (int i = 0; i < repeat; i++)
        {
            for (int k = 0; k < arguments.Length; k++)
            {
                var a = arguments[k];
                int q = a.Register.Offset + (a.IsWholeRegister ? i : a.Index);
                for (int m = 0; m < k; m++)
                {
                    if (qubits[m] == q)
                    {
                        throw Error(a.Token,
                            $"qubit {a.Register.Name}[{(a.IsWholeRegister ? i : a.Index)}] is used twice by '{gate.Name}' (arguments {m + 1} and {k + 1}); a gate's qubits must be distinct");
                    }
                }
                qubits[k] = q;
            }
            Emit(gate, parameters, qubits, site, condition, value, angles);
        }
    }

    /// <summary>
    /// An argument at the top level: <c>reg</c> or <c>reg[index]</c>, checked against the declarations.
    /// <paramref name="user"/> (or else <paramref name="gate"/>) names the statement in messages; messages are only
    /// built when something is wrong.
    /// </summary>
    private QasmArgument ParseArgument(bool quantum, string? user, QasmGateDecl? gate = null)
    {
        var nameTok = _tok;
        if (nameTok.Kind != QasmTokenKind.Identifier)
        {
            throw Error(nameTok, $"expected a {(quantum ? "qubit" : "classical bit")} for {UserName(user, gate)} (a register or register[index]), found {Describe(nameTok)}");
        }
        var register = LookupRegister(nameTok, quantum, user, gate);
        Advance();
        if (_tok.Kind != QasmTokenKind.LBracket) return new QasmArgument(register, -1, nameTok);

        Advance();
        var indexTok = _tok;
        if (indexTok.Kind != QasmTokenKind.Integer)
        {
            throw Error(indexTok, $"expected a non-negative integer index into register '{register.Name}', found {Describe(indexTok)}");
        }
        if (!int.TryParse(Text(indexTok), NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= register.Size)
        {
            throw Error(indexTok,
                $"index {Text(indexTok)} is out of range for {register.KindName} register '{register.Name}' of size {register.Size} (valid: {register.Name}[0]..{register.Name}[{register.Size - 1}])");
        }
        Advance();
        if (_tok.Kind != QasmTokenKind.RBracket)
        {
            throw Error(_tok, $"expected ']' after the index into '{register.Name}', found {Describe(_tok)}");
        }
        Advance();
        return new QasmArgument(register, index, nameTok);
    }

    private static string UserName(string? user, QasmGateDecl? gate) => user ?? $"gate '{gate!.Name}'";

    private QasmRegister LookupRegister(QasmToken nameTok, bool quantum, string? user, QasmGateDecl? gate = null)
    {
        var name = Text(nameTok);
        if (!_registerLookup.TryGetValue(name, out var register) && user == "measure" && _qubitCount > 0 && !_libraryMode)
        {
            register = DeclareImplicitMeasureRegister(nameTok, quantum);
        }
        if (register is null)
        {
            string kind = quantum ? "quantum" : "classical";
            var declared = _registers.Values.Where(r => r.IsQuantum == quantum).Select(r => $"'{r.Name}'").ToList();
            string hint = declared.Count == 0 ? $"no {kind} register is declared yet"
                : declared.Count <= 10 ? $"declared {kind} registers: {string.Join(", ", declared)}" : $"{declared.Count} {kind} registers are declared";
            throw Error(nameTok, $"unknown {kind} register '{name}' ({hint})");
        }
        if (register.IsQuantum != quantum)
        {
            throw Error(nameTok,
                $"'{register.Name}' is a {register.KindName} register, but {UserName(user, gate)} needs a {(quantum ? "quantum" : "classical")} register");
        }
        return register;
    }

    /// <summary>
    /// QASMBench compatibility (hhl_n10, vqe_uccsd_n4/6/8 end with <c>measure q[i] -> c[i];</c> but declare neither):
    /// in a measure, an undeclared quantum register stands for all qubits in declaration order, and an undeclared
    /// classical register is declared with one bit per qubit. Each such register is reported once as a warning.
    /// </summary>
    private QasmRegister DeclareImplicitMeasureRegister(QasmToken nameTok, bool quantum)
    {
        string name = Text(nameTok).ToString();
        QasmRegister register;
        if (quantum)
        {
            register = new QasmRegister(name, true, 0, _qubitCount, nameTok.Line, nameTok.Column);
            _warnings?.Add($"{_fileName}:{nameTok.Line}:{nameTok.Column}: warning: quantum register '{name}' is not declared; "
                + $"measuring it as all {_qubitCount} qubits in declaration order");
        }
        else
        {
            if ((long)_clbitCount + _qubitCount > InputLimits.ClassicalBits.Value)
            {
                throw Error(nameTok, InputLimits.ClassicalBits.Exceeded(
                    $"declaring classical register '{Clip(name)}' with {_qubitCount} bits brings the program to {(long)_clbitCount + _qubitCount} classical bits").Message);
            }
            register = new QasmRegister(name, false, _clbitCount, _qubitCount, nameTok.Line, nameTok.Column)
            {
                Classical = new ClassicalRegister(name, _clbitCount, _qubitCount),
            };
            _clbitCount += _qubitCount;
            _classicalRegisters.Add(register);
            _warnings?.Add($"{_fileName}:{nameTok.Line}:{nameTok.Column}: warning: classical register '{name}' is not declared; "
                + $"declaring it with {_qubitCount} bits");
        }
        _registers.Add(name, register);
        return register;
    }

    private void Add(Operation operation, QasmRegister? condition, long value)
    {
        if (_operations.Count >= _maxOperations)
        {
            throw Error(_tok, InputLimits.Operations.Exceeded($"the program has more than {_maxOperations} operations").Message);
        }
        _operations.Add(condition is null ? operation : new Conditional(condition.Classical!, value, operation));
    }

    /// <summary>Fails before expanding when <paramref name="count"/> more operations would pass the operation limit.</summary>
    private void CheckRoom(long count, QasmToken site, string what)
    {
        if (count > _maxOperations - _operations.Count)
        {
            bool huge = count == long.MaxValue || count > long.MaxValue - _operations.Count;
            string expands = huge ? "more than 2^63" : count.ToString(CultureInfo.InvariantCulture);
            string after = _operations.Count == 0 ? ""
                : $" after {_operations.Count} already there ({(huge ? "more than 2^63" : (_operations.Count + count).ToString(CultureInfo.InvariantCulture))} in all)";
            throw Error(site, InputLimits.Operations.Exceeded($"{what} expands to {expands} operations{after}").Message);
        }
    }

    private Circuit BuildCircuit()
    {
        var circuit = new Circuit(_qubitCount);
        foreach (Parameter input in _inputOrder) circuit.AddParameter(input);
        var registers = new Dictionary<ClassicalRegister, ClassicalRegister>(ReferenceEqualityComparer.Instance);
        foreach (var register in _classicalRegisters)
        {
            var added = circuit.AddClassicalRegister(register.Name, register.Size);
            Debug.Assert(added.Offset == register.Offset, "classical registers are laid out in declaration order");
            registers.Add(register.Classical!, added);
        }
        foreach (var op in _operations)
        {
            circuit.Add(op is Conditional c ? new Conditional(registers[c.Register], c.Value, c.Body) : op);
        }
        return circuit;
    }

    // ---------------------------------------------------------------- tokens and messages

    private void Advance() => _tok = _lexer.Next();

    private ReadOnlySpan<char> Text(QasmToken token) => _source.AsSpan(token.Start, token.Length);

    private bool Accept(QasmTokenKind kind)
    {
        if (_tok.Kind != kind) return false;
        Advance();
        return true;
    }

    private void Expect(QasmTokenKind kind, string what)
    {
        if (_tok.Kind != kind) throw Error(_tok, $"expected {what}, found {Describe(_tok)}");
        Advance();
    }

    private void ExpectSemicolon()
    {
        if (_tok.Kind != QasmTokenKind.Semicolon) throw Error(_tok, $"expected ';', found {Describe(_tok)}");
        Advance();
    }

    /// <summary>Consumes an identifier and returns its token.</summary>
    private QasmToken ExpectIdentifier(string what)
    {
        var token = _tok;
        if (token.Kind != QasmTokenKind.Identifier) throw Error(token, $"expected {what}, found {Describe(token)}");
        Advance();
        return token;
    }

    /// <summary>Reads an integer token as a non-negative int (register size, index).</summary>
    private int ParseNonNegativeInt(string what)
    {
        var token = _tok;
        if (token.Kind != QasmTokenKind.Integer)
        {
            throw Error(token, $"expected a non-negative integer for {what}, found {Describe(token)}");
        }
        if (!int.TryParse(Text(token), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            throw Error(token, $"{Text(token)} is too large for {what}");
        }
        Advance();
        return value;
    }

    private void CheckNotReserved(QasmToken nameTok, string what)
    {
        var name = Text(nameTok);
        foreach (string word in ReservedWords)
        {
            if (name.SequenceEqual(word)) throw Error(nameTok, $"'{word}' is a reserved word and cannot name {what}");
        }
    }

    private string Describe(QasmToken token) => token.Kind switch
    {
        QasmTokenKind.EndOfFile => "end of file",
        QasmTokenKind.String => Clip(Text(token)),
        _ => $"'{Clip(Text(token))}'",
    };

    /// <summary>User text for a message: bounded, control characters escaped.</summary>
    private static string Clip(ReadOnlySpan<char> text) => MessageText.Clip(text, 64);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private QasmException Error(QasmToken token, string reason) => new(_fileName, token.Line, token.Column, reason);
}
