
namespace QiboAccel.Python.Exports;

/// <summary>Argument checks shared by the exports: Python code only ever sees arguments that passed them.</summary>
internal static unsafe class Check
{
    /// <summary>Throws INVALID_ARGUMENT if <paramref name="args"/> is NULL or its struct_size is below the ABI 1.0 size.</summary>
    public static void Args<TArgs>(TArgs* args, string function) where TArgs : unmanaged
    {
        if (args == null) throw BridgeException.Invalid($"{function}: args is NULL");
        nuint size = *(nuint*)args; // every argument struct begins with size_t struct_size
        if (size < (nuint)sizeof(TArgs))
            throw BridgeException.Invalid($"{function}: args->struct_size {size} is smaller than the ABI 1.0 size {sizeof(TArgs)}");
    }

    /// <summary>Validates a list of qubits of an <paramref name="n"/>-qubit state: in range, no repeats.</summary>
    public static void Qubits(uint* qubits, uint count, int n, string function)
    {
        if (count > (uint)n) throw BridgeException.Invalid($"{function}: {count} qubits listed for a {n}-qubit state");
        if (count > 0 && qubits == null) throw BridgeException.Invalid($"{function}: qubits is NULL");
        ulong seen = 0;
        for (int i = 0; i < count; i++)
        {
            uint q = qubits[i];
            if (q >= (uint)n) throw BridgeException.Invalid($"{function}: qubit {q} is out of range for a {n}-qubit state");
            if ((seen & (1UL << (int)q)) != 0) throw BridgeException.Invalid($"{function}: qubit {q} is listed more than once");
            seen |= 1UL << (int)q;
        }
    }
}
