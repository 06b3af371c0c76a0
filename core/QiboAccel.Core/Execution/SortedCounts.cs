using System.Diagnostics.CodeAnalysis;

namespace QiboAccel.Execution;

/// <summary>
/// Counts keyed by bitstring, in ordinal (bitstring) order, held as two sorted arrays: built once from counts that are
/// already in order (or sorted once), where a SortedDictionary would build a tree node by node; lookups are binary
/// searches.
/// </summary>
internal sealed class SortedCounts : IReadOnlyDictionary<string, int>
{
    private readonly string[] _keys;
    private readonly int[] _values;

    /// <summary>Wraps <paramref name="keys"/> (distinct, in ordinal order) and their <paramref name="values"/>.</summary>
    public SortedCounts(string[] keys, int[] values)
    {
        _keys = keys;
        _values = values;
    }

    /// <summary>The counts of <paramref name="counts"/>, sorted.</summary>
    public static SortedCounts From(Dictionary<string, int> counts)
    {
        string[] keys = [.. counts.Keys];
        int[] values = [.. counts.Values];
        Array.Sort(keys, values, StringComparer.Ordinal);
        return new SortedCounts(keys, values);
    }

    public int this[string key] => TryGetValue(key, out int value) ? value : throw new KeyNotFoundException($"no outcome '{key}'");

    public IEnumerable<string> Keys => _keys;

    public IEnumerable<int> Values => _values;

    public int Count => _keys.Length;

    public bool ContainsKey(string key) => Array.BinarySearch(_keys, key, StringComparer.Ordinal) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out int value)
    {
        int i = Array.BinarySearch(_keys, key, StringComparer.Ordinal);
        value = i >= 0 ? _values[i] : 0;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, int>> GetEnumerator()
    {
        for (int i = 0; i < _keys.Length; i++) yield return new(_keys[i], _values[i]);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
