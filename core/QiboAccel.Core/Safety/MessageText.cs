using System.Text;

namespace QiboAccel.Safety;

/// <summary>
/// Makes user-supplied text safe to put in an error message: bounded in length (a 50 MB identifier must not become
/// a 50 MB line) and with control characters escaped (an include name holding ESC sequences must not reach the
/// terminal as such).
/// </summary>
internal static class MessageText
{
    /// <summary>
    /// <paramref name="text"/> with control and bidirectional-override characters written as <c>\xNN</c> / <c>\uNNNN</c>,
    /// and when longer than <paramref name="max"/> characters, its start and end around a note of how much was left out.
    /// </summary>
    public static string Clip(ReadOnlySpan<char> text, int max = 120)
    {
        bool clean = text.Length <= max;
        if (clean)
        {
            foreach (char c in text)
            {
                if (NeedsEscape(c))
                {
                    clean = false;
                    break;
                }
            }
            if (clean) return text.ToString();
        }
        var sb = new StringBuilder(Math.Min(text.Length, max) + 32);
        if (text.Length <= max)
        {
            Append(sb, text);
            return sb.ToString();
        }
        int head = max * 2 / 3, tail = max - head;
        Append(sb, text[..head]);
        sb.Append("…(").Append(text.Length - head - tail).Append(" more characters)…");
        Append(sb, text[^tail..]);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!NeedsEscape(c)) sb.Append(c);
            else if (c < 0x100) sb.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>C0 and C1 controls, DEL, and the Unicode bidirectional overrides and isolates.</summary>
    private static bool NeedsEscape(char c)
        => c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
}
