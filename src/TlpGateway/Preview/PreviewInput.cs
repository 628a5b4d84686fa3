using System.Globalization;

namespace TlpGateway.Preview;

/// <summary>
/// The events the preview reads: a file, or standard input (<c>-</c>), read in chunks so a 200 MB
/// answer is never held whole. It names itself in errors, with the line and column of a position
/// where the file can be read again.
/// </summary>
internal sealed class PreviewInput : IDisposable
{
    public const int ChunkBytes = 64 * 1024;

    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    private readonly Stream _stream;
    private readonly string? _path;
    private int _skipped;

    private PreviewInput(Stream stream, string name, string? path)
    {
        _stream = stream;
        Name = name;

        // A pipe given by name (<(...), a FIFO) has no size and cannot be read again for a line number.
        _path = stream.CanSeek ? path : null;
        Length = stream.CanSeek ? stream.Length : null;
    }

    /// <summary>How errors and the progress line name it: the path as given, or "standard input".</summary>
    public string Name { get; }

    /// <summary>Its size, where known (a regular file).</summary>
    public long? Length { get; }

    /// <summary>How many bytes were read so far.</summary>
    public long Read { get; private set; }

    /// <summary>Opens <paramref name="path"/>, or standard input for <c>-</c>; throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.</summary>
    public static PreviewInput Open(string path, Func<Stream> standardInput)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(standardInput);
        if (path == "-")
        {
            return new PreviewInput(standardInput(), "standard input", null);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return new PreviewInput(stream, path, path);
    }

    /// <summary>The next chunk, empty at the end.</summary>
    public ReadOnlySpan<byte> Next(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var count = _stream.Read(buffer);
        var chunk = buffer.AsSpan(0, count);

        // An editor may save the file with a UTF-8 byte order mark: it is not part of MISP's answer.
        if (Read == 0 && chunk.StartsWith(ByteOrderMark))
        {
            _skipped = ByteOrderMark.Length;
            chunk = chunk[ByteOrderMark.Length..];
        }

        Read += count;
        return chunk;
    }

    /// <summary>Where <paramref name="position"/> is, for an error: its byte offset, and its line and column where the file can be read again.</summary>
    public string Describe(long position)
    {
        // Positions are the filter's, in the answer: the file has the byte order mark before it.
        position += _skipped;
        var at = string.Create(CultureInfo.InvariantCulture, $"byte {position}");
        if (_path is null)
        {
            return at;
        }

        try
        {
            var (line, column) = LineAndColumn(_path, _skipped, position);
            return string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column} ({at})");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return at;
        }
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>Counts lines (and characters, not bytes, in the last one) from <paramref name="start"/> to <paramref name="position"/>: only on the error path.</summary>
    private static (long Line, long Column) LineAndColumn(string path, long start, long position)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        stream.Position = start;
        var buffer = new byte[ChunkBytes];
        long line = 1, column = 1, offset = start;
        while (offset < position && stream.Read(buffer, 0, (int)Math.Min(buffer.Length, position - offset)) is > 0 and var count)
        {
            foreach (var b in buffer.AsSpan(0, count))
            {
                if (b == (byte)'\n')
                {
                    line++;
                    column = 1;
                }
                else if ((b & 0xC0) != 0x80)
                {
                    column++;
                }
            }

            offset += count;
        }

        return (line, column);
    }
}
