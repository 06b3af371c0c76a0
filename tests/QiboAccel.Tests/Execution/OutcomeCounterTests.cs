using QiboAccel.Circuits;
using QiboAccel.Execution;

namespace QiboAccel.Tests.Execution;

/// <summary>
/// The host's shot counts (packed integers up to 64 qubits, bitstrings beyond) against a plain count of the
/// bitstrings written out character by character and sorted by a SortedDictionary.
/// </summary>
public class OutcomeCounterTests
{
    [Theory]
    [InlineData(3, 5)]
    [InlineData(26, 20000)]
    [InlineData(64, 3000)]
    [InlineData(70, 3000)]
    public void CountsEqualAPlainCountInBitstringOrder(int nQubits, int distinct)
    {
        var circuit = new Circuit(nQubits);
        var c = circuit.AddClassicalRegister("c", Math.Min(nQubits, 5));
        var d = circuit.AddClassicalRegister("d", 2);
        int[] sampled = [.. Enumerable.Range(0, nQubits).Reverse()]; // not in qubit order
        var counter = new OutcomeCounter(circuit, sampled);
        var expected = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var expectedC = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var rng = new Random(nQubits);
        for (int k = 0; k < distinct; k++)
        {
            int[] bits = [.. Enumerable.Range(0, nQubits).Select(_ => rng.Next(2))];
            byte[] cbits = [.. Enumerable.Range(0, circuit.NClbits).Select(_ => (byte)rng.Next(2))];
            int count = 1 + rng.Next(3);
            counter.Add(bits, cbits, count);
            string key = string.Concat(sampled.Select(q => bits[q] == 1 ? '1' : '0'));
            expected[key] = expected.GetValueOrDefault(key) + count;
            string ckey = string.Concat(Enumerable.Range(0, c.Size).Select(i => cbits[c.Offset + i] == 1 ? '1' : '0'));
            expectedC[ckey] = expectedC.GetValueOrDefault(ckey) + count;
        }
        var frequencies = counter.Frequencies();
        Assert.Equal(expected.ToList(), frequencies.ToList());
        Assert.Equal(expected.Count, frequencies.Count);
        string some = expected.Keys.ElementAt(expected.Count / 2);
        Assert.Equal(expected[some], frequencies[some]);
        Assert.False(frequencies.ContainsKey(new string('2', nQubits)));
        var registers = counter.RegisterFrequencies();
        Assert.Equal(new[] { "c", "d" }, registers.Keys.ToArray());
        Assert.Equal(expectedC.ToList(), registers["c"].ToList());
        Assert.Equal(expected.Values.Sum(), registers["d"].Values.Sum()); // every shot lands in every register
    }
}
