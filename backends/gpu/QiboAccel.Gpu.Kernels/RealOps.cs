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

    /// <summary>A small integer as T (exact).</summary>
    T FromInt64(long a);
}

/// <summary>
/// The arithmetic of a reduction over a state of <typeparamref name="T"/> whose sums are formed in
/// <typeparamref name="TSum"/>: every stored value is widened to TSum before it is squared, multiplied or added.
/// Reduction kernels are generic over (T, TSum, ops) and compiled in three variants: complex128 states summed in
/// double (<see cref="F64Ops"/>), complex64 states widened to double (<see cref="F32WideOps"/>, the ABI's promise, on
/// every device with fp64) and complex64 states summed in compensated float (<see cref="F32Ops"/>, for devices
/// without fp64 only).
/// </summary>
/// <typeparam name="T">The state's real type.</typeparam>
/// <typeparam name="TSum">The type the sums are accumulated in.</typeparam>
public interface ISumOps<T, TSum> : IRealOps<TSum> where T : unmanaged where TSum : unmanaged
{
    /// <summary>A stored value as TSum (exact: TSum is at least as wide as T).</summary>
    TSum Widen(T a);

    /// <summary>A result rounded to the state's type (MEASURE's scale, read back by a state kernel).</summary>
    T Narrow(TSum a);
}

/// <summary>double arithmetic: complex128 states, and their reductions (summed in double).</summary>
public readonly struct F64Ops : ISumOps<double, double>
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

    /// <inheritdoc/>
    public double FromInt64(long a) => a;

    /// <inheritdoc/>
    public double Widen(double a) => a;

    /// <inheritdoc/>
    public double Narrow(double a) => a;
}

/// <summary>
/// float arithmetic: complex64 states (no double anywhere, so devices without fp64 can run them), and, on devices
/// without fp64 only, their reductions summed in compensated float.
/// </summary>
public readonly struct F32Ops : ISumOps<float, float>
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

    /// <inheritdoc/>
    public float FromInt64(long a) => a;

    /// <inheritdoc/>
    public float Widen(float a) => a;

    /// <inheritdoc/>
    public float Narrow(float a) => a;
}

/// <summary>
/// Reductions of complex64 states in double: each stored float is widened to double and every product and sum is
/// formed in double (the ABI's rule for probabilities, MEASURE's p0, sampling, inner products and expectation values).
/// The arithmetic is <see cref="F64Ops"/>'s.
/// </summary>
public readonly struct F32WideOps : ISumOps<float, double>
{
    /// <inheritdoc/>
    public double Zero => 0.0;

    /// <inheritdoc/>
    public double One => 1.0;

    /// <inheritdoc/>
    public double Add(double a, double b) => default(F64Ops).Add(a, b);

    /// <inheritdoc/>
    public double Sub(double a, double b) => default(F64Ops).Sub(a, b);

    /// <inheritdoc/>
    public double Mul(double a, double b) => default(F64Ops).Mul(a, b);

    /// <inheritdoc/>
    public double Div(double a, double b) => default(F64Ops).Div(a, b);

    /// <inheritdoc/>
    public double Sqrt(double a) => default(F64Ops).Sqrt(a);

    /// <inheritdoc/>
    public bool Greater(double a, double b) => default(F64Ops).Greater(a, b);

    /// <inheritdoc/>
    public bool Equal(double a, double b) => default(F64Ops).Equal(a, b);

    /// <inheritdoc/>
    public double MaxValue => double.MaxValue;

    /// <inheritdoc/>
    public long ToInt64(double a) => (long)a;

    /// <inheritdoc/>
    public double FromInt64(long a) => a;

    /// <inheritdoc/>
    public double Widen(float a) => a;

    /// <inheritdoc/>
    public float Narrow(double a) => (float)a;
}
