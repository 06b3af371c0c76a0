// Ported from abi/include/qibo/backend.h (qibo_backend_api).
using System.Runtime.InteropServices;

#pragma warning disable CS1591 // slots mirror the header one to one; the header documents them
namespace QiboAccel.Abi;

/// <summary>
/// qibo_backend_api: the function table. Slots are only ever appended; a host must check
/// <see cref="StructSize"/> before reading a slot a later minor version added, and treat NULL as "not supported".
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct QiboBackendApi
{
    /// <summary>sizeof in ABI 1.0 (64-bit targets): the least struct_size a host accepts for a table; later minor versions only append.</summary>
    public const int V1_0 = 136;

    /// <summary>sizeof in ABI 1.1 (three optional slots appended).</summary>
    public const int V1_1 = 160;

    public nuint StructSize;
    public uint AbiMajor;
    public uint AbiMinor;

    public delegate* unmanaged[Cdecl]<QiboError*, QiboErrorCode> ErrorCode;
    public delegate* unmanaged[Cdecl]<QiboError*, byte*> ErrorMessage;
    public delegate* unmanaged[Cdecl]<QiboError*, long> ErrorOpIndex;
    public delegate* unmanaged[Cdecl]<QiboError*, void> ErrorDestroy;

    public delegate* unmanaged[Cdecl]<QiboBackendCreateArgs*, QiboError*> BackendCreate;
    public delegate* unmanaged[Cdecl]<QiboBackend*, void> BackendDestroy;
    public delegate* unmanaged[Cdecl]<QiboBackendGetInfoArgs*, QiboError*> BackendGetInfo;

    public delegate* unmanaged[Cdecl]<QiboStateCreateArgs*, QiboError*> StateCreate;
    public delegate* unmanaged[Cdecl]<QiboState*, void> StateDestroy;
    public delegate* unmanaged[Cdecl]<QiboStateResetArgs*, QiboError*> StateReset;
    public delegate* unmanaged[Cdecl]<QiboStateAmplitudesArgs*, QiboError*> StateSetAmplitudes;
    public delegate* unmanaged[Cdecl]<QiboStateAmplitudesArgs*, QiboError*> StateGetAmplitudes;
    public delegate* unmanaged[Cdecl]<QiboStateApplyArgs*, QiboError*> StateApply;
    public delegate* unmanaged[Cdecl]<QiboStateProbabilitiesArgs*, QiboError*> StateProbabilities;
    public delegate* unmanaged[Cdecl]<QiboStateSampleArgs*, QiboError*> StateSample;

    // ABI 1.1
    public delegate* unmanaged[Cdecl]<QiboStateCopyArgs*, QiboError*> StateCopy;
    public delegate* unmanaged[Cdecl]<QiboStateInnerProductArgs*, QiboError*> StateInnerProduct;
    public delegate* unmanaged[Cdecl]<QiboStateExpectationArgs*, QiboError*> StateExpectation;
}
