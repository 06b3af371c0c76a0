namespace QiboAccel.Parameters;

/// <summary>
/// A named real parameter of a circuit: a variational angle whose value is given at execution time
/// (<see cref="Circuits.Circuit.Bind(IReadOnlyList{double})"/>, sweeps, gradients). Two parameters are the same only if
/// they are the same object; a circuit refuses two different parameters with one name.
/// </summary>
public sealed class Parameter
{
    /// <summary>Creates a parameter called <paramref name="name"/> (a letter or '_' first, then letters, digits, '_').</summary>
    public Parameter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > 256 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"parameter name '{Shorten(name)}' is not an identifier (a letter or '_', then letters, digits or '_')", nameof(name));
        }
        Name = name;
    }

    /// <summary>The name, as written in messages and OpenQASM <c>input angle</c> declarations.</summary>
    public string Name { get; }

    /// <summary>The angle 1·this.</summary>
    public static implicit operator Angle(Parameter parameter) => Angle.Of(parameter);

    // Operators with a Parameter operand: C# looks operators up on the operands' own types, so Angle's are not enough.
#pragma warning disable CS1591
    public static Angle operator +(Parameter a, Parameter b) => Angle.Of(a) + b;
    public static Angle operator +(Parameter a, Angle b) => Angle.Of(a) + b;
    public static Angle operator +(Angle a, Parameter b) => a + Angle.Of(b);
    public static Angle operator -(Parameter a, Parameter b) => Angle.Of(a) - b;
    public static Angle operator -(Parameter a, Angle b) => Angle.Of(a) - b;
    public static Angle operator -(Angle a, Parameter b) => a - Angle.Of(b);
    public static Angle operator -(Parameter a) => -Angle.Of(a);
    public static Angle operator *(double k, Parameter a) => k * Angle.Of(a);
    public static Angle operator *(Parameter a, double k) => Angle.Of(a) * k;
    public static Angle operator /(Parameter a, double k) => Angle.Of(a) / k;
#pragma warning restore CS1591

    /// <inheritdoc />
    public override string ToString() => Name;

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
