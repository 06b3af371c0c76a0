using System.Text;

namespace QiboAccel.Safety;

/// <summary>
/// Reads the text files the user names (circuits, noise models, manifests): regular files only, opened without
/// blocking, refused when larger than their <see cref="InputLimit"/> before a byte is read. Every failure is an
/// <see cref="IOException"/> (or <see cref="LimitExceededException"/>) with a one-line message naming the path.
/// </summary>
internal static class InputFile
{
    /// <summary>The file's text (UTF-8, or as a byte-order mark says), at most <paramref name="limit"/> bytes.</summary>
    public static string ReadText(string path, InputLimit limit, string what)
    {
        using var handle = UnixFile.OpenRegular(path, out UnixFile.Status status);
        // A MemoryStream holds at most 2 GiB: larger limits read no further than that.
        long max = Math.Min(limit.Value, int.MaxValue - 1);
        if (status.Size > max)
        {
            throw limit.Exceeded($"{what} '{MessageText.Clip(path)}' has {status.Size} bytes");
        }
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        // The size can be wrong (files in /proc say 0) or change while we read: read at most max + 1 bytes.
        var buffer = new MemoryStream((int)Math.Min(Math.Max(status.Size, 4096), max + 1));
        byte[] chunk = new byte[81920];
        while (true)
        {
            int n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, max + 1 - buffer.Length));
            if (n == 0) break;
            buffer.Write(chunk, 0, n);
            if (buffer.Length > max) throw limit.Exceeded($"{what} '{MessageText.Clip(path)}' has more than {max} bytes");
        }
        buffer.Position = 0;
        using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
