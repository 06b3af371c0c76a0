using QiboAccel.Safety;

namespace QiboAccel.Cli;

/// <summary>
/// How the program reports a failure: one line on stderr (the first line of the message, bounded, control characters
/// escaped) and a non-zero exit code; with <c>--debug</c> or <c>QIBOACCEL_DEBUG=1</c> the whole message and the
/// stack trace follow. Expected failures (bad input, a backend's error, a limit) exit with 1; anything else is a bug
/// of ours and exits with <see cref="InternalErrorExitCode"/>.
/// </summary>
internal static class ErrorReport
{
    /// <summary>Exit code of an unexpected exception (EX_SOFTWARE).</summary>
    public const int InternalErrorExitCode = 70;

    /// <summary>Print the stack trace as well.</summary>
    public static bool Debug { get; set; }

    /// <summary>Writes the report of <paramref name="e"/> and returns the exit code.</summary>
    public static int Write(Exception e)
    {
        bool expected = e is QiboAccel.Qasm.QasmException or BackendException or FormatException or ArgumentException or IOException
            or UnauthorizedAccessException or InvalidOperationException or LimitExceededException or OutOfMemoryException
            or TimeoutException;
        string message = e.Message.Replace("\r\n", "\n").Trim();
        int newline = message.IndexOf('\n');
        string first = newline < 0 ? message : message[..newline].TrimEnd();
        string line = e switch
        {
            InsufficientMemoryException => $"qiboaccel: error: {MessageText.Clip(first, 600)}",
            // The runtime could not allocate: the one failure we cannot always check for in advance.
            OutOfMemoryException => $"qiboaccel: error: out of memory ({MessageText.Clip(first, 200)}); the input is too large for the memory available",
            _ when expected => $"qiboaccel: error: {MessageText.Clip(first, 600)}",
            _ => $"qiboaccel: internal error: {e.GetType().Name}: {MessageText.Clip(first, 400)}",
        };
        bool runtimeOutOfMemory = e is OutOfMemoryException and not InsufficientMemoryException;
        if (!Debug && (newline >= 0 || !expected || runtimeOutOfMemory)) line += " (run with --debug for details)";
        Console.Error.WriteLine(line);
        if (Debug) Console.Error.WriteLine(e.ToString());
        return expected ? 1 : InternalErrorExitCode;
    }
}
