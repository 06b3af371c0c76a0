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

    /// <summary>a / b.</summary>
    T Div(T a, T b);

    /// <summary>The square root.</summary>
    T Sqrt(T a);

    /// <summary>a &gt; b (false when either is NaN).</summary>
    bool Greater(T a, T b);

    /// <summary>a == b.</summary>
    bool Equal(T a, T b);

    /// <summary>The largest finite value.</summary>
    T MaxValue { get; }

    /// <summary>The integer value of a small whole number stored as T.</summary>
    long ToInt64(T a);
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

    /// <inheritdoc/>
    public double Div(double a, double b) => a / b;

    /// <inheritdoc/>
    public double Sqrt(double a) => Math.Sqrt(a);

    /// <inheritdoc/>
    public bool Greater(double a, double b) => a > b;

    /// <inheritdoc/>
    public bool Equal(double a, double b) => a == b;

    /// <inheritdoc/>
    public double MaxValue => double.MaxValue;

    /// <inheritdoc/>
    public long ToInt64(double a) => (long)a;
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

    /// <inheritdoc/>
    public float Div(float a, float b) => a / b;

    /// <inheritdoc/>
    public float Sqrt(float a) => MathF.Sqrt(a);

    /// <inheritdoc/>
    public bool Greater(float a, float b) => a > b;

    /// <inheritdoc/>
    public bool Equal(float a, float b) => a == b;

    /// <inheritdoc/>
    public float MaxValue => float.MaxValue;

    /// <inheritdoc/>
    public long ToInt64(float a) => (long)a;
}
