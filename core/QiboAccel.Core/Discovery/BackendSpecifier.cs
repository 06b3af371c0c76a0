namespace QiboAccel.Discovery;

/// <summary>
/// How a user names a backend:
/// <list type="bullet">
/// <item><c>NAME</c> or <c>NAME:OPTIONS</c> — an installed backend found by its manifest (<c>cpu</c>, <c>cpu:threads=1</c>, <c>gpu:opencl:0</c>);</item>
/// <item><c>LANG@NAME</c> — a backend written in an interpreted language, run by the bridge backend <c>LANG</c>, which receives <c>NAME</c> as its options (<c>python@numpy</c>, <c>python@mine;pythonpath=/abs/dir</c>);
/// <c>LANG</c> is a name (a letter, then letters, digits, '-', '_', '.'), so the rest may hold '/';</item>
/// <item>a path to a shared library or a manifest (anything with a '/' or ending in .so/.json), optionally followed by <c>?OPTIONS</c>.</item>
/// </list>
/// </summary>
/// <param name="Text">What the user wrote.</param>
/// <param name="Name">The manifest name to look up, or null for a path.</param>
/// <param name="Path">The library or manifest path, or null for a name.</param>
/// <param name="Options">The options string passed to backend_create ("" for defaults).</param>
public sealed record BackendSpecifier(string Text, string? Name, string? Path, string Options)
{
    /// <summary>Parses a specifier; throws <see cref="FormatException"/> for an empty or malformed one.</summary>
    public static BackendSpecifier Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new FormatException("empty backend specifier");
        text = text.Trim();
        int at = text.IndexOf('@');
        if (at > 0 && IsName(text.AsSpan(0, at)))
        {
            string lang = text[..at], inner = text[(at + 1)..];
            if (inner.Length == 0) throw new FormatException($"backend specifier '{Safety.MessageText.Clip(text)}': expected LANG@NAME, e.g. python@numpy");
            return new(text, lang, null, inner);
        }
        if (text.Contains('/') || text.EndsWith(".so", StringComparison.Ordinal) || text.EndsWith(".json", StringComparison.Ordinal)
            || text.Contains(".so?", StringComparison.Ordinal) || text.Contains(".json?", StringComparison.Ordinal))
        {
            int q = text.IndexOf('?');
            return q < 0 ? new(text, null, text, "") : new(text, null, text[..q], text[(q + 1)..]);
        }
        if (at >= 0) throw new FormatException($"backend specifier '{Safety.MessageText.Clip(text)}': expected LANG@NAME, e.g. python@numpy");
        int colon = text.IndexOf(':');
        return colon < 0 ? new(text, text, null, "") : new(text, text[..colon], null, text[(colon + 1)..]);
    }

    private static bool IsName(ReadOnlySpan<char> text)
    {
        if (text.Length == 0 || !char.IsAsciiLetter(text[0])) return false;
        foreach (char c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return false;
        }
        return true;
    }
}
