using System.Runtime.InteropServices;
using QiboAccel.Circuits;

namespace QiboAccel.Execution;

/// <summary>Counts shots by the sampled qubits' outcomes and by each classical register's bits.</summary>
/// <remarks>
/// A run over many qubits can leave about as many distinct outcomes as shots (a million), so outcomes are counted as
/// packed integers (first qubit or bit most significant, up to 64 of them) and turned into bitstrings once, in
/// order, when the counts are read; wider outcomes are counted by their bitstring.
/// </remarks>
internal sealed class OutcomeCounter(Circuit circuit, int[] qubits)
{
    private readonly BitCounts _frequencies = new(qubits.Length);
    private readonly BitCounts[] _registers = [.. circuit.ClassicalRegisters.Select(r => new BitCounts(r.Size))];

    public IReadOnlyList<int> Qubits { get; } = qubits;

    /// <summary>
    /// Records <paramref name="count"/> shots with the same outcome: <paramref name="bitOfQubit"/>[q] is qubit q's
    /// outcome; <paramref name="cbits"/> the classical bits.
    /// </summary>
    public void Add(int[] bitOfQubit, byte[] cbits, int count = 1)
    {
        _frequencies.Add(i => bitOfQubit[qubits[i]] == 1, count);
        for (int r = 0; r < _registers.Length; r++)
        {
            int offset = circuit.ClassicalRegisters[r].Offset;
            _registers[r].Add(i => cbits[offset + i] == 1, count);
        }
    }

    public IReadOnlyDictionary<string, int> Frequencies() => _frequencies.Sorted();

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> RegisterFrequencies()
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, int>>();
        for (int r = 0; r < _registers.Length; r++) result[circuit.ClassicalRegisters[r].Name] = _registers[r].Sorted();
        return result;
    }

    /// <summary>Counts of bitstrings of one width.</summary>
    private sealed class BitCounts(int width)
    {
        private readonly Dictionary<ulong, int> _packed = [];
        private readonly Dictionary<string, int> _wide = [];

        /// <summary>Adds <paramref name="count"/> to the bitstring whose character i is <paramref name="bit"/>(i).</summary>
        public void Add(Func<int, bool> bit, int count)
        {
            if (width <= 64)
            {
                ulong key = 0;
                for (int i = 0; i < width; i++) key = (key << 1) | (bit(i) ? 1UL : 0);
                CollectionsMarshal.GetValueRefOrAddDefault(_packed, key, out _) += count;
            }
            else
            {
                string key = string.Create(width, bit, static (chars, b) =>
                {
                    for (int i = 0; i < chars.Length; i++) chars[i] = b(i) ? '1' : '0';
                });
                CollectionsMarshal.GetValueRefOrAddDefault(_wide, key, out _) += count;
            }
        }

        /// <summary>The counts in bitstring order (the packed keys' numeric order is the same).</summary>
        public IReadOnlyDictionary<string, int> Sorted()
        {
            if (width > 64) return SortedCounts.From(_wide);
            ulong[] keys = [.. _packed.Keys];
            Array.Sort(keys);
            var strings = new string[keys.Length];
            var counts = new int[keys.Length];
            for (int k = 0; k < keys.Length; k++)
            {
                strings[k] = string.Create(width, keys[k], static (chars, key) =>
                {
                    for (int i = 0; i < chars.Length; i++) chars[i] = ((key >> (chars.Length - 1 - i)) & 1) == 1 ? '1' : '0';
                });
                counts[k] = _packed[keys[k]];
            }
            return new SortedCounts(strings, counts);
        }
    }
}
