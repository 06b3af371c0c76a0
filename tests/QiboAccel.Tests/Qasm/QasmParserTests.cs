using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Qasm;

namespace QiboAccel.Tests.Qasm;

/// <summary>Small programs whose circuits are worked out by hand.</summary>
public class QasmParserTests
{
    private const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";
    private const double Tol = 1e-12;

    private static Circuit Parse(string body) => QasmParser.Parse(Header + body, "test.qasm");

    private static void AssertGate(Operation op, GateKind kind, int[] controls, int[] targets, params double[] parameters)
    {
        var gate = Assert.IsType<Gate>(op);
        Assert.Equal(kind, gate.Kind);
        Assert.Equal(controls, gate.Controls);
        Assert.Equal(targets, gate.Targets);
        Assert.Equal(parameters.Length, gate.Parameters.Count);
        for (int i = 0; i < parameters.Length; i++) Assert.Equal(parameters[i], gate.Parameters[i], Tol);
    }

    private static void AssertMeasure(Operation op, int qubit, int cbit)
    {
        var m = Assert.IsType<Measurement>(op);
        Assert.Equal(qubit, m.Qubit);
        Assert.Equal(cbit, m.Cbit);
    }

    [Fact]
    public void BellCircuit()
    {
        var c = Parse("qreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n");
        Assert.Equal(2, c.NQubits);
        Assert.Equal(2, c.NClbits);
        Assert.Equal(4, c.Operations.Count);
        AssertGate(c.Operations[0], GateKind.H, [], [0]);
        AssertGate(c.Operations[1], GateKind.CNOT, [0], [1]);
        AssertMeasure(c.Operations[2], 0, 0);
        AssertMeasure(c.Operations[3], 1, 1);
        var reg = Assert.Single(c.ClassicalRegisters);
        Assert.Equal(new ClassicalRegister("c", 0, 2), reg);
    }

    [Fact]
    public void U3ParametersAreEvaluated()
    {
        var c = Parse("qreg q[2];\nu3(pi/2, -pi/4, 2*pi^2) q[1];\n");
        AssertGate(Assert.Single(c.Operations), GateKind.U3, [], [1], Math.PI / 2, -Math.PI / 4, 2 * Math.PI * Math.PI);
    }

    [Theory]
    [InlineData("-2^2", -4.0)] // ^ binds tighter than unary minus
    [InlineData("2^3^2", 512.0)] // ^ is right-associative: 2^(3^2)
    [InlineData("2^-1", 0.5)]
    [InlineData("1-2-3", -4.0)] // - is left-associative
    [InlineData("8/4/2", 1.0)] // / is left-associative
    [InlineData("2*3+4*5", 26.0)]
    [InlineData("2+3*4^2", 50.0)]
    [InlineData("(1+2)*3", 9.0)]
    [InlineData("-(1+2)*3", -9.0)]
    [InlineData("2*-3", -6.0)]
    [InlineData("--1", 1.0)]
    [InlineData("+3", 3.0)]
    [InlineData("1/2", 0.5)]
    [InlineData("1e-3", 0.001)]
    [InlineData("1.5E+2", 150.0)]
    [InlineData("2.5e2", 250.0)]
    [InlineData(".5", 0.5)]
    [InlineData("3.", 3.0)]
    [InlineData("-pi", -Math.PI)]
    [InlineData("pi/4", Math.PI / 4)]
    [InlineData("sin(pi/2) + cos(0) + sqrt(4) + ln(exp(2)) + tan(0)", 6.0)]
    [InlineData("sqrt(2)^2", 2.0)]
    [InlineData("((((1))))", 1.0)]
    public void ExpressionsFollowPrecedenceAndAssociativity(string expression, double expected)
    {
        var c = Parse($"qreg q[1];\nrz({expression}) q[0];\n");
        AssertGate(Assert.Single(c.Operations), GateKind.RZ, [], [0], expected);
    }

    [Fact]
    public void QubitsAreNumberedOverAllQuantumRegistersInDeclarationOrder()
    {
        var c = Parse("qreg a[2];\nqreg b[3];\ncreg m[1];\nx b[0];\nx a[1];\ncx a[0], b[2];\n");
        Assert.Equal(5, c.NQubits);
        Assert.Equal(3, c.Operations.Count);
        AssertGate(c.Operations[0], GateKind.X, [], [2]);
        AssertGate(c.Operations[1], GateKind.X, [], [1]);
        AssertGate(c.Operations[2], GateKind.CNOT, [0], [4]);
    }

