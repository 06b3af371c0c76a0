
namespace QiboAccel.Cpu.Exports;

/// <summary>Argument checks shared by the exports.</summary>
internal static unsafe class Check
{
    /// <summary>Throws INVALID_ARGUMENT if <paramref name="args"/> is NULL or its struct_size is below the ABI 1.0 size.</summary>
    public static void Args<TArgs>(TArgs* args, string function) where TArgs : unmanaged
    {
        if (args == null) throw CpuException.Invalid($"{function}: args is NULL");
        nuint size = *(nuint*)args; // every argument struct begins with size_t struct_size
        if (size < (nuint)sizeof(TArgs))
            throw CpuException.Invalid($"{function}: args->struct_size {size} is smaller than the ABI 1.0 size {sizeof(TArgs)}");
    }

    /// <summary>
    /// Validates a list of qubits of an <paramref name="n"/>-qubit state (in range, no repeats) and returns their
    /// amplitude bit positions.
    /// </summary>
    public static int[] Qubits(uint* qubits, uint count, int n, string function)
    {
        if (count > (uint)n) throw CpuException.Invalid($"{function}: {count} qubits listed for a {n}-qubit state");
        if (count > 0 && qubits == null) throw CpuException.Invalid($"{function}: qubits is NULL");
        var bits = new int[count];
        ulong seen = 0;
        for (int i = 0; i < count; i++)
        {
            uint q = qubits[i];
            if (q >= (uint)n) throw CpuException.Invalid($"{function}: qubit {q} is out of range for a {n}-qubit state");
            if ((seen & (1UL << (int)q)) != 0) throw CpuException.Invalid($"{function}: qubit {q} is listed more than once");
            seen |= 1UL << (int)q;
            bits[i] = n - 1 - (int)q;
        }
        return bits;
    }
}
