using QiboAccel.Qasm;

namespace QiboAccel.Tests.Qasm;

/// <summary>Every error names the file, the line and column of the offending symbol, and the symbol itself.</summary>
public class QasmErrorTests
{
    // Lines 1 and 2; the snippets below start on line 3.
    private const string H = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    private static QasmException Fail(string source)
        => Assert.Throws<QasmException>(() => QasmParser.Parse(source, "bell.qasm"));

    private static void AssertAt(QasmException e, int line, int column, params string[] fragments)
    {
        Assert.Equal("bell.qasm", e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.StartsWith($"bell.qasm:{line}:{column}: ", e.Message);
        Assert.Equal(e.Message, $"bell.qasm:{line}:{column}: {e.Reason}");
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void UnknownGate()
    {
        var e = Fail(H + "qreg q[2];\nh q[0];\n  hx q[1];\n");
        Assert.Equal("bell.qasm:5:3: unknown gate 'hx'", e.Message);
        Assert.Equal((5, 3), (e.Line, e.Column));
    }

    [Fact]
    public void UnknownGateSuggestsTheNameWithOtherCase()
        => AssertAt(Fail(H + "qreg q[1];\nH q[0];\n"), 4, 1, "unknown gate 'H'", "did you mean 'h'");

    [Fact]
    public void Qelib1GateWithoutTheInclude()
        => AssertAt(Fail("OPENQASM 2.0;\nqreg q[1];\nh q[0];\n"), 3, 1, "unknown gate 'h'", "qelib1.inc");

    [Theory]
    [InlineData("rz q[0];", "gate 'rz' takes 1 parameter, got 0")]
    [InlineData("rz(1, 2) q[0];", "gate 'rz' takes 1 parameter, got 2")]
    [InlineData("h(0.5) q[0];", "gate 'h' takes no parameters, got 1")]
    [InlineData("u3(1, 2) q[0];", "gate 'u3' takes 3 parameters, got 2")]
    public void WrongParameterCount(string statement, string reason)
        => AssertAt(Fail(H + "qreg q[3];\n" + statement + "\n"), 4, 1, reason);

    [Theory]
    [InlineData("cx q[0];", "gate 'cx' acts on 2 qubits, got 1")]
    [InlineData("x q[0], q[1];", "gate 'x' acts on 1 qubit, got 2")]
    [InlineData("ccx q[0], q[1];", "gate 'ccx' acts on 3 qubits, got 2")]
    public void WrongQubitCount(string statement, string reason)
        => AssertAt(Fail(H + "qreg q[3];\n" + statement + "\n"), 4, 1, reason);

    [Fact]
    public void WrongCountsInsideAGateBody()
        => AssertAt(Fail(H + "gate g a { rz a; }\n"), 3, 12, "gate 'rz' takes 1 parameter, got 0");

    [Fact]
    public void UnknownRegister()
        => AssertAt(Fail(H + "qreg q[2];\nh r[0];\n"), 4, 3, "unknown quantum register 'r'", "'q'");

    [Fact]
    public void IndexOutOfRangeNamesTheRegisterAndItsSize()
        => AssertAt(Fail(H + "qreg q[3];\ncx q[0], q[3];\n"), 4, 12, "index 3", "register 'q' of size 3", "q[0]..q[2]");

    [Fact]
    public void ClassicalIndexOutOfRange()
        => AssertAt(Fail(H + "qreg q[1];\ncreg c[2];\nmeasure q[0] -> c[2];\n"), 5, 19,
            "index 2", "classical register 'c' of size 2", "c[0]..c[1]");

    [Fact]
    public void DuplicateQubit()
        => AssertAt(Fail(H + "qreg q[2];\ncx q[1], q[1];\n"), 4, 10, "qubit q[1] is used twice by 'cx'");

    [Fact]
    public void DuplicateQubitThroughBroadcasting()
        => AssertAt(Fail(H + "qreg q[2];\ncx q, q;\n"), 4, 7, "qubit q[0] is used twice by 'cx'");

    [Fact]
    public void DuplicateQubitInsideAGateBody()
        => AssertAt(Fail(H + "gate g a, b { cx a, a; }\n"), 3, 21, "qubit 'a' is used twice by 'cx'");

    [Fact]
    public void BroadcastOverRegistersOfDifferentSizes()
        => AssertAt(Fail(H + "qreg a[2];\nqreg b[3];\ncx a, b;\n"), 5, 7, "'cx'", "'a' has 2 qubits but 'b' has 3");

    [Fact]
    public void UndeclaredIdentifierAtTheTopLevel()
        => AssertAt(Fail(H + "qreg q[1];\nrz(theta) q[0];\n"), 4, 4, "undeclared identifier 'theta'");

    [Fact]
    public void UndeclaredIdentifierInAGateBody()
        => AssertAt(Fail(H + "gate g(a) x { rz(b) x; }\n"), 3, 18, "undeclared identifier 'b'", "gate 'g'", "its parameters: a");

    [Fact]
    public void UnknownFunction()
        => AssertAt(Fail(H + "qreg q[1];\nrz(foo(1)) q[0];\n"), 4, 4, "unknown function 'foo'");

    [Fact]
    public void RedefinedRegister()
        => AssertAt(Fail(H + "qreg q[2];\ncreg q[2];\n"), 4, 6, "register 'q' is already declared", "bell.qasm:3:6");

    [Fact]
    public void RedefinedGate()
        => AssertAt(Fail(H + "gate g a { h a; }\ngate g a { x a; }\n"), 4, 6, "gate 'g' is already defined at bell.qasm:3:6");

    [Fact]
    public void RedefinedQelib1Gate()
        => AssertAt(Fail(H + "gate h a { x a; }\n"), 3, 6, "gate 'h' is already defined by qelib1.inc");

    [Fact]
    public void OpaqueRedeclaringAQelib1Gate()
        => AssertAt(Fail(H + "opaque cx a, b;\n"), 3, 8, "gate 'cx' is already defined by qelib1.inc");

    [Fact]
    public void RedefinedBuiltInU()
        => AssertAt(Fail(H + "gate U(a, b, c) q { }\n"), 3, 6, "gate 'U' is built into OpenQASM");

    [Fact]
    public void DuplicateNameInAGateSignature()
        => AssertAt(Fail(H + "gate g(a, a) q { }\n"), 3, 11, "gate 'g' declares 'a' twice");

    [Fact]
    public void RecursiveGate()
        => AssertAt(Fail(H + "gate g a { g a; }\n"), 3, 12, "gate 'g' cannot apply itself");

    [Fact]
    public void IndexedQubitArgumentInAGateBody()
        => AssertAt(Fail(H + "gate g a { h a[0]; }\n"), 3, 15, "qubit argument 'a' of gate 'g'", "cannot be indexed");

    [Fact]
    public void RegisterUsedInsideAGateBody()
        => AssertAt(Fail(H + "qreg q[1];\ngate g a { h q; }\n"), 4, 14, "'q' is a register", "gate 'g'");

    [Fact]
    public void UnclosedGateBody()
        => AssertAt(Fail(H + "gate g a { h a;\n"), 3, 10, "gate 'g'", "missing '}'");

    [Fact]
    public void MissingSemicolon()
        => AssertAt(Fail(H + "qreg q[2];\nh q[0]\nx q[1];\n"), 5, 1, "expected ';', found 'x'");

    [Fact]
    public void MissingSemicolonAtTheEnd()
        => AssertAt(Fail(H + "qreg q[1];\nh q[0]"), 4, 7, "expected ';', found end of file");

    [Fact]
    public void MissingClosingBracket()
        => AssertAt(Fail(H + "qreg q[2;\n"), 3, 9, "expected ']'", "found ';'");

    [Fact]
    public void StatementCannotStartWithANumber()
        => AssertAt(Fail(H + "qreg q[1];\n3 q[0];\n"), 4, 1, "expected a statement, found '3'");

    [Fact]
    public void IncompleteExpression()
        => AssertAt(Fail(H + "qreg q[1];\nrz(1+) q[0];\n"), 4, 6, "expected an expression, found ')'");

    [Fact]
    public void MeasureSizesMustMatch()
        => AssertAt(Fail(H + "qreg q[3];\ncreg c[2];\nmeasure q -> c;\n"), 5, 14, "'q' has 3 qubits but 'c' has 2 bits");

    [Fact]
    public void MeasureRegisterIntoOneBit()
        => AssertAt(Fail(H + "qreg q[2];\ncreg c[2];\nmeasure q -> c[0];\n"), 5, 14, "'q' is a register of 2 qubits", "'c[0]' is a single bit");

    [Fact]
    public void MeasureFromAClassicalRegister()
        => AssertAt(Fail(H + "qreg q[1];\ncreg c[1];\nmeasure c[0] -> q[0];\n"), 5, 9, "'c' is a classical register");

    [Fact]
    public void ApplyingAnOpaqueGate()
        => AssertAt(Fail(H + "opaque magic(t) a, b;\nqreg q[2];\nmagic(0.1) q[0], q[1];\n"), 5, 1,
            "gate 'magic' is declared opaque", "bell.qasm:3:8");

    [Fact]
    public void ApplyingAGateThatUsesAnOpaqueGate()
        => AssertAt(Fail(H + "opaque o a;\ngate g a { o a; }\nqreg q[1];\ng q[0];\n"), 6, 1,
            "gate 'o' is declared opaque", "while expanding 'g'");

    [Fact]
    public void IncludeOfAnotherFile()
        => AssertAt(Fail("OPENQASM 2.0;\ninclude \"other.inc\";\n"), 2, 9, "cannot include \"other.inc\"", "qelib1.inc");

    [Fact]
    public void UnterminatedComment()
        => AssertAt(Fail(H + "qreg q[1];\n  /* never closed\nh q[0];\n"), 4, 3, "unterminated comment");

    [Fact]
    public void UnexpectedCharacter()
        => AssertAt(Fail(H + "qreg q[2]; @\n"), 3, 12, "unexpected character '@'");

    [Fact]
    public void IfOnAQuantumRegister()
        => AssertAt(Fail(H + "qreg q[1];\nif (q==1) x q[0];\n"), 4, 5, "'q' is a quantum register");

    [Fact]
    public void IfValueTooLargeForTheRegister()
        => AssertAt(Fail(H + "qreg q[1];\ncreg c[2];\nif (c==4) x q[0];\n"), 5, 8, "value 4 does not fit", "'c'", "0..3");

    [Fact]
    public void IfBeforeABarrier()
        => AssertAt(Fail(H + "qreg q[1];\ncreg c[1];\nif (c==1) barrier q;\n"), 5, 11, "'barrier' cannot be conditioned");

    [Fact]
    public void InfiniteParameter()
        => AssertAt(Fail(H + "qreg q[1];\nrz(1/0) q[0];\n"), 4, 4, "parameter 1 of 'rz' is not a finite number");

    [Fact]
    public void InfiniteParameterInsideAnExpansion()
        => AssertAt(Fail(H + "qreg q[1];\ngate g(x) a { rz(1/x) a; }\ng(0) q[0];\n"), 5, 1,
            "parameter 1 of 'rz'", "bell.qasm:4:15", "in the definition of 'g'", "Infinity");

    [Fact]
    public void UnsupportedVersion()
        => AssertAt(Fail("OPENQASM 3.0;\nqreg q[1];\n"), 1, 10, "unsupported OpenQASM version 3.0");

    [Fact]
    public void HeaderMustComeFirst()
        => AssertAt(Fail("qreg q[1];\nOPENQASM 2.0;\n"), 2, 1, "'OPENQASM 2.0;' must be the first statement");

    [Fact]
    public void NoQubits()
        => AssertAt(Fail(H), 3, 1, "declares no qubits");

    [Fact]
    public void ReservedWordAsRegisterName()
        => AssertAt(Fail(H + "qreg pi[2];\n"), 3, 6, "'pi' is a reserved word");

    [Fact]
    public void EmptyRegister()
        => AssertAt(Fail(H + "qreg q[0];\n"), 3, 8, "register 'q' has size 0");

    [Fact]
    public void ColumnsCountTabsAsOneAndLinesEndInCrLf()
        => AssertAt(Assert.Throws<QasmException>(() => QasmParser.Parse(
            "OPENQASM 2.0;\r\ninclude \"qelib1.inc\";\r\nqreg q[2];\r\n\thx q[0];\r\n", "bell.qasm")), 4, 2, "unknown gate 'hx'");

    [Fact]
    public void LinesCountInsideBlockComments()
        => AssertAt(Fail(H + "/* one\ntwo\nthree */ qreg q[1];\nhx q[0];\n"), 6, 1, "unknown gate 'hx'");

    [Fact]
    public void MissingFileIsAQasmExceptionNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), "qasm-tests-" + Guid.NewGuid().ToString("N"), "missing.qasm");
        var e = Assert.Throws<QasmException>(() => QasmParser.ParseFile(path));
        Assert.Equal(path, e.File);
        Assert.Equal(0, e.Line);
        Assert.Equal(0, e.Column);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("not found", e.Message);
        Assert.IsAssignableFrom<IOException>(e.InnerException);
    }
}
