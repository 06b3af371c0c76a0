using System.Globalization;

namespace QiboAccel.Safety;

/// <summary>
/// One documented cap on the size of an input (see <see cref="InputLimits"/>): a default that can be raised
/// through an environment variable. Every check happens before the memory or time the input would cost is spent.
/// </summary>
public sealed class InputLimit
{
    private readonly Lazy<long> _value;

    internal InputLimit(string what, string variable, long defaultValue)
    {
        What = what;
        Variable = variable;
        Default = defaultValue;
        _value = new Lazy<long>(Read);
    }

    /// <summary>What is counted, e.g. "classical bits in a circuit".</summary>
    public string What { get; }

    /// <summary>The environment variable that raises (or lowers) the limit, e.g. <c>QIBOACCEL_MAX_CLBITS</c>.</summary>
    public string Variable { get; }

    /// <summary>The limit when <see cref="Variable"/> is not set.</summary>
    public long Default { get; }

    /// <summary>The limit in force: <see cref="Variable"/> if set (read once per process), else <see cref="Default"/>.</summary>
    /// <exception cref="FormatException">The environment variable is not a whole number of at least 1.</exception>
    public long Value => _value.Value;

    /// <summary>Throws a <see cref="LimitExceededException"/> when <paramref name="amount"/> is above <see cref="Value"/>.</summary>
    /// <param name="amount">How much the input asks for.</param>
    /// <param name="description">What asks for it, as the start of the message (e.g. "register 'c' brings the circuit to 100000000 classical bits").</param>
    public void Check(long amount, string description)
    {
        if (amount > Value) throw Exceeded(description);
    }

    /// <summary>The error for an input over this limit; <paramref name="description"/> says what and how much.</summary>
    public LimitExceededException Exceeded(string description) => new(this, $"{description}; {Explain()}");

    /// <summary>"the limit is 4096 classical bits in a circuit (set QIBOACCEL_MAX_CLBITS to raise it)".</summary>
    public string Explain() => string.Create(CultureInfo.InvariantCulture, $"the limit is {Value} {What} (set {Variable} to raise it)");

    private long Read()
    {
        string? text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text)) return Default;
        if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v < 1)
        {
            throw new FormatException($"{Variable}='{MessageText.Clip(text, 40)}' is not a whole number of at least 1");
        }
        return v;
    }
}

/// <summary>An input is larger than one of the <see cref="InputLimits"/>; the message names the limit and how to raise it.</summary>
public sealed class LimitExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LimitExceededException(InputLimit limit, string message) : base(message) => Limit = limit;

    /// <summary>The limit that was exceeded.</summary>
    public InputLimit Limit { get; }
}
