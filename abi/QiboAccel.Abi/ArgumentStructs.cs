// Ported from abi/include/qibo/backend.h (argument structs).
using System.Runtime.InteropServices;

#pragma warning disable CS1591 // fields mirror the header one to one; the header documents them
namespace QiboAccel.Abi;

/// <summary>qibo_backend_create_args.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboBackendCreateArgs
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 24;

    public nuint StructSize;
    public byte* Options;
    public QiboBackend* Backend;
}

/// <summary>qibo_backend_get_info_args.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboBackendGetInfoArgs
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 24;

    public nuint StructSize;
    public QiboBackend* Backend;
    public QiboBackendInfo* Info;
}

/// <summary>qibo_state_create_args.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboStateCreateArgs
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 40;

    public nuint StructSize;
    public QiboBackend* Backend;
    public uint NQubits;
    public QiboPrecision Precision;
    public QiboStateKind Kind;
    public uint Reserved;
    public QiboState* State;
}

/// <summary>qibo_state_reset_args.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboStateResetArgs
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 16;

    public nuint StructSize;
    public QiboState* State;
}

/// <summary>qibo_state_amplitudes_args.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboStateAmplitudesArgs
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 40;

    public nuint StructSize;
    public QiboState* State;
    public ulong Offset;
    public ulong Count;
    public void* Data;
}

/// <summary>qibo_state_apply_args.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboStateApplyArgs
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 56;

    public nuint StructSize;
    public QiboState* State;
    public QiboCircuit* Circuit;
    public double* Randoms;
    public ulong NRandoms;
    public byte* Cbits;
    public ulong NCbits;
}

/// <summary>qibo_state_probabilities_args.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboStateProbabilitiesArgs
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 40;

    public nuint StructSize;
    public QiboState* State;
    public uint* Qubits;
    public uint NQubits;
    public uint Reserved;
    public double* Out;
}

/// <summary>qibo_state_sample_args.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboStateSampleArgs
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 56;

    public nuint StructSize;
    public QiboState* State;
    public uint* Qubits;
    public uint NQubits;
    public uint Reserved;
    public ulong NShots;
    public double* Randoms;
    public ulong* Outcomes;
}

/// <summary>qibo_api_request: the version handshake.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboApiRequest
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a reader accepts; later minor versions only append.</summary>
    public const int V1_0 = 32;

    public nuint StructSize;
    public uint HostMajor;
    public uint HostMinor;
    public uint BackendMajor;
    public uint BackendMinor;
    public QiboBackendApi* Api;
}

/// <summary>qibo_state_copy_args (ABI 1.1).</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboStateCopyArgs
{
    /// <summary>sizeof in ABI 1.1, which added the struct: the least struct_size a reader accepts.</summary>
    public const int V1_1 = 24;

    public nuint StructSize;
    public QiboState* Source;
    public QiboState* Destination;
}

/// <summary>qibo_state_inner_product_args (ABI 1.1).</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboStateInnerProductArgs
{
    /// <summary>sizeof in ABI 1.1, which added the struct: the least struct_size a reader accepts.</summary>
    public const int V1_1 = 40;

    public nuint StructSize;
    public QiboState* Bra;
    public QiboState* Ket;
    public Out2 Out;

    /// <summary>double out[2]: real and imaginary part.</summary>
    [System.Runtime.CompilerServices.InlineArray(2)]
    public struct Out2
    {
        private double _element0;
    }
}

/// <summary>qibo_state_expectation_args (ABI 1.1).</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboStateExpectationArgs
{
    /// <summary>sizeof in ABI 1.1, which added the struct: the least struct_size a reader accepts.</summary>
    public const int V1_1 = 48;

    public nuint StructSize;
    public QiboState* State;
    public void* Terms;
    public ulong NTerms;
    public uint TermSize;
    public uint Reserved;
    public double Out;
}
