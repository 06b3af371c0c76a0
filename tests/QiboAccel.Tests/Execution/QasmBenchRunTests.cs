using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Qasm;
using QiboAccel.Conformance;
using QiboAccel.Conformance.Reference;
using QiboAccel.Execution;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Execution;

/// <summary>Every QASMBench circuit runs on the CPU backend; where the reference simulator can follow, the states agree.</summary>
public class QasmBenchRunTests : IDisposable
{
    private readonly IBackend _cpu = TestBackends.Load("backends", "cpu.json");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(RepoPaths.Combine("examples", "qasmbench"), "*.qasm").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }
        return data;
    }

    public void Dispose()
    {
        _cpu.Dispose();
        GC.SuppressFinalize(this);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void RunsAndMatchesTheReference(string file)
    {
        Circuit circuit = QasmParser.ParseFile(RepoPaths.Combine("examples", "qasmbench", file));
        bool gatesAndFinalMeasurementsOnly = IsTerminal(circuit);
        const int shots = 200;
        var result = _cpu.Execute(circuit, shots, seed: 3, returnState: gatesAndFinalMeasurementsOnly);
        Assert.Equal(shots, result.Frequencies.Values.Sum());
        foreach (var counts in result.RegisterFrequencies.Values) Assert.Equal(shots, counts.Values.Sum());
        if (gatesAndFinalMeasurementsOnly && circuit.Operations.Count * (1L << circuit.NQubits) < 400_000_000L)
        {
            var expected = ReferenceSimulator.Run(circuit);
            Check.StatesClose(expected, result.State!, 1e-9);
        }
    }

    [Fact]
    public void CatStateGivesOnlyAllZerosAndAllOnes()
    {
        Circuit circuit = QasmParser.ParseFile(RepoPaths.Combine("examples", "qasmbench", "cat_state_n22.qasm"));
        var result = _cpu.Execute(circuit, 1000, seed: 8, returnState: false);
        Assert.Equal(2, result.Frequencies.Count);
        Assert.InRange(result.Frequencies[new string('0', result.SampledQubits.Count)], 400, 600);
    }

    [Fact]
    public void SyndromeMeasurementCorrectsTheBitFlip()
    {
        // qec_sm_n5: X on q[0] (the error), syndrome into syn, `if (syn==1) x q[0];` corrects it.
        // The syndrome is always a[0]=1, a[1]=0 and the data qubits always read 000.
        Circuit circuit = QasmParser.ParseFile(RepoPaths.Combine("examples", "qasmbench", "qec_sm_n5.qasm"));
        var result = _cpu.Execute(circuit, 100, seed: 4, returnState: false);
        Assert.Equal(100, result.RegisterFrequencies["syn"]["10"]);
        Assert.Equal(100, result.RegisterFrequencies["c"]["000"]);
    }

    private static bool IsTerminal(Circuit circuit)
    {
        var measured = new HashSet<int>();
        foreach (var op in circuit.Operations)
        {
            switch (op)
            {
                case Measurement m: measured.Add(m.Qubit); break;
                case Gate g when g.Qubits.Any(measured.Contains): return false;
                case Reset or Conditional: return false;
            }
        }
        return true;
    }
}
