using System.Globalization;

namespace QiboAccel.Parameters;

/// <summary>
/// A gate angle that is affine in the circuit's parameters: <c>Constant + Σ coefficient·parameter</c>
/// (<c>theta</c>, <c>2*theta</c>, <c>pi/2 - theta</c>, <c>theta + phi</c>). Affine is what gradients need: the chain
/// rule then only multiplies by the coefficients. Plain numbers convert implicitly.
/// </summary>
public sealed class Angle
{
    private static readonly (Parameter, double)[] NoTerms = [];

    private Angle(double constant, (Parameter Parameter, double Coefficient)[] terms)
    {
        if (!double.IsFinite(constant)) throw new ArgumentException($"angle {constant.ToString(CultureInfo.InvariantCulture)} is not a finite number");
        Constant = constant;
        Terms = terms;
    }

    /// <summary>The constant part.</summary>
    public double Constant { get; }

    /// <summary>The parameters the angle depends on, each once, with its (non-zero) coefficient.</summary>
    public IReadOnlyList<(Parameter Parameter, double Coefficient)> Terms { get; }

    /// <summary>True when the angle depends on no parameter.</summary>
    public bool IsConstant => Terms.Count == 0;

    /// <summary>A constant angle.</summary>
    public static Angle Of(double value) => new(value, NoTerms);

    /// <summary>The angle 1·<paramref name="parameter"/>.</summary>
    public static Angle Of(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new Angle(0, [(parameter, 1.0)]);
    }

    /// <summary>The angle's value when each parameter takes <paramref name="valueOf"/>(parameter).</summary>
    public double Evaluate(Func<Parameter, double> valueOf)
    {
        double v = Constant;
        foreach (var (p, c) in Terms) v += c * valueOf(p);
        return v;
    }

    /// <summary>A number converts to a constant angle.</summary>
    public static implicit operator Angle(double value) => Of(value);

    /// <summary>Sum.</summary>
    public static Angle operator +(Angle a, Angle b) => Combine(a, 1, b, 1);

    /// <summary>Difference.</summary>
    public static Angle operator -(Angle a, Angle b) => Combine(a, 1, b, -1);

    /// <summary>Negation.</summary>
    public static Angle operator -(Angle a) => Scale(a, -1);

    /// <summary>Scaling by a number.</summary>
    public static Angle operator *(double k, Angle a) => Scale(a, k);

    /// <summary>Scaling by a number.</summary>
    public static Angle operator *(Angle a, double k) => Scale(a, k);

    /// <summary>Division by a number.</summary>
    public static Angle operator /(Angle a, double k) =>
        k == 0 ? throw new DivideByZeroException("angle divided by zero") : Scale(a, 1 / k);

    /// <summary>"0.5 + 2*theta - phi".</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (Constant != 0 || Terms.Count == 0) parts.Add(Constant.ToString("G17", inv));
        foreach (var (p, c) in Terms)
        {
            string magnitude = Math.Abs(c) == 1 ? p.Name : $"{Math.Abs(c).ToString("G17", inv)}*{p.Name}";
            parts.Add(parts.Count == 0 ? (c < 0 ? "-" + magnitude : magnitude) : (c < 0 ? "- " : "+ ") + magnitude);
        }
        return string.Join(" ", parts);
    }

    private static Angle Scale(Angle a, double k)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (k == 0) return Of(0);
        var terms = new (Parameter, double)[a.Terms.Count];
        for (int i = 0; i < terms.Length; i++) terms[i] = (a.Terms[i].Parameter, a.Terms[i].Coefficient * k);
        return new Angle(a.Constant * k, terms);
    }

    private static Angle Combine(Angle a, double ka, Angle b, double kb)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var terms = new List<(Parameter, double)>();
        foreach (var (p, c) in a.Terms) terms.Add((p, ka * c));
        foreach (var (p, c) in b.Terms)
        {
            int at = terms.FindIndex(t => ReferenceEquals(t.Item1, p));
            if (at < 0) terms.Add((p, kb * c));
            else terms[at] = (p, terms[at].Item2 + kb * c);
        }
        terms.RemoveAll(t => t.Item2 == 0);
        return new Angle(ka * a.Constant + kb * b.Constant, [.. terms]);
    }
}
