namespace QiboAccel.Qasm;

/// <summary>
/// Hand-written OpenQASM 2.0 scanner over the source text: tokens are spans of the source, whitespace and
/// comments (<c>//</c> to end of line, <c>/* ... */</c>) are skipped, lines and columns are tracked as it goes.
/// </summary>
internal sealed class QasmLexer
{
    private readonly string _text;
    private readonly string _fileName;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public QasmLexer(string text, string fileName)
    {
        _text = text;
        _fileName = fileName;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            _pos = 1;
            _lineStart = 1;
        }
    }

    /// <summary>Scans the next token (<see cref="QasmTokenKind.EndOfFile"/> at the end, repeatedly).</summary>
    public QasmToken Next()
    {
        SkipTrivia();
        string s = _text;
        int start = _pos;
        int column = start - _lineStart + 1;
        if (start >= s.Length) return new QasmToken(QasmTokenKind.EndOfFile, start, 0, _line, column);

        char c = s[start];
        if (IsIdentifierStart(c))
        {
            int p = start + 1;
            while (p < s.Length && IsIdentifierPart(s[p])) p++;
            _pos = p;
            return new QasmToken(QasmTokenKind.Identifier, start, p - start, _line, column);
        }
        if (IsDigit(c) || (c == '.' && start + 1 < s.Length && IsDigit(s[start + 1])))
        {
            return ScanNumber(start, column);
        }

        QasmTokenKind kind;
        int length = 1;
        switch (c)
        {
            case '(': kind = QasmTokenKind.LParen; break;
            case ')': kind = QasmTokenKind.RParen; break;
            case '[': kind = QasmTokenKind.LBracket; break;
            case ']': kind = QasmTokenKind.RBracket; break;
            case '{': kind = QasmTokenKind.LBrace; break;
            case '}': kind = QasmTokenKind.RBrace; break;
            case ';': kind = QasmTokenKind.Semicolon; break;
            case ',': kind = QasmTokenKind.Comma; break;
            case '+': kind = QasmTokenKind.Plus; break;
            case '*': kind = QasmTokenKind.Star; break;
            case '/': kind = QasmTokenKind.Slash; break;
            case '^': kind = QasmTokenKind.Caret; break;
            case '-':
                if (start + 1 < s.Length && s[start + 1] == '>')
                {
                    kind = QasmTokenKind.Arrow;
                    length = 2;
                }
                else
                {
                    kind = QasmTokenKind.Minus;
                }
                break;
            case '=':
                if (start + 1 < s.Length && s[start + 1] == '=')
                {
                    kind = QasmTokenKind.EqualEqual;
                    length = 2;
                    break;
                }
                throw Error(_line, column, "unexpected '=' (a condition is written 'if (creg==value)')");
            case '"':
                return ScanString(start, column);
            default:
                throw Error(_line, column, $"unexpected character {DescribeChar(c)}");
        }
        _pos = start + length;
        return new QasmToken(kind, start, length, _line, column);
    }

    private QasmToken ScanNumber(int start, int column)
    {
        string s = _text;
        int p = start;
        bool real = false;
        while (p < s.Length && IsDigit(s[p])) p++;
        if (p < s.Length && s[p] == '.')
        {
            real = true;
            p++;
            while (p < s.Length && IsDigit(s[p])) p++;
        }
        if (p < s.Length && (s[p] == 'e' || s[p] == 'E'))
        {
            int q = p + 1;
            if (q < s.Length && (s[q] == '+' || s[q] == '-')) q++;
            if (q < s.Length && IsDigit(s[q]))
            {
                real = true;
                p = q;
                while (p < s.Length && IsDigit(s[p])) p++;
            }
            else
            {
                throw Error(_line, column + (p - start), $"malformed number '{s[start..Math.Min(q, s.Length)]}': the exponent has no digits");
            }
        }
        if (p < s.Length && IsIdentifierStart(s[p]))
        {
            throw Error(_line, column, $"malformed number '{s[start..(p + 1)]}'");
        }
        _pos = p;
        return new QasmToken(real ? QasmTokenKind.Real : QasmTokenKind.Integer, start, p - start, _line, column);
    }

    private QasmToken ScanString(int start, int column)
    {
        string s = _text;
        int p = start + 1;
        while (p < s.Length && s[p] != '"' && s[p] != '\n' && s[p] != '\r') p++;
        if (p >= s.Length || s[p] != '"') throw Error(_line, column, "unterminated string (missing closing '\"')");
        _pos = p + 1;
        return new QasmToken(QasmTokenKind.String, start, p + 1 - start, _line, column);
    }

    private void SkipTrivia()
    {
        string s = _text;
        int p = _pos;
        while (p < s.Length)
        {
            char c = s[p];
            if (c == '\n' || (c == '\r' && (p + 1 >= s.Length || s[p + 1] != '\n')))
            {
                // \n, \r\n (the \r is skipped below) and a lone \r (old Mac files) each end a line.
                p++;
                _line++;
                _lineStart = p;
            }
            else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
            {
                p++;
            }
            else if (c == '/' && p + 1 < s.Length && s[p + 1] == '/')
            {
                p += 2;
                while (p < s.Length && s[p] != '\n' && s[p] != '\r') p++;
            }
            else if (c == '/' && p + 1 < s.Length && s[p + 1] == '*')
            {
                int openLine = _line, openColumn = p - _lineStart + 1;
                p += 2;
                while (true)
                {
                    if (p + 1 >= s.Length) throw Error(openLine, openColumn, "unterminated comment: '/*' is never closed by '*/'");
                    if (s[p] == '*' && s[p + 1] == '/')
                    {
                        p += 2;
                        break;
                    }
                    if (s[p] == '\n' || (s[p] == '\r' && s[p + 1] != '\n'))
                    {
                        _line++;
                        _lineStart = p + 1;
                    }
                    p++;
                }
            }
            else
            {
                break;
            }
        }
        _pos = p;
    }

    private static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    private static bool IsIdentifierStart(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || c == '_';

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || IsDigit(c);

    private static string DescribeChar(char c)
        => c < ' ' || c > '~' ? $"U+{(int)c:X4}" : $"'{c}'";

    private QasmException Error(int line, int column, string reason) => new(_fileName, line, column, reason);
}
