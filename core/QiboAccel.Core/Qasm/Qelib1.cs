using QiboAccel.Gates;

namespace QiboAccel.Qasm;

/// <summary>
/// The built-in <c>qelib1.inc</c> (no file is read) and the language's own <c>U</c> and <c>CX</c>.
/// Gates with a qibo equivalent map to it directly; the others are defined by QASM bodies parsed once.
/// </summary>
/// <remarks>
/// Phase conventions follow qibo's QASM import: <c>U</c>/<c>u3</c>/<c>u</c> become qibo's U3 and <c>u2</c> qibo's U2,
/// which equal Qiskit's gates times the global phase e^{-i(φ+λ)/2}. <c>cu3</c> (and the extension <c>cu2</c>) become qibo's
/// CU3 (CU2), the controlled form of qibo's U3 (U2), which therefore differs from Qiskit's cu3 by the phase
/// u1((φ+λ)/2) on the control. Gates defined by bodies here (cu, rccx, rc3x, rzx, ecr, dcx, r) equal Qiskit's up to a
/// global phase. Every other gate has exactly Qiskit's matrix.
/// </remarks>
internal static class Qelib1
{
    /// <summary>The only file an <c>include</c> may name.</summary>
    public const string FileName = "qelib1.inc";

    private static readonly Lazy<Dictionary<string, QasmGateDecl>> s_library = new(BuildLibrary);

    /// <summary><c>U</c> and <c>CX</c>, defined without any include.</summary>
    public static Dictionary<string, QasmGateDecl> BuiltIns { get; } = new(StringComparer.Ordinal)
    {
        ["U"] = QasmGateDecl.Native("U", GateKind.U3, QasmGateOrigin.BuiltIn),
        ["CX"] = QasmGateDecl.Native("CX", GateKind.CNOT, QasmGateOrigin.BuiltIn),
    };

    /// <summary>Everything <c>include "qelib1.inc";</c> defines (built once, then shared read-only).</summary>
    public static Dictionary<string, QasmGateDecl> Gates => s_library.Value;

    /// <summary>Gates of qelib1.inc defined below by QASM bodies (they have no qibo equivalent).</summary>
    private static readonly HashSet<string> s_qelib1Defined = ["cu", "rccx", "rc3x"];

    /// <summary>
    /// Definitions of the gates without a qibo equivalent: qelib1.inc's cu, rccx, rc3x (as in Qiskit's file) and
    /// Qiskit's rzx, ecr, dcx, r (as Qiskit's exporter defines them).
    /// </summary>
    private const string DefinedGates = """
        gate cu(theta,phi,lambda,gamma) c,t
        {
          p(gamma) c;
          p((lambda+phi)/2) c;
          p((lambda-phi)/2) t;
          cx c,t;
          u(-theta/2,0,-(phi+lambda)/2) t;
          cx c,t;
          u(theta/2,phi,0) t;
        }
        gate rccx a,b,c
        {
          u2(0,pi) c; u1(pi/4) c;
          cx b,c; u1(-pi/4) c;
          cx a,c; u1(pi/4) c;
          cx b,c; u1(-pi/4) c;
          u2(0,pi) c;
        }
        gate rc3x a,b,c,d
        {
          u2(0,pi) d; u1(pi/4) d;
          cx c,d; u1(-pi/4) d; u2(0,pi) d;
          cx a,d; u1(pi/4) d;
          cx b,d; u1(-pi/4) d;
          cx a,d; u1(pi/4) d;
          cx b,d; u1(-pi/4) d; u2(0,pi) d; u1(pi/4) d;
          cx c,d; u1(-pi/4) d; u2(0,pi) d;
        }
        gate rzx(theta) a,b { h b; cx a,b; rz(theta) b; cx a,b; h b; }
        gate ecr a,b { rzx(pi/4) a,b; x a; rzx(-pi/4) a,b; }
        gate dcx a,b { cx a,b; cx b,a; }
        gate r(theta,phi) a { u3(theta,phi-pi/2,-phi+pi/2) a; }
        """;

    /// <summary>How a gate defined by <see cref="DefinedGates"/> is classified.</summary>
    public static QasmGateOrigin OriginOfDefined(string name)
        => s_qelib1Defined.Contains(name) ? QasmGateOrigin.Qelib1 : QasmGateOrigin.Extension;

    private static Dictionary<string, QasmGateDecl> BuildLibrary()
    {
        var gates = new Dictionary<string, QasmGateDecl>(StringComparer.Ordinal);
        void Add(string name, GateKind kind, QasmGateOrigin origin = QasmGateOrigin.Qelib1, int extraControls = 0, int ignoredParameters = 0)
            => gates.Add(name, QasmGateDecl.Native(name, kind, origin, extraControls, ignoredParameters));

        // qelib1.inc (Qiskit's, with the gates it added over the years).
        Add("u3", GateKind.U3);
        Add("u2", GateKind.U2);
        Add("u1", GateKind.U1);
        Add("cx", GateKind.CNOT);
        Add("id", GateKind.I);
        Add("u0", GateKind.I, ignoredParameters: 1);
        Add("u", GateKind.U3);
        Add("p", GateKind.U1);
        Add("x", GateKind.X);
        Add("y", GateKind.Y);
        Add("z", GateKind.Z);
        Add("h", GateKind.H);
        Add("s", GateKind.S);
        Add("sdg", GateKind.SDG);
        Add("t", GateKind.T);
        Add("tdg", GateKind.TDG);
        Add("rx", GateKind.RX);
        Add("ry", GateKind.RY);
        Add("rz", GateKind.RZ);
        Add("sx", GateKind.SX);
        Add("sxdg", GateKind.SXDG);
        Add("cz", GateKind.CZ);
        Add("cy", GateKind.CY);
        Add("swap", GateKind.SWAP);
        Add("ch", GateKind.CH);
        Add("ccx", GateKind.TOFFOLI);
        Add("cswap", GateKind.SWAP, extraControls: 1);
        Add("crx", GateKind.CRX);
        Add("cry", GateKind.CRY);
        Add("crz", GateKind.CRZ);
        Add("cu1", GateKind.CU1);
        Add("cp", GateKind.CU1);
        Add("cu3", GateKind.CU3);
        Add("csx", GateKind.CSX);
        Add("rxx", GateKind.RXX);
        Add("rzz", GateKind.RZZ);
        Add("c3x", GateKind.X, extraControls: 3);
        Add("c3sqrtx", GateKind.SX, extraControls: 3);
        Add("c4x", GateKind.X, extraControls: 4);

        // Not in qelib1.inc, known to qibo or Qiskit; a program's own definition of these names wins.
        Add("phase", GateKind.U1, QasmGateOrigin.Extension);
        Add("cphase", GateKind.CU1, QasmGateOrigin.Extension);
        Add("iswap", GateKind.iSWAP, QasmGateOrigin.Extension);
        Add("fswap", GateKind.FSWAP, QasmGateOrigin.Extension);
        Add("ryy", GateKind.RYY, QasmGateOrigin.Extension);
        Add("ccz", GateKind.CCZ, QasmGateOrigin.Extension);
        Add("cu2", GateKind.CU2, QasmGateOrigin.Extension);
        Add("cs", GateKind.S, QasmGateOrigin.Extension, extraControls: 1);
        Add("csdg", GateKind.SDG, QasmGateOrigin.Extension, extraControls: 1);

        QasmParser.ParseLibraryDefinitions(DefinedGates, FileName, gates);
        return gates;
    }
}