    [Fact]
    public void RegistersMayBeDeclaredBetweenStatements()
    {
        var c = Parse("qreg a[1];\nh a[0];\nqreg b[2];\ncx a[0], b[1];\n");
        Assert.Equal(3, c.NQubits);
        AssertGate(c.Operations[0], GateKind.H, [], [0]);
        AssertGate(c.Operations[1], GateKind.CNOT, [0], [2]);
    }

    [Fact]
    public void BroadcastingOverRegisters()
    {
        var c = Parse("qreg a[2];\nqreg b[2];\nqreg s[1];\nh a;\ncx a, b;\ncx s[0], b;\ncx a, s[0];\nu1(0.5) b;\n");
        Assert.Equal(10, c.Operations.Count);
        AssertGate(c.Operations[0], GateKind.H, [], [0]);
        AssertGate(c.Operations[1], GateKind.H, [], [1]);
        AssertGate(c.Operations[2], GateKind.CNOT, [0], [2]);
        AssertGate(c.Operations[3], GateKind.CNOT, [1], [3]);
        AssertGate(c.Operations[4], GateKind.CNOT, [4], [2]);
        AssertGate(c.Operations[5], GateKind.CNOT, [4], [3]);
        AssertGate(c.Operations[6], GateKind.CNOT, [0], [4]);
        AssertGate(c.Operations[7], GateKind.CNOT, [1], [4]);
        AssertGate(c.Operations[8], GateKind.U1, [], [2], 0.5);
        AssertGate(c.Operations[9], GateKind.U1, [], [3], 0.5);
    }

    [Fact]
    public void UserGatesExpandWithParametersSubstitutedAndNesting()
    {
        const string program = """
            qreg q[3];
            gate rot(t, p) a { rz(t) a; ry(p/2) a; }
            gate two(x) a, b
            {
              rot(x, 2*x) b;
              barrier a, b;
              cx a, b;
              rot(-x, x) a;
            }
            two(pi/3) q[2], q[0];
            """;
        var c = Parse(program);
        Assert.Equal(5, c.Operations.Count);
        AssertGate(c.Operations[0], GateKind.RZ, [], [0], Math.PI / 3);
        AssertGate(c.Operations[1], GateKind.RY, [], [0], Math.PI / 3);
        AssertGate(c.Operations[2], GateKind.CNOT, [2], [0]);
        AssertGate(c.Operations[3], GateKind.RZ, [], [2], -Math.PI / 3);
        AssertGate(c.Operations[4], GateKind.RY, [], [2], Math.PI / 6);
    }

    [Fact]
    public void UserGatesBroadcastAndAcceptEmptyParentheses()
    {
        const string program = """
            qreg r[2];
            qreg s[2];
            gate bell a, b { h a; cx a, b; }
            gate flip() a { x a; }
            gate ph(l) a { u1(l*2 + pi) a; }
            bell r, s;
            flip() s[1];
            flip r[0];
            ph(0.25) s[0];
            """;
        var c = Parse(program);
        Assert.Equal(7, c.Operations.Count);
        AssertGate(c.Operations[0], GateKind.H, [], [0]);
        AssertGate(c.Operations[1], GateKind.CNOT, [0], [2]);
        AssertGate(c.Operations[2], GateKind.H, [], [1]);
        AssertGate(c.Operations[3], GateKind.CNOT, [1], [3]);
        AssertGate(c.Operations[4], GateKind.X, [], [3]);
        AssertGate(c.Operations[5], GateKind.X, [], [0]);
        AssertGate(c.Operations[6], GateKind.U1, [], [2], 0.5 + Math.PI);
    }

    [Fact]
    public void UserGatesMayRedefineExtensionNamesButTheirOwnDefinitionWins()
    {
        // iswap is not in qelib1.inc (it maps to qibo's iSWAP by default); Qiskit's exporter writes its own definition.
        var c = Parse("qreg q[2];\ngate iswap a, b { cx a, b; }\niswap q[1], q[0];\n");
        AssertGate(Assert.Single(c.Operations), GateKind.CNOT, [1], [0]);
    }

