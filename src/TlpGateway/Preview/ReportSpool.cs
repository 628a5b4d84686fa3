using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using TlpGateway.Filtering;

namespace TlpGateway.Preview;

/// <summary>
/// One member's part of the report, held until the whole input was judged for every member (so an
/// input found bad at its end puts nothing on standard output), in memory up to a bound and then in
/// a temporary file that goes when the spool is disposed (ASP.NET Core's <see cref="FileBufferingWriteStream"/>).
/// </summary>
internal sealed class ReportSpool : IDisposable
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly FileBufferingWriteStream _stream = new(memoryThreshold: 256 * 1024);
    private StreamWriter? _text;

    /// <summary>The spool as bytes (the JSON report).</summary>
    public Stream Stream => _stream;

    /// <summary>The spool as text (the human report).</summary>
    public TextWriter Text => _text ??= new StreamWriter(_stream, Utf8, bufferSize: 16 * 1024, leaveOpen: true);

    /// <summary>Writes what the spool holds to <paramref name="output"/>.</summary>
    public void CopyTo(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _text?.Flush();
        using var target = new TextWriterStream(output);
        _stream.DrainBufferAsync(target).GetAwaiter().GetResult();
        target.Flush();
    }

    public void Dispose()
    {
        _text?.Dispose();
        _stream.Dispose();
    }

    /// <summary>Bytes to a <see cref="TextWriter"/>: UTF-8 decoded as it comes, a character cut between two writes included.</summary>
    private sealed class TextWriterStream(TextWriter output) : WriteOnlyStream
    {
        private readonly Decoder _decoder = Utf8.GetDecoder();
        private char[] _chars = [];

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var needed = _decoder.GetCharCount(buffer, flush: false);
            if (_chars.Length < needed)
            {
                _chars = new char[Math.Max(needed, 16 * 1024)];
            }

            var count = _decoder.GetChars(buffer, _chars, flush: false);
            output.Write(_chars, 0, count);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => output.Flush();
    }
}
