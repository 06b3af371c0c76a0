namespace QiboAccel.Gpu.Kernels;

/// <summary>
/// Arithmetic on the real type of a precision. The kernels are generic over <typeparamref name="T"/> and a struct
/// implementing this interface, which ILGPU specialises and inlines (no virtual calls reach the device).
/// </summary>
/// <typeparam name="T">double (complex128 states) or float (complex64 states).</typeparam>
public interface IRealOps<T> where T : unmanaged
{
    /// <summary>0.</summary>
    T Zero { get; }

    /// <summary>1.</summary>
    T One { get; }

    /// <summary>a + b.</summary>
    T Add(T a, T b);

    /// <summary>a - b.</summary>
    T Sub(T a, T b);

    /// <summary>a * b.</summary>
    T Mul(T a, T b);
}

/// <summary>double arithmetic: complex128 states.</summary>
public readonly struct F64Ops : IRealOps<double>
{
    /// <inheritdoc/>
    public double Zero => 0.0;

    /// <inheritdoc/>
    public double One => 1.0;

    /// <inheritdoc/>
    public double Add(double a, double b) => a + b;

    /// <inheritdoc/>
    public double Sub(double a, double b) => a - b;

    /// <inheritdoc/>
    public double Mul(double a, double b) => a * b;
}

/// <summary>float arithmetic: complex64 states (no double anywhere, so devices without fp64 can run them).</summary>
public readonly struct F32Ops : IRealOps<float>
{
    /// <inheritdoc/>
    public float Zero => 0.0f;

    /// <inheritdoc/>
    public float One => 1.0f;

    /// <inheritdoc/>
    public float Add(float a, float b) => a + b;

    /// <inheritdoc/>
    public float Sub(float a, float b) => a - b;

    /// <inheritdoc/>
    public float Mul(float a, float b) => a * b;
}