    [Fact]
    public void MeasureMapsToTheBitsOfTheNamedRegister()
    {
        var c = Parse("qreg q[3];\ncreg c[2];\ncreg d[3];\nmeasure q[1] -> d[2];\nmeasure q -> d;\nmeasure q[0] -> c[1];\n");
        Assert.Equal(5, c.NClbits);
        Assert.Equal(new[] { new ClassicalRegister("c", 0, 2), new ClassicalRegister("d", 2, 3) }, c.ClassicalRegisters);
        Assert.Equal(5, c.Operations.Count);
        AssertMeasure(c.Operations[0], 1, 4);
        AssertMeasure(c.Operations[1], 0, 2);
        AssertMeasure(c.Operations[2], 1, 3);
        AssertMeasure(c.Operations[3], 2, 4);
        AssertMeasure(c.Operations[4], 0, 1);
    }

    [Fact]
    public void IfBecomesConditionalsOnTheCircuitsRegister()
    {
        const string program = """
            qreg q[2];
            creg c[2];
            creg d[3];
            if (d==5) x q[0];
            if (c == 1) h q;
            if(c==0) measure q[1] -> c[0];
            gate pair a, b { h a; cx a, b; }
            if (d==7) pair q[0], q[1];
            if (c==3) reset q[1];
            """;
        var c = Parse(program);
        var regC = c.ClassicalRegisters[0];
        var regD = c.ClassicalRegisters[1];
        Assert.Equal(7, c.Operations.Count);

        void AssertConditional(Operation op, ClassicalRegister register, long value, Action<Operation> body)
        {
            var cond = Assert.IsType<Conditional>(op);
            Assert.Same(register, cond.Register);
            Assert.Equal(value, cond.Value);
            body(cond.Body);
        }

        AssertConditional(c.Operations[0], regD, 5, b => AssertGate(b, GateKind.X, [], [0]));
        AssertConditional(c.Operations[1], regC, 1, b => AssertGate(b, GateKind.H, [], [0]));
        AssertConditional(c.Operations[2], regC, 1, b => AssertGate(b, GateKind.H, [], [1]));
        AssertConditional(c.Operations[3], regC, 0, b => AssertMeasure(b, 1, 0));
        AssertConditional(c.Operations[4], regD, 7, b => AssertGate(b, GateKind.H, [], [0]));
        AssertConditional(c.Operations[5], regD, 7, b => AssertGate(b, GateKind.CNOT, [0], [1]));
        AssertConditional(c.Operations[6], regC, 3, b => Assert.Equal(1, Assert.IsType<Reset>(b).Qubit));
    }

    [Fact]
    public void ResetOfQubitAndRegister()
    {
        var c = Parse("qreg q[3];\nreset q[1];\nreset q;\n");
        Assert.Equal(new[] { 1, 0, 1, 2 }, c.Operations.Select(o => Assert.IsType<Reset>(o).Qubit));
    }

    [Fact]
    public void BarriersAreDropped()
    {
        var c = Parse("qreg q[2];\nqreg r[1];\nh q[0];\nbarrier q;\nbarrier q[0], r;\nbarrier q[1];\nx q[1];\n");
        Assert.Equal(2, c.Operations.Count);
        AssertGate(c.Operations[0], GateKind.H, [], [0]);
        AssertGate(c.Operations[1], GateKind.X, [], [1]);
    }

    [Fact]
    public void MultiControlledGatesListControlsFirst()
    {
        const string program = """
            qreg q[5];
            cswap q[2], q[0], q[1];
            ccx q[3], q[1], q[0];
            ccz q[0], q[1], q[2];
            c3x q[0], q[1], q[2], q[3];
            c4x q[4], q[3], q[2], q[1], q[0];
            c3sqrtx q[1], q[2], q[3], q[0];
            """;
        var c = Parse(program);
        Assert.Equal(6, c.Operations.Count);
        AssertGate(c.Operations[0], GateKind.SWAP, [2], [0, 1]);
        AssertGate(c.Operations[1], GateKind.TOFFOLI, [3, 1], [0]);
        AssertGate(c.Operations[2], GateKind.CCZ, [0, 1], [2]);
        AssertGate(c.Operations[3], GateKind.X, [0, 1, 2], [3]);
        AssertGate(c.Operations[4], GateKind.X, [4, 3, 2, 1], [0]);
        AssertGate(c.Operations[5], GateKind.SX, [1, 2, 3], [0]);
        Assert.Equal(new[] { 2, 0, 1 }, c.Operations[0].Qubits);
    }

