using System.Text;
using QiboAccel.Circuits;

namespace QiboAccel.Execution;

/// <summary>Counts shots by the sampled qubits' outcomes and by each classical register's bits.</summary>
internal sealed class OutcomeCounter(Circuit circuit, int[] qubits)
{
    private readonly Dictionary<string, int> _frequencies = [];
    private readonly Dictionary<string, Dictionary<string, int>> _registers =
        circuit.ClassicalRegisters.ToDictionary(r => r.Name, _ => new Dictionary<string, int>());
    private readonly StringBuilder _key = new();

    public IReadOnlyList<int> Qubits { get; } = qubits;

    /// <summary>
    /// Records <paramref name="count"/> shots with the same outcome: <paramref name="bitOfQubit"/>[q] is qubit q's
    /// outcome; <paramref name="cbits"/> the classical bits.
    /// </summary>
    public void Add(int[] bitOfQubit, byte[] cbits, int count = 1)
    {
        _key.Clear();
        foreach (int q in Qubits) _key.Append(bitOfQubit[q] == 1 ? '1' : '0');
        Increment(_frequencies, _key.ToString(), count);
        foreach (ClassicalRegister reg in circuit.ClassicalRegisters)
        {
            _key.Clear();
            for (int i = 0; i < reg.Size; i++) _key.Append(cbits[reg.Offset + i] == 1 ? '1' : '0');
            Increment(_registers[reg.Name], _key.ToString(), count);
        }
    }

    public IReadOnlyDictionary<string, int> Frequencies() => Sorted(_frequencies);

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> RegisterFrequencies()
        => _registers.ToDictionary(kv => kv.Key, kv => Sorted(kv.Value));

    /// <summary>
    /// Counts in bitstring order. A SortedList sorts its keys once (a shot over many qubits can leave as many
    /// distinct outcomes as shots, and a SortedDictionary would build a tree node by node).
    /// </summary>
    private static IReadOnlyDictionary<string, int> Sorted(Dictionary<string, int> counts) => new SortedList<string, int>(counts, StringComparer.Ordinal);

    private static void Increment(Dictionary<string, int> counts, string key, int count)
        => counts[key] = counts.TryGetValue(key, out int n) ? n + count : count;
}
