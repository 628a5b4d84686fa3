using System.Buffers;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using TlpGateway.Decision;

namespace TlpGateway.Exports;

/// <summary>
/// MISP's text export (<c>TextExport</c>): the released attributes' values, one a line, each value
/// once, in the order first seen; an export without any is one empty line.
/// </summary>
/// <remarks>
/// <para>A value holding a line break (LF, CR, VT, FF, NEL, U+2028, U+2029, the file, group and
/// record separators) or any other control character but TAB is left out whole: MISP writes it as it
/// is, and a blocklist reader that splits lines on any of them would take each part for a value of
/// its own (a YARA rule's lines, <c>evil.example</c> after a comment's line break). Less, never a
/// value that was not released; each value left out is told to <c>leftOut</c> (the audit trail),
/// by its attribute's and event's UUIDs, so the feed's operator learns what it lacks.</para>
/// <para>
/// MISP collects the values and writes them at the end; here each is written when its record is
/// released, and only a 128-bit hash of each value written is kept to leave out repeats (16 bytes a
/// distinct value, not the values themselves). Two values of one answer with the same hash would
/// leave the second out: less, never more.</para>
/// </remarks>
internal sealed class TextExportWriter(IBufferWriter<byte> output, Action<string?, string?>? leftOut = null) : ExportWriter(output)
{
    private readonly HashSet<UInt128> _written = [];

    public override void End()
    {
        if (_written.Count == 0)
        {
            WriteText("\n");
        }
    }

    protected override void WriteEvent(JsonElement evt, in UnitOutcome outcome)
    {
        var eventUuid = Text(evt, "uuid");
        foreach (var (attribute, _) in Attributes(evt))
        {
            WriteValue(attribute, eventUuid);
        }
    }

    protected override void WriteAttributeRow(JsonElement row, in UnitOutcome outcome) => WriteValue(row, outcome.EventUuid);

    private void WriteValue(JsonElement attribute, string? eventUuid)
    {
        if (Text(attribute, "value") is not { } value)
        {
            return;
        }

        if (BreaksLine(value))
        {
            leftOut?.Invoke(eventUuid, Text(attribute, "uuid"));
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        if (_written.Add(XxHash128.HashToUInt128(bytes)))
        {
            Output.Write(bytes);
            Output.Write("\n"u8);
        }
    }
}