    public static TheoryData<string, GateKind, int[], int[], double[]> DirectMappings() => new()
    {
        { "U(0.1, 0.2, 0.3) q[0];", GateKind.U3, [], [0], [0.1, 0.2, 0.3] },
        { "u3(0.1, 0.2, 0.3) q[1];", GateKind.U3, [], [1], [0.1, 0.2, 0.3] },
        { "u(0.1, 0.2, 0.3) q[2];", GateKind.U3, [], [2], [0.1, 0.2, 0.3] },
        { "u2(0.1, 0.2) q[1];", GateKind.U2, [], [1], [0.1, 0.2] },
        { "u1(0.3) q[0];", GateKind.U1, [], [0], [0.3] },
        { "p(0.3) q[0];", GateKind.U1, [], [0], [0.3] },
        { "phase(0.3) q[0];", GateKind.U1, [], [0], [0.3] },
        { "CX q[1], q[0];", GateKind.CNOT, [1], [0], [] },
        { "cx q[0], q[2];", GateKind.CNOT, [0], [2], [] },
        { "id q[1];", GateKind.I, [], [1], [] },
        { "u0(7) q[1];", GateKind.I, [], [1], [] },
        { "x q[0];", GateKind.X, [], [0], [] },
        { "y q[0];", GateKind.Y, [], [0], [] },
        { "z q[0];", GateKind.Z, [], [0], [] },
        { "h q[0];", GateKind.H, [], [0], [] },
        { "s q[0];", GateKind.S, [], [0], [] },
        { "sdg q[0];", GateKind.SDG, [], [0], [] },
        { "t q[0];", GateKind.T, [], [0], [] },
        { "tdg q[0];", GateKind.TDG, [], [0], [] },
        { "sx q[0];", GateKind.SX, [], [0], [] },
        { "sxdg q[0];", GateKind.SXDG, [], [0], [] },
        { "rx(0.5) q[0];", GateKind.RX, [], [0], [0.5] },
        { "ry(0.5) q[0];", GateKind.RY, [], [0], [0.5] },
        { "rz(0.5) q[0];", GateKind.RZ, [], [0], [0.5] },
        { "cz q[1], q[0];", GateKind.CZ, [1], [0], [] },
        { "cy q[1], q[0];", GateKind.CY, [1], [0], [] },
        { "ch q[1], q[0];", GateKind.CH, [1], [0], [] },
        { "csx q[1], q[0];", GateKind.CSX, [1], [0], [] },
        { "crx(0.5) q[0], q[1];", GateKind.CRX, [0], [1], [0.5] },
        { "cry(0.5) q[0], q[1];", GateKind.CRY, [0], [1], [0.5] },
        { "crz(0.5) q[0], q[1];", GateKind.CRZ, [0], [1], [0.5] },
        { "cu1(0.5) q[1], q[0];", GateKind.CU1, [1], [0], [0.5] },
        { "cp(0.5) q[1], q[0];", GateKind.CU1, [1], [0], [0.5] },
        { "cphase(0.5) q[1], q[0];", GateKind.CU1, [1], [0], [0.5] },
        { "cu3(0.1, 0.2, 0.3) q[0], q[1];", GateKind.CU3, [0], [1], [0.1, 0.2, 0.3] },
        { "cu2(0.1, 0.2) q[0], q[1];", GateKind.CU2, [0], [1], [0.1, 0.2] },
        { "cs q[0], q[1];", GateKind.S, [0], [1], [] },
        { "csdg q[0], q[1];", GateKind.SDG, [0], [1], [] },
        { "swap q[1], q[0];", GateKind.SWAP, [], [1, 0], [] },
        { "iswap q[0], q[1];", GateKind.iSWAP, [], [0, 1], [] },
        { "fswap q[0], q[1];", GateKind.FSWAP, [], [0, 1], [] },
        { "rxx(0.5) q[0], q[1];", GateKind.RXX, [], [0, 1], [0.5] },
        { "ryy(0.5) q[0], q[1];", GateKind.RYY, [], [0, 1], [0.5] },
        { "rzz(0.5) q[2], q[1];", GateKind.RZZ, [], [2, 1], [0.5] },
        { "ccx q[0], q[1], q[2];", GateKind.TOFFOLI, [0, 1], [2], [] },
        { "ccz q[2], q[1], q[0];", GateKind.CCZ, [2, 1], [0], [] },
    };

    [Theory]
    [MemberData(nameof(DirectMappings))]
    public void GatesMapDirectlyToQibo(string statement, GateKind kind, int[] controls, int[] targets, double[] parameters)
    {
        var c = Parse("qreg q[3];\n" + statement + "\n");
        AssertGate(Assert.Single(c.Operations), kind, controls, targets, parameters);
    }

