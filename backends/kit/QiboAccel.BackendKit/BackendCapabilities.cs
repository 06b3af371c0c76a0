using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>The fields of qibo_backend_info, as a backend instance declares them.</summary>
public sealed record BackendCapabilities
{
    /// <summary>Short name, e.g. "cpu".</summary>
    public required string Name { get; init; }

    /// <summary>Backend version, e.g. "0.1.0".</summary>
    public required string Version { get; init; }

    /// <summary>One line for humans.</summary>
    public required string Description { get; init; }

    /// <summary>What this instance runs on, e.g. "2 threads, AVX2".</summary>
    public required string Device { get; init; }

    /// <summary>Largest state accepted (state_create refuses more with UNSUPPORTED).</summary>
    public required uint MaxQubits { get; init; }

    /// <summary>OR of the precisions offered (state_create refuses others with UNSUPPORTED).</summary>
    public required QiboPrecision Precisions { get; init; }

    /// <summary>OR of (1 &lt;&lt; state kind): state vectors only in ABI 1.0.</summary>
    public uint StateKinds { get; init; } = 1u << (int)QiboStateKind.Vector;

    /// <summary>Largest MATRIX operation; 0 = no limit (state_apply refuses larger ones with UNSUPPORTED).</summary>
    public uint MaxMatrixTargets { get; init; }

    /// <summary>The kinds implemented natively (state_apply refuses others with UNSUPPORTED).</summary>
    public required OpKindSet NativeOps { get; init; }
}
