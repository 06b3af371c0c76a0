using System.Runtime.InteropServices;
using System.Text;
using QiboAccel.Abi;

namespace QiboAccel.BackendKit;

/// <summary>
/// The qibo_error object: one native block holding the code, the op index and the NUL-terminated UTF-8 message,
/// freed by error_destroy. If even that allocation fails a static out-of-memory error is handed out instead;
/// destroying it is a no-op.
/// </summary>
public static unsafe class NativeError
{
    private const ulong LiveMagic = 0x5245_5255_4F42_4951; // "QIBOURER": marks live error objects

    [StructLayout(LayoutKind.Sequential)]
    private struct Block
    {
        public ulong Magic;
        public QiboErrorCode Code;
        public long OpIndex;
        public byte* Message;
    }

    private static readonly Block* Fallback = CreateFallback();
    private static readonly byte* Empty = (byte*)NativeMemory.AllocZeroed(1);

    private static Block* CreateFallback()
    {
        ReadOnlySpan<byte> text = "out of memory while reporting an error"u8;
        var block = (Block*)NativeMemory.AllocZeroed((nuint)(sizeof(Block) + text.Length + 1));
        block->Magic = LiveMagic;
        block->Code = QiboErrorCode.OutOfMemory;
        block->OpIndex = -1;
        block->Message = (byte*)(block + 1);
        text.CopyTo(new Span<byte>(block->Message, text.Length));
        return block;
    }

    /// <summary>Creates an error object. Never throws; never returns NULL.</summary>
    public static QiboError* Create(QiboErrorCode code, string message, long opIndex = -1)
    {
        try
        {
            int length = Encoding.UTF8.GetByteCount(message);
            var block = (Block*)NativeMemory.Alloc((nuint)(sizeof(Block) + length + 1));
            block->Magic = LiveMagic;
            block->Code = code;
            block->OpIndex = opIndex;
            block->Message = (byte*)(block + 1);
            Encoding.UTF8.GetBytes(message, new Span<byte>(block->Message, length));
            block->Message[length] = 0;
            return (QiboError*)block;
        }
        catch
        {
            return (QiboError*)Fallback;
        }
    }

    /// <summary>Turns any exception into an error object: <see cref="BackendFault"/> keeps its code and op index.</summary>
    public static QiboError* From(Exception exception)
    {
        try
        {
            return exception switch
            {
                BackendFault e => Create(e.Code, e.Message, e.OpIndex),
                OutOfMemoryException => Create(QiboErrorCode.OutOfMemory, "out of memory: " + exception.Message),
                _ => Create(QiboErrorCode.Internal, $"internal error in the backend: {exception.GetType().Name}: {exception.Message}"),
            };
        }
        catch
        {
            return (QiboError*)Fallback;
        }
    }

    private static Block* Live(QiboError* error)
    {
        var block = (Block*)error;
        return block != null && block->Magic == LiveMagic ? block : null;
    }

    /// <summary>error_code: QIBO_OK for NULL (NULL means success).</summary>
    public static QiboErrorCode Code(QiboError* error)
    {
        Block* block = Live(error);
        return block == null ? (error == null ? QiboErrorCode.Ok : QiboErrorCode.InvalidArgument) : block->Code;
    }

    /// <summary>error_message: never NULL; "" for NULL.</summary>
    public static byte* Message(QiboError* error)
    {
        Block* block = Live(error);
        return block == null ? Empty : block->Message;
    }

    /// <summary>error_op_index: -1 for NULL.</summary>
    public static long OpIndex(QiboError* error)
    {
        Block* block = Live(error);
        return block == null ? -1 : block->OpIndex;
    }

    /// <summary>error_destroy: NULL and the static fallback are ignored.</summary>
    public static void Destroy(QiboError* error)
    {
        Block* block = Live(error);
        if (block == null || block == Fallback) return;
        block->Magic = 0;
        NativeMemory.Free(block);
    }
}
