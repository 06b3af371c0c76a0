using System.Text.Json;
using QiboAccel.Circuits;
using QiboAccel.Observables;
using QiboAccel.Qasm;
using QiboAccel.Tests.Gradients;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Cli;

/// <summary><c>qiboaccel run --expectation O --gradient</c> against finite differences of the reference simulator.</summary>
public sealed class CliGradientTests
{
    private const string Program = """
        OPENQASM 2.0;
        include "qelib1.inc";
        input angle theta;
        input angle phi;
        qreg q[3];
        h q;
        ry(theta) q[0];
        cx q[0], q[1];
        crz(2*phi - 0.5) q[1], q[2];
        u3(theta, phi, 0.25) q[2];
        rxx(theta + 0.1) q[0], q[2];
        measure q[0] -> c[0];
        """;

    private static string Qasm(string body)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("qiboaccel-cli-gradient-").FullName, "circuit.qasm");
        File.WriteAllText(path, body.Replace("qreg q[3];", "qreg q[3];\ncreg c[1];"));
        return path;
    }

    [Theory]
    [InlineData("adjoint")]
    [InlineData("parameter-shift")]
    public void InputsGradientMatchesFiniteDifferences(string method)
    {
        string file = Qasm(Program);
        const string observable = "Z0*Z1 - 0.5*X2 + 0.25*Y0*Y2";
        var r = CliRunner.Run("run", file, "--expectation", observable, "--gradient", "--gradient-method", method, "--parameters", "phi=-0.7,theta=0.4", "--json");
        Assert.True(r.Exit == 0, r.Err);
        using JsonDocument doc = JsonDocument.Parse(r.Out);
        JsonElement g = doc.RootElement.GetProperty("gradient");
        Assert.Equal(method, g.GetProperty("method").GetString());
        Circuit circuit = QasmParser.ParseFile(file);
        double[] expected = ParametrisedCircuits.ReferenceGradient(circuit, [0.4, -0.7], Observable.Parse(observable));
        var parameters = g.GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal(["theta", "phi"], parameters.Select(p => p.GetProperty("name").GetString()));
        for (int i = 0; i < 2; i++) Assert.Equal(expected[i], parameters[i].GetProperty("derivative").GetDouble(), 1e-7);
        Assert.Equal(ParametrisedCircuits.ReferenceExpectation(circuit, [0.4, -0.7], Observable.Parse(observable)),
            doc.RootElement.GetProperty("expectation").GetDouble(), 1e-10);
    }

    [Fact]
    public void WithoutInputsEveryGateAngleIsDifferentiated()
    {
        string file = Qasm("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nh q[0];\nry(0.3) q[0];\ncrx(1.1) q[0], q[1];\nu2(0.2, -0.4) q[1];\n");
        var r = CliRunner.Run("run", file, "--expectation", "Z0 + X1", "--gradient", "--json");
        Assert.True(r.Exit == 0, r.Err);
        using JsonDocument doc = JsonDocument.Parse(r.Out);
        var parameters = doc.RootElement.GetProperty("gradient").GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal(["op 1 RY[0]", "op 2 CRX[0]", "op 3 U2[0]", "op 3 U2[1]"], parameters.Select(p => p.GetProperty("name").GetString()));
        // The same circuit with inputs in place of the angles, differentiated by the reference.
        string symbolic = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\ninput angle a;\ninput angle b;\ninput angle c;\ninput angle d;\nqreg q[2];\nh q[0];\nry(a) q[0];\ncrx(b) q[0], q[1];\nu2(c, d) q[1];\n";
        double[] expected = ParametrisedCircuits.ReferenceGradient(QasmParser.Parse(symbolic), [0.3, 1.1, 0.2, -0.4], Observable.Parse("Z0 + X1"));
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], parameters[i].GetProperty("derivative").GetDouble(), 1e-7);
    }

    [Theory]
    [InlineData(new[] { "--gradient" }, "--gradient needs --expectation")]
    [InlineData(new[] { "--expectation", "Z0" }, "give their values with --parameters theta=VALUE,phi=VALUE")]
    [InlineData(new[] { "--parameters", "theta=1,psi=2" }, "'psi' is not an input of the circuit (its inputs: theta, phi)")]
    [InlineData(new[] { "--parameters", "theta=1" }, "no value for phi")]
    [InlineData(new[] { "--parameters", "1,2,3" }, "3 values for 2 input(s)")]
    [InlineData(new[] { "--parameters", "theta=x,phi=1" }, "'x' is not a finite number")]
    [InlineData(new[] { "--parameters", "1,2", "--expectation", "Z0", "--gradient", "--gradient-method", "fast" }, "--gradient-method must be auto, adjoint or parameter-shift")]
    public void MisuseIsOneLine(string[] extra, string fragment)
    {
        var r = CliRunner.Run(["run", Qasm(Program), .. extra]);
        Assert.NotEqual(0, r.Exit);
        Assert.Contains(fragment, r.ErrorLine);
    }
}
