using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using QiboAccel.CApi.Interop;
using QiboAccel.Circuits;
using QiboAccel.Execution;

namespace QiboAccel.CApi.Model;

/// <summary>What a qiboaccel_result* stands for: an execution's result, the circuit's registers, and handed-out memory.</summary>
internal sealed class ResultObject(ExecutionResult result, IReadOnlyList<ClassicalRegister> registers, double totalSeconds) : IDisposable
{
    private readonly ConcurrentDictionary<int, (ulong[] Outcomes, ulong[] Counts, int Bits)> _frequencies = new();

    public ExecutionResult Result { get; } = result;

    public IReadOnlyList<ClassicalRegister> Registers { get; } = registers;

    public double TotalSeconds { get; } = totalSeconds;

    public NativeStrings Strings { get; } = new();

    /// <summary>
    /// The counts of the sampled qubits (<paramref name="register"/> = -1) or of a register, as integers whose binary
    /// digits are the bitstring keys (first character most significant), ascending; computed once.
    /// </summary>
    public (ulong[] Outcomes, ulong[] Counts, int Bits) Frequencies(int register) => _frequencies.GetOrAdd(register, r =>
    {
        IReadOnlyDictionary<string, int> counts;
        int bits;
        string what;
        if (r < 0)
        {
            counts = Result.Frequencies;
            bits = Result.SampledQubits.Count;
            what = "the sampled qubits";
        }
        else
        {
            ClassicalRegister reg = Registers[r];
            counts = Result.RegisterFrequencies.TryGetValue(reg.Name, out var c) ? c : new Dictionary<string, int>();
            bits = reg.Size;
            what = $"register '{reg.Name}'";
        }
        if (bits > 64)
        {
            throw new CApiException(ErrorCode.Unsupported, $"{what} have {bits} bits; outcomes as integers hold at most 64");
        }
        var pairs = counts.Select(kv => (Outcome: Convert.ToUInt64(kv.Key.Length == 0 ? "0" : kv.Key, 2), Count: (ulong)kv.Value))
            .OrderBy(p => p.Outcome).ToArray();
        return (pairs.Select(p => p.Outcome).ToArray(), pairs.Select(p => p.Count).ToArray(), bits);
    });

    /// <summary>The sampled qubits as a native array living as long as the result (made once).</summary>
    public unsafe uint* SampledQubits(int[] qubits)
    {
        lock (_frequencies)
        {
            if (_sampled == 0) _sampled = (nint)Strings.Array(qubits);
            return (uint*)_sampled;
        }
    }

    private nint _sampled;
    private GCHandle _pinned;

    /// <summary>The address of <paramref name="state"/>, pinned (once) until the result is destroyed.</summary>
    public nint Pin(System.Numerics.Complex[] state)
    {
        lock (_frequencies)
        {
            if (!_pinned.IsAllocated) _pinned = GCHandle.Alloc(state, GCHandleType.Pinned);
            return _pinned.AddrOfPinnedObject();
        }
    }

    public void Dispose()
    {
        lock (_frequencies)
        {
            if (_pinned.IsAllocated) _pinned.Free();
        }
        Strings.Dispose();
    }
}
