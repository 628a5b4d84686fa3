using System.Buffers;
using Microsoft.Net.Http.Headers;
using TlpGateway.Filtering;

namespace TlpGateway.Exports;

/// <summary>
/// Turns a filtered restSearch answer into the export asked for: MISP's headers for that export and
/// the writer the filter hands each released record to. The answer's JSON envelope is dropped.
/// </summary>
internal static class ExportResponse
{
    /// <summary>
    /// Sets the export's headers on <paramref name="response"/> and returns its writer, its header
    /// already written to <paramref name="output"/>. <c>X-Result-Count</c> stays dropped: the count is
    /// known only once the body has streamed. <paramref name="leftOut"/> hears of each released value
    /// the export cannot write (event and attribute UUIDs).
    /// </summary>
    public static ExportWriter Start(HttpResponse response, ExportRequest export, FilterContext context, IBufferWriter<byte> output, TimeProvider timeProvider, Action<string?, string?>? leftOut = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(export);
        response.ContentType = ExportFormats.ContentType(export.Format);
        if (export.FileName is { } name)
        {
            response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = "\"" + name + "\"" }.ToString();
        }

        var writer = Writer(export, context, output, timeProvider, leftOut);
        writer.Begin();
        return writer;
    }

    /// <summary>The writer of <paramref name="export"/>'s format, writing to <paramref name="output"/>.</summary>
    public static ExportWriter Writer(ExportRequest export, FilterContext context, IBufferWriter<byte> output, TimeProvider timeProvider, Action<string?, string?>? leftOut = null)
    {
        ArgumentNullException.ThrowIfNull(export);
        return export.Format switch
        {
            ExportFormat.Csv => new CsvExportWriter(output, export),
            ExportFormat.Text => new TextExportWriter(output, leftOut),
            _ => new Stix2ExportWriter(output, context, timeProvider),
        };
    }
}

/// <summary>Takes the bytes the filter writes around records (the JSON envelope of an export's answer) and keeps none.</summary>
internal sealed class DiscardingBufferWriter : IBufferWriter<byte>
{
    private byte[] _scratch = new byte[4096];

    public void Advance(int count)
    {
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint).Span;

    private Memory<byte> Scratch(int sizeHint)
    {
        if (sizeHint > _scratch.Length)
        {
            _scratch = new byte[sizeHint];
        }

        return _scratch;
    }
}