    [Fact]
    public void UAndCXNeedNoInclude()
    {
        var c = QasmParser.Parse("OPENQASM 2.0;\nqreg q[2];\nU(1, 2, 3) q[0];\nCX q[0], q[1];\n");
        AssertGate(c.Operations[0], GateKind.U3, [], [0], 1, 2, 3);
        AssertGate(c.Operations[1], GateKind.CNOT, [0], [1]);
    }

    [Fact]
    public void HeaderIsOptionalAndCommentsAndLineEndingsAreSkipped()
    {
        const string program = "// leading comment\r\ninclude \"qelib1.inc\"; /* block\r\n comment */ qreg q[2];\r\n"
            + "\th q[1]; // trailing\r\n/**/x/* inside */q[0];\r\n";
        var c = QasmParser.Parse(program);
        Assert.Equal(2, c.Operations.Count);
        AssertGate(c.Operations[0], GateKind.H, [], [1]);
        AssertGate(c.Operations[1], GateKind.X, [], [0]);
    }

    [Fact]
    public void LibraryDefinedGatesExpandAsInQiskit()
    {
        var c = Parse("qreg q[2];\nrzx(0.7) q[0], q[1];\ndcx q[1], q[0];\nr(0.4, 0.3) q[1];\n");
        Assert.Equal(8, c.Operations.Count);
        AssertGate(c.Operations[0], GateKind.H, [], [1]);
        AssertGate(c.Operations[1], GateKind.CNOT, [0], [1]);
        AssertGate(c.Operations[2], GateKind.RZ, [], [1], 0.7);
        AssertGate(c.Operations[3], GateKind.CNOT, [0], [1]);
        AssertGate(c.Operations[4], GateKind.H, [], [1]);
        AssertGate(c.Operations[5], GateKind.CNOT, [1], [0]);
        AssertGate(c.Operations[6], GateKind.CNOT, [0], [1]);
        AssertGate(c.Operations[7], GateKind.U3, [], [1], 0.4, 0.3 - Math.PI / 2, -0.3 + Math.PI / 2);
    }

    [Fact]
    public void RzxIsExpOfZX()
    {
        // RZX(θ) = cos(θ/2) I⊗I − i sin(θ/2) Z⊗X (first qubit most significant).
        double theta = 0.7;
        var expected = QasmTestMatrices.Add(
            QasmTestMatrices.Scale(Math.Cos(theta / 2), QasmTestMatrices.Kron(QasmTestMatrices.Id, QasmTestMatrices.Id)),
            QasmTestMatrices.Scale(-QasmTestMatrices.I * Math.Sin(theta / 2), QasmTestMatrices.Kron(QasmTestMatrices.Z, QasmTestMatrices.X)));
        var actual = QasmTestMatrices.UnitaryOf(Parse("qreg q[2];\nrzx(0.7) q[0], q[1];\n"));
        QasmTestMatrices.AssertEqual(expected, actual);
    }

    [Fact]
    public void EcrIsQiskitsEcr()
    {
        // ECR = (X⊗I − Y⊗X)/√2 with the first qubit most significant (Qiskit's (IX − XY)/√2 in its little-endian order).
        var expected = QasmTestMatrices.Scale(1 / Math.Sqrt(2), QasmTestMatrices.Add(
            QasmTestMatrices.Kron(QasmTestMatrices.X, QasmTestMatrices.Id),
            QasmTestMatrices.Scale(-1, QasmTestMatrices.Kron(QasmTestMatrices.Y, QasmTestMatrices.X))));
        var actual = QasmTestMatrices.UnitaryOf(Parse("qreg q[2];\necr q[0], q[1];\n"));
        QasmTestMatrices.AssertEqualUpToPhase(expected, actual);
    }

    [Fact]
    public void DcxSendsAbToBAndAXorB()
    {
        var expected = QasmTestMatrices.Permutation(4, i => ((i & 1) << 1) | ((i >> 1) ^ (i & 1)));
        var actual = QasmTestMatrices.UnitaryOf(Parse("qreg q[2];\ndcx q[0], q[1];\n"));
        QasmTestMatrices.AssertEqual(expected, actual);
    }

