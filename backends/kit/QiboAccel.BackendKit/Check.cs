using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>The argument checks of the kit's exports: the behaviour behind them only sees arguments that passed.</summary>
internal static unsafe class Check
{
    /// <summary>
    /// Throws INVALID_ARGUMENT if <paramref name="args"/> is NULL or its struct_size is below <paramref name="minimum"/>,
    /// the struct's size in the ABI version that added it (the mirror's <c>V1_0</c> or <c>V1_1</c> constant).
    /// </summary>
    public static void Args<TArgs>(TArgs* args, int minimum, string function) where TArgs : unmanaged
    {
        if (args == null) throw BackendFault.Invalid($"{function}: args is NULL");
        nuint size = *(nuint*)args; // every argument struct begins with size_t struct_size
        if (size < (nuint)minimum)
            throw BackendFault.Invalid($"{function}: args->struct_size {size} is smaller than the ABI {(IsNew<TArgs>() ? "1.1" : "1.0")} size {minimum}");
    }

    // Structs added by ABI 1.1: their least size is named after 1.1 in messages.
    private static bool IsNew<TArgs>() => typeof(TArgs) == typeof(QiboStateCopyArgs) || typeof(TArgs) == typeof(QiboStateInnerProductArgs)
        || typeof(TArgs) == typeof(QiboStateExpectationArgs);

    /// <summary>
    /// INVALID_ARGUMENT unless <paramref name="a"/> and <paramref name="b"/> come from the same backend instance and
    /// have the same qubit count and precision (state_copy, state_inner_product).
    /// </summary>
    public static void SamePlace(BackendState a, BackendState b, string function, string nameA, string nameB)
    {
        if (!ReferenceEquals(a.Owner, b.Owner))
            throw BackendFault.Invalid($"{function}: {nameA} and {nameB} belong to different backend instances");
        if (a.NQubits != b.NQubits || a.Precision != b.Precision)
        {
            throw BackendFault.Invalid($"{function}: {nameA} has {a.NQubits} qubits ({Name(a.Precision)}) but {nameB} has {b.NQubits} ({Name(b.Precision)})");
        }
    }

    /// <summary>
    /// Validates <paramref name="count"/> qibo_pauli_term records of <paramref name="termSize"/> bytes for an
    /// <paramref name="n"/>-qubit state and converts their qubit masks to index bits.
    /// </summary>
    public static PauliString[] PauliTerms(void* terms, ulong count, uint termSize, int n, string function)
    {
        if (termSize < QiboPauliTerm.V1_1 || termSize % 8 != 0)
            throw BackendFault.Invalid($"{function}: term_size {termSize} must be at least {QiboPauliTerm.V1_1} and a multiple of 8");
        if (count > 0 && terms == null) throw BackendFault.Invalid($"{function}: terms is NULL but n_terms is {count}");
        if (count > int.MaxValue / 64) throw BackendFault.Invalid($"{function}: {count} terms is too many");
        var result = new PauliString[count];
        ulong valid = n >= 64 ? ulong.MaxValue : (1UL << n) - 1;
        for (ulong t = 0; t < count; t++)
        {
            var term = (QiboPauliTerm*)((byte*)terms + t * termSize);
            ulong x = term->XMask, y = term->YMask, z = term->ZMask;
            if (!double.IsFinite(term->Coefficient))
                throw BackendFault.Invalid($"{function}: term {t}: coefficient {term->Coefficient} is not finite");
            if ((x & y) != 0 || (x & z) != 0 || (y & z) != 0)
                throw BackendFault.Invalid($"{function}: term {t}: the X, Y and Z masks overlap (0x{x:x}, 0x{y:x}, 0x{z:x})");
            if (((x | y | z) & ~valid) != 0)
                throw BackendFault.Invalid($"{function}: term {t}: qubit {63 - System.Numerics.BitOperations.LeadingZeroCount(x | y | z)} is out of range for a {n}-qubit state");
            result[t] = new PauliString(term->Coefficient, IndexBits(x | y, n), IndexBits(y | z, n), System.Numerics.BitOperations.PopCount(y));
        }
        return result;
    }

    // Bit q of a qubit mask is index bit n - 1 - q (qubit 0 is the most significant bit of an index).
    private static ulong IndexBits(ulong qubits, int n)
    {
        ulong bits = 0;
        for (int q = 0; q < n; q++)
        {
            if ((qubits & (1UL << q)) != 0) bits |= 1UL << (n - 1 - q);
        }
        return bits;
    }

    private static string Name(QiboPrecision p) => p == QiboPrecision.Complex64 ? "complex64" : "complex128";

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
