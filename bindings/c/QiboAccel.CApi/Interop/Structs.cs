using System.Runtime.InteropServices;

// C# mirrors of the structs of abi/include/qibo/qiboaccel.h, field for field (checked against the C compiler by
// tests/QiboAccel.Tests/Bindings/CApiLayoutTests.cs). Pointers to strings are byte*; handles are nint.

namespace QiboAccel.CApi.Interop;

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BackendInfo
{
    public nuint StructSize;
    public byte* Specifier;
    public byte* Name;
    public byte* Version;
    public byte* Description;
    public byte* Device;
    public byte* LibraryPath;
    public byte* AbiVersion;
    public uint MaxQubits;
    public uint Precisions;
    public uint MaxMatrixTargets;
    public uint Reserved;
    public double LoadSeconds;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BackendListInfo
{
    public nuint StructSize;
    public ulong NBackends;
    public ulong NProblems;
    public byte* SearchPath;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BackendEntry
{
    public nuint StructSize;
    public byte* Specifier;
    public byte* Description;
    public byte* ManifestPath;
    public byte* LibraryPath;
    public byte* AbiVersion;
    public uint Probed;
    public uint Available;
    public byte* Error;
}

[StructLayout(LayoutKind.Sequential)]
internal struct CircuitInfo
{
    public const int V1_0 = 40;

    public nuint StructSize;
    public uint NQubits;
    public uint NClbits;
    public ulong NOperations;
    public uint NRegisters;
    public uint NWarnings;
    public double ParseSeconds;
    public uint NParameters;      // since 1.1
    public uint Reserved2;        // since 1.1
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RegisterInfo
{
    public nuint StructSize;
    public byte* Name;
    public uint Offset;
    public uint Size;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GateInfo
{
    public nuint StructSize;
    public uint Gate;
    public uint NQubits;
    public uint NBuiltinControls;
    public uint NParams;
    public uint TakesMatrix;
    public uint Reserved;
    public byte* Name;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GateArgs
{
    public const int V1_0 = 72;

    public nuint StructSize;
    public byte* Name;
    public uint* Qubits;
    public uint NQubits;
    public uint NControls;
    public uint* Controls;
    public double* Params;
    public uint NParams;
    public uint Reserved;
    public double* Matrix;
    public ulong NMatrixValues;
    public int* ParamSymbols;         // since 1.1
    public double* ParamCoefficients; // since 1.1
}

[StructLayout(LayoutKind.Sequential)]
internal struct GateRecord
{
    public uint Gate;
    public uint NQubits;
    public uint NControls;
    public uint QubitsOffset;
    public uint NParams;
    public uint ParamsOffset;
    public long MatrixOffset;
    public ulong NMatrixValues;
    public uint Flags;
    public uint Reserved;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GateBatch
{
    public const int V1_0 = 80;

    public nuint StructSize;
    public ulong NGates;
    public uint RecordSize;
    public uint Reserved;
    public void* Records;
    public uint* Qubits;
    public ulong NQubitRefs;
    public double* Params;
    public ulong NParams;
    public double* Matrices;
    public ulong NMatrixValues;
    public int* ParamSymbols;         // since 1.1
    public double* ParamCoefficients; // since 1.1
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ExecuteArgs
{
    public const int V1_0 = 64;

    public nuint StructSize;
    public ulong Shots;
    public ulong Seed;
    public uint Flags;
    public uint Precision;
    public byte* NoiseModel;
    public double* InitialState;
    public ulong NInitialStateValues;
    public nint Result;
    public double* ParameterValues;   // since 1.1
    public ulong NParameterValues;    // since 1.1
}

/// <summary>qiboaccel_sweep_args (since 1.1).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SweepArgs
{
    public nuint StructSize;
    public ulong NSets;
    public double* ParameterValues;
    public ulong NParameterValues;
    public byte* Observable;
    public ulong Shots;
    public ulong Seed;
    public uint Flags;
    public uint Precision;
    public double* Expectations;
    public nint* Results;
    public double Seconds;
}

/// <summary>qiboaccel_gradient_args (since 1.1).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GradientArgs
{
    public nuint StructSize;
    public byte* Observable;
    public double* ParameterValues;
    public ulong NParameterValues;
    public uint Method;
    public uint Precision;
    public uint Flags;
    public uint Reserved;
    public byte* NoiseModel;
    public double* Gradient;
    public ulong NGradient;
    public double Value;
    public uint MethodUsed;
    public uint CircuitPasses;
    public double Seconds;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ResultInfo
{
    public nuint StructSize;
    public byte* Backend;
    public uint NQubits;
    public uint NClbits;
    public ulong Shots;
    public ulong Seed;
    public uint Precision;
    public uint DensityMatrix;
    public ulong StateSize;
    public double Purity;
    public double SimulateSeconds;
    public double SampleSeconds;
    public double TotalSeconds;
    public uint* SampledQubits;
    public uint NSampledQubits;
    public uint NRegisters;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FrequenciesArgs
{
    public nuint StructSize;
    public int RegisterIndex;
    public uint NBits;
    public ulong Capacity;
    public ulong* Outcomes;
    public ulong* Counts;
    public ulong NOutcomes;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SampleArgs
{
    public nuint StructSize;
    public double* Probabilities;
    public ulong NProbabilities;
    public ulong Shots;
    public ulong Seed;
    public ulong* Outcomes;
    public ulong* Counts;
}

/// <summary>The header's flag and enum values this library reads.</summary>
internal static class Flags
{
    public const uint ExecuteSeed = 0x1;
    public const uint ExecuteDensityMatrix = 0x2;
    public const uint ExecuteNoState = 0x4;
    public const uint ListProbe = 0x1;
    public const uint GateRecordFlagsV10 = 0x0;
    public const uint GradientAuto = 0;
    public const uint GradientAdjoint = 1;
    public const uint GradientParameterShift = 2;
    public const uint PrecisionDouble = 1;
    public const uint PrecisionSingle = 2;
}
