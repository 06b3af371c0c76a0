namespace QiboAccel.BackendKit;

/// <summary>The argument checks of the kit's exports: the behaviour behind them only sees arguments that passed.</summary>
internal static unsafe class Check
{
    /// <summary>
    /// Throws INVALID_ARGUMENT if <paramref name="args"/> is NULL or its struct_size is below
    /// <paramref name="v1_0"/>, the struct's size in ABI 1.0 (the mirror's <c>V1_0</c> constant).
    /// </summary>
    public static void Args<TArgs>(TArgs* args, int v1_0, string function) where TArgs : unmanaged
    {
        if (args == null) throw BackendFault.Invalid($"{function}: args is NULL");
        nuint size = *(nuint*)args; // every argument struct begins with size_t struct_size
        if (size < (nuint)v1_0)
            throw BackendFault.Invalid($"{function}: args->struct_size {size} is smaller than the ABI 1.0 size {v1_0}");
    }

    /// <summary>Validates a list of qubits of an <paramref name="n"/>-qubit state: in range, none repeated.</summary>
    public static QubitSelection Qubits(uint* qubits, uint count, int n, string function)
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
        return new QubitSelection(qubits, bits);
    }

    /// <summary>Throws INVALID_ARGUMENT naming the first of <paramref name="randoms"/> outside [0, 1) (NaN included).</summary>
    public static void Randoms(double* randoms, ulong count, string function)
    {
        for (ulong s = 0; s < count; s++)
        {
            double r = randoms[s];
            if (!(r >= 0 && r < 1)) throw BackendFault.Invalid($"{function}: randoms[{s}] = {r} is not in [0, 1)");
        }
    }
}
