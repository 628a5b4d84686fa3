using System.IO.Compression;
using System.IO.Pipelines;

namespace TlpGateway.Filtering;

/// <summary>
/// Decodes an answer MISP sent compressed (gzip, br, deflate: a MISP behind a compressing proxy)
/// while it streams, and hands the decoded bytes to the filter, which bounds what it holds as for
/// any answer (SPEC section 7). The compressed bytes go into a pipe; one reader decodes them.
/// </summary>
internal sealed class AnswerDecoder
{
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, Task> _decoded;
    private readonly Task _reader;

    private AnswerDecoder(Func<Stream, Stream> decoder, Func<ReadOnlyMemory<byte>, CancellationToken, Task> decoded)
    {
        _decoded = decoded;
        _reader = Task.Run(() => ReadAsync(decoder(_pipe.Reader.AsStream())));
    }

    /// <summary>A decoder for <paramref name="encoding"/>, or null for an encoding the gateway cannot decode.</summary>
    public static AnswerDecoder? For(string encoding, Func<ReadOnlyMemory<byte>, CancellationToken, Task> decoded) =>
        encoding.Trim().ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => new AnswerDecoder(s => new GZipStream(s, CompressionMode.Decompress), decoded),
            "br" => new AnswerDecoder(s => new BrotliStream(s, CompressionMode.Decompress), decoded),
            "deflate" => new AnswerDecoder(s => new ZLibStream(s, CompressionMode.Decompress), decoded),
            _ => null,
        };

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> compressed, CancellationToken cancellationToken)
    {
        var result = await _pipe.Writer.WriteAsync(compressed, cancellationToken);
        if (result.IsCompleted)
        {
            // The reader stopped (the answer failed): what follows is not read.
            return;
        }
    }

    /// <summary>The compressed answer ended: waits until everything decoded was filtered.</summary>
    public async Task CompleteAsync()
    {
        await _pipe.Writer.CompleteAsync();
        await _reader;
    }

    private async Task ReadAsync(Stream decoding)
    {
        var chunk = new byte[64 * 1024];
        try
        {
            await using (decoding)
            {
                int read;
                while ((read = await decoding.ReadAsync(chunk)) > 0)
                {
                    await _decoded(chunk.AsMemory(0, read), CancellationToken.None);
                }
            }
        }
        catch (InvalidDataException)
        {
            // Not what it claims to be: the filter sees a truncated answer and fails closed.
        }
        finally
        {
            await _pipe.Reader.CompleteAsync();
        }
    }
}
