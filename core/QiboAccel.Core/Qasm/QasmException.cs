namespace QiboAccel.Qasm;

/// <summary>
/// An error in an OpenQASM 2.0 program (or a file that could not be read). <see cref="Exception.Message"/> is
/// <c>file:line:column: reason</c>, e.g. <c>bell.qasm:7:3: unknown gate 'hx'</c>.
/// </summary>
public sealed class QasmException : Exception
{
    /// <summary>Creates an error located at <paramref name="line"/>:<paramref name="column"/> of <paramref name="file"/>.</summary>
    /// <param name="file">The file name used in the message.</param>
    /// <param name="line">1-based line, or 0 when the error concerns the whole file (it could not be read).</param>
    /// <param name="column">1-based column (UTF-16 code units, a tab counts as one), or 0 with <paramref name="line"/> 0.</param>
    /// <param name="reason">What is wrong, without the location.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public QasmException(string file, int line, int column, string reason, Exception? innerException = null)
        : base(Format(file, line, column, reason), innerException)
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file name given to the parser (the path for <see cref="QasmParser.ParseFile"/>).</summary>
    public string File { get; }

    /// <summary>1-based line of the offending symbol (0 when the file could not be read).</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending symbol (0 when the file could not be read).</summary>
    public int Column { get; }

    /// <summary>The message without the <c>file:line:column: </c> prefix.</summary>
    public string Reason { get; }

    private static string Format(string file, int line, int column, string reason)
        => line > 0
            ? $"{Safety.MessageText.Clip(file, 200)}:{line}:{column}: {Safety.MessageText.Clip(reason, 400)}"
            : $"{Safety.MessageText.Clip(file, 200)}: {Safety.MessageText.Clip(reason, 400)}";
}
