using System.Runtime.InteropServices;
using System.Text;
using QiboAccel.Qasm;

namespace QiboAccel.CApi.Interop;

/// <summary>
/// The qiboaccel_error object: one native block holding a magic word, the code and the NUL-terminated UTF-8 message.
/// If even that allocation fails, a static out-of-memory error is handed out; destroying it does nothing.
/// </summary>
internal static unsafe class NativeError
{
    private const ulong LiveMagic = 0x5252_4543_4341_4251; // marks live error objects of this library

    [StructLayout(LayoutKind.Sequential)]
    private struct Block
    {
        public ulong Magic;
        public ErrorCode Code;
        public byte* Message;
    }

    private static readonly Block* Fallback = CreateFallback();
    private static readonly byte* Empty = (byte*)NativeMemory.AllocZeroed(1);

    private static Block* CreateFallback()
    {
        ReadOnlySpan<byte> text = "out of memory while reporting an error"u8;
        var block = (Block*)NativeMemory.AllocZeroed((nuint)(sizeof(Block) + text.Length + 1));
        block->Magic = LiveMagic;
        block->Code = ErrorCode.OutOfMemory;
        block->Message = (byte*)(block + 1);
        text.CopyTo(new Span<byte>(block->Message, text.Length));
        return block;
    }

    /// <summary>A new error object. Never throws, never returns NULL.</summary>
    public static nint Create(ErrorCode code, string message)
    {
        try
        {
            int length = Encoding.UTF8.GetByteCount(message);
            var block = (Block*)NativeMemory.Alloc((nuint)(sizeof(Block) + length + 1));
            block->Magic = LiveMagic;
            block->Code = code;
            block->Message = (byte*)(block + 1);
            Encoding.UTF8.GetBytes(message, new Span<byte>(block->Message, length));
            block->Message[length] = 0;
            return (nint)block;
        }
        catch
        {
            return (nint)Fallback;
        }
    }

    /// <summary>Turns any exception into an error object with the code and the one-line message the CLI would print.</summary>
    public static nint From(Exception exception)
    {
        try
        {
            var (code, message) = Classify(exception);
            return Create(code, OneLine(message));
        }
        catch
        {
            return (nint)Fallback;
        }
    }

    /// <summary>The error code for an exception, and its message (the CLI's wording).</summary>
    public static (ErrorCode Code, string Message) Classify(Exception exception) => exception switch
    {
        CApiException e => (e.Code, e.Message),
        QasmException e => (e.Line == 0 ? ErrorCode.IO : ErrorCode.Parse, e.Message),
        BackendException e => ((ErrorCode)(uint)e.Code is >= ErrorCode.InvalidArgument and <= ErrorCode.Internal
            ? (ErrorCode)(uint)e.Code : ErrorCode.Internal, e.Message),
        FormatException e => (ErrorCode.Parse, e.Message),
        FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException
            => (ErrorCode.IO, exception.Message),
        ArgumentException e => (ErrorCode.InvalidArgument, WithoutParameterName(e)),
        NotSupportedException => (ErrorCode.Unsupported, exception.Message),
        InvalidOperationException => (ErrorCode.InvalidArgument, exception.Message),
        OutOfMemoryException => (ErrorCode.OutOfMemory, "out of memory: " + exception.Message),
        _ => (ErrorCode.Internal, $"internal error in libqiboaccel: {exception.GetType().Name}: {exception.Message}"),
    };

    /// <summary>
    /// ArgumentException appends " (Parameter 'name')" and ArgumentOutOfRangeException a line with the value: the
    /// user reads neither (the messages already say which qubit or bit).
    /// </summary>
    private static string WithoutParameterName(ArgumentException e)
    {
        string message = e.Message;
        int newline = message.IndexOf('\n');
        if (newline >= 0) message = message[..newline].TrimEnd('\r');
        string suffix = $" (Parameter '{e.ParamName}')";
        return e.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static Block* Live(nint error)
    {
        var block = (Block*)error;
        return block != null && block->Magic == LiveMagic ? block : null;
    }

    public static ErrorCode Code(nint error)
    {
        Block* block = Live(error);
        return block == null ? (error == 0 ? ErrorCode.Ok : ErrorCode.InvalidArgument) : block->Code;
    }

    public static byte* Message(nint error)
    {
        Block* block = Live(error);
        return block == null ? Empty : block->Message;
    }

    public static void Destroy(nint error)
    {
        Block* block = Live(error);
        if (block == null || block == Fallback) return;
        block->Magic = 0;
        NativeMemory.Free(block);
    }
}
