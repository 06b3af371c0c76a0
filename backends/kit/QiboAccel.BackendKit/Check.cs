
namespace QiboAccel.BackendKit;

/// <summary>Argument checks shared by the exports of every backend: the code behind them only sees arguments that passed.</summary>
public static unsafe class Check
{
    /// <summary>Throws INVALID_ARGUMENT if <paramref name="args"/> is NULL or its struct_size is below the ABI 1.0 size.</summary>
    public static void Args<TArgs>(TArgs* args, string function) where TArgs : unmanaged
    {
        if (args == null) throw BackendFault.Invalid($"{function}: args is NULL");
        nuint size = *(nuint*)args; // every argument struct begins with size_t struct_size
        if (size < (nuint)sizeof(TArgs))
            throw BackendFault.Invalid($"{function}: args->struct_size {size} is smaller than the ABI 1.0 size {sizeof(TArgs)}");
    }

    /// <summary>
    /// Validates a list of qubits of an <paramref name="n"/>-qubit state (in range, no repeats) and returns their
    /// amplitude bit positions.
    /// </summary>
    public static int[] Qubits(uint* qubits, uint count, int n, string function)
    {
        if (count > (uint)n) throw BackendFault.Invalid($"{function}: {count} qubits listed for a {n}-qubit state");
        if (count > 0 && qubits == null) throw BackendFault.Invalid($"{function}: qubits is NULL");
        var bits = new int[count];
        ulong seen = 0;
        for (int i = 0; i < count; i++)
        {
            uint q = qubits[i];
            if (q >= (uint)n) throw BackendFault.Invalid($"{function}: qubit {q} is out of range for a {n}-qubit state");
            if ((seen & (1UL << (int)q)) != 0) throw BackendFault.Invalid($"{function}: qubit {q} is listed more than once");
            seen |= 1UL << (int)q;
            bits[i] = n - 1 - (int)q;
        }
        return bits;
    }
}
