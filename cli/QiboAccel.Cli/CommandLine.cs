namespace QiboAccel.Cli;

/// <summary>A minimal parser for <c>command POSITIONAL... --flag --option value</c> command lines.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public CommandLine(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
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
                    if (i + 1 >= list.Count) throw new UsageException($"option --{name} needs a value");
                    value = list[++i];
                }
                if (!_options.TryAdd(name, value)) throw new UsageException($"option --{name} is given twice");
            }
            else
            {
                Positionals.Add(a);
            }
        }
    }

    public List<string> Positionals { get; } = [];

    public bool Flag(string name)
    {
        _used.Add(name);
        return _options.ContainsKey(name);
    }

    public string? Value(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v : null;
    }

    public long? Integer(string name, long min, long max)
    {
        string? text = Value(name);
        if (text is null) return null;
        if (!long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long v) || v < min || v > max)
        {
            throw new UsageException($"--{name} must be a whole number from {min} to {max}, got '{text}'");
        }
        return v;
    }

    /// <summary>Fails on options the command did not ask for, so typos never pass silently.</summary>
    public void RejectUnknown()
    {
        foreach (string name in _options.Keys)
        {
            if (!_used.Contains(name)) throw new UsageException($"unknown option --{name}");
        }
    }
}

/// <summary>A mistake in the command line (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
