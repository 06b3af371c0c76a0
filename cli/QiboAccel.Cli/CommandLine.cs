namespace QiboAccel.Cli;

/// <summary>
/// A minimal parser for <c>command POSITIONAL... --flag --option value</c> command lines. A flag may be written
/// <c>--flag</c> or <c>--flag=true|false</c> (also yes/no, 1/0); an option <c>--option value</c> or <c>--option=value</c>.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags;
    private readonly HashSet<string> _missingValue = new(StringComparer.Ordinal);

    public CommandLine(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        _flags = new HashSet<string>(flags, StringComparer.Ordinal);
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }
                else if (!flags.Contains(name))
                {
                    // Whether this option exists is only known once the command asks for it: an unknown option
                    // without a value is reported as unknown, a known one as needing a value.
                    if (i + 1 >= list.Count) _missingValue.Add(name);
                    else value = list[++i];
                }
                if (!_options.TryAdd(name, value)) throw new UsageException($"option --{Clip(name)} is given twice");
            }
            else
            {
                Positionals.Add(a);
            }
        }
    }

    public List<string> Positionals { get; } = [];

    /// <summary>Whether the flag is on: given bare or as --name=true/yes/1; --name=false/no/0 turns it off.</summary>
    public bool Flag(string name)
    {
        _used.Add(name);
        if (!_options.TryGetValue(name, out string? value)) return false;
        return value?.ToLowerInvariant() switch
        {
            null or "true" or "yes" or "1" or "on" => true,
            "false" or "no" or "0" or "off" => false,
            _ => throw new UsageException($"--{name} is a switch: write --{name}, --{name}=true or --{name}=false, not '--{name}={Clip(value)}'"),
        };
    }

    public string? Value(string name)
    {
        _used.Add(name);
        if (_missingValue.Contains(name)) throw new UsageException($"option --{name} needs a value");
        return _options.TryGetValue(name, out var v) ? v : null;
    }

    public long? Integer(string name, long min, long max)
    {
        string? text = Value(name);
        if (text is null) return null;
        if (!long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long v) || v < min || v > max)
        {
            throw new UsageException($"--{name} must be a whole number from {min} to {max}, got '{Clip(text)}'");
        }
        return v;
    }

    /// <summary>Fails on options the command did not ask for, so typos never pass silently.</summary>
    public void RejectUnknown()
    {
        foreach (string name in _options.Keys)
        {
            if (!_used.Contains(name)) throw new UsageException($"unknown option --{Clip(name)}");
        }
    }

    private static string Clip(string text) => QiboAccel.Safety.MessageText.Clip(text, 60);
}

/// <summary>A mistake in the command line (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