    [Fact]
    public void RIsARotationAboutAnAxisInTheXYPlane()
    {
        double theta = 0.4, phi = 0.3, c = Math.Cos(theta / 2), s = Math.Sin(theta / 2);
        var i = QasmTestMatrices.I;
        var expected = new System.Numerics.Complex[,]
        {
            { c, -i * System.Numerics.Complex.FromPolarCoordinates(s, -phi) },
            { -i * System.Numerics.Complex.FromPolarCoordinates(s, phi), c },
        };
        QasmTestMatrices.AssertEqual(expected, QasmTestMatrices.UnitaryOf(Parse("qreg q[1];\nr(0.4, 0.3) q[0];\n")));
    }

    [Fact]
    public void CuIsControlledPhaseTimesU()
    {
        double theta = 0.9, phi = 0.4, lambda = -0.7, gamma = 0.3;
        var expected = QasmTestMatrices.Controlled(
            QasmTestMatrices.Scale(System.Numerics.Complex.FromPolarCoordinates(1, gamma), QasmTestMatrices.QiskitU(theta, phi, lambda)));
        var actual = QasmTestMatrices.UnitaryOf(Parse("qreg q[2];\ncu(0.9, 0.4, -0.7, 0.3) q[0], q[1];\n"));
        QasmTestMatrices.AssertEqualUpToPhase(expected, actual);
    }

    [Fact]
    public void RelativePhaseToffolisFlipTheTargetUpToPhases()
    {
        // |U| of rccx equals the Toffoli permutation; rc3x equals the 3-controlled X permutation.
        void Check(string program, int n)
        {
            int dim = 1 << n, all = dim - 2; // every control set, target (least significant) clear
            var actual = QasmTestMatrices.UnitaryOf(Parse(program));
            var expected = QasmTestMatrices.Permutation(dim, i => (i & all) == all ? i ^ 1 : i);
            for (int r = 0; r < dim; r++)
            for (int col = 0; col < dim; col++)
                Assert.Equal(expected[r, col].Magnitude, actual[r, col].Magnitude, 1e-12);
        }
        Check("qreg q[3];\nrccx q[0], q[1], q[2];\n", 3);
        Check("qreg q[4];\nrc3x q[0], q[1], q[2], q[3];\n", 4);
    }

    [Fact]
    public void CswapAndC3xAreTheirPermutations()
    {
        // cswap a,b,c: when a=1, swap b and c. Qubit 0 is the most significant bit.
        var fredkin = QasmTestMatrices.Permutation(8, i => (i & 4) == 0 ? i : (i & 4) | ((i & 1) << 1) | ((i >> 1) & 1));
        QasmTestMatrices.AssertEqual(fredkin, QasmTestMatrices.UnitaryOf(Parse("qreg q[3];\ncswap q[0], q[1], q[2];\n")));
        var c3x = QasmTestMatrices.Permutation(16, i => (i & 14) == 14 ? i ^ 1 : i);
        QasmTestMatrices.AssertEqual(c3x, QasmTestMatrices.UnitaryOf(Parse("qreg q[4];\nc3x q[0], q[1], q[2], q[3];\n")));
    }

    [Fact]
    public void U3IsQiskitsUTimesAGlobalPhase()
    {
        // qibo's U3 = e^{-i(φ+λ)/2} × Qiskit's U3 (documented on QasmParser).
        double theta = 0.9, phi = 0.4, lambda = -1.1;
        var expected = QasmTestMatrices.Scale(System.Numerics.Complex.FromPolarCoordinates(1, -(phi + lambda) / 2),
            QasmTestMatrices.QiskitU(theta, phi, lambda));
        QasmTestMatrices.AssertEqual(expected, QasmTestMatrices.UnitaryOf(Parse("qreg q[1];\nu3(0.9, 0.4, -1.1) q[0];\n")));
    }

    [Fact]
    public void ParseFileReadsAFileAndNamesItInErrors()
    {
        string dir = Path.Combine(Path.GetTempPath(), "qasm-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string good = Path.Combine(dir, "good.qasm");
            File.WriteAllText(good, Header + "qreg q[1];\nx q[0];\n");
            AssertGate(Assert.Single(QasmParser.ParseFile(good).Operations), GateKind.X, [], [0]);

            string bad = Path.Combine(dir, "bad.qasm");
            File.WriteAllText(bad, Header + "qreg q[1];\nhx q[0];\n");
            var e = Assert.Throws<QasmException>(() => QasmParser.ParseFile(bad));
            Assert.Equal(bad, e.File);
            Assert.Equal($"{bad}:4:1: unknown gate 'hx'", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
