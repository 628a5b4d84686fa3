using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TlpGateway.Filtering;
using TlpGateway.Shapes;

namespace TlpGateway.Defaults;

/// <summary>
/// Writes the default marking into a released event (SPEC section 5), as tag objects like
/// <c>{"name":"tlp:amber","colour":"#FFC000","exportable":true,"local":false}</c>: appended to its
/// <c>Tag</c> list (an array or PHP's object-list), or as a new <c>Tag</c> list where MISP left the
/// key out or wrote it <c>null</c>.
/// </summary>
internal static class DefaultTags
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The few default tag names of a community, written once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> TagBytes = new(StringComparer.Ordinal);
    private static readonly Func<string, byte[]> TagFactory = Tag;

    /// <summary>Adds <paramref name="names"/> to <paramref name="evt"/>; <paramref name="keptTags"/> is how many of its tags stay.</summary>
    public static void Add(Edits edits, Node evt, Node? tags, int keptTags, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(names);
        var mark = edits.BeginReplacement();
        var output = edits.Scratch;
        int at;
        if (tags is null && evt.IndexOf(Key.Tag) is >= 0 and var tagIndex)
        {
            // "Tag": null: the list takes the null's place, the event keeps one Tag key.
            output.Write("["u8);
            WriteTags(output, names, indexFrom: -1);
            output.Write("]"u8);
            edits.CommitReplacement(evt.Props[tagIndex].ValueStart, evt.Props[tagIndex].ValueEnd, mark);
            return;
        }

        if (tags is null && evt.Props.Length > 0)
        {
            // After the event's last value, recorded or not: no removal reaches past it (one that ends
            // after a comma ends where a kept property starts), so nothing written there is lost inside
            // one. With no comma where every property goes (a hidden source's event of unread blocks only).
            var source = evt.Source.Span;
            at = source[..(evt.End - 1)].LastIndexOfAnyExcept(JsonTokenizer.Whitespace) + 1;
            output.Write(edits.RemovesEveryProperty(evt) ? "\"Tag\":["u8 : ",\"Tag\":["u8);
            WriteTags(output, names, indexFrom: -1);
            output.Write("]"u8);
        }
        else if (tags is null)
        {
            at = evt.Start + 1;
            output.Write("\"Tag\":["u8);
            WriteTags(output, names, indexFrom: -1);
            output.Write(evt.HasUnrecorded ? "],"u8 : "]"u8);
        }
        else if (keptTags == 0 && tags.Items.Length > 0)
        {
            // Every tag goes (local tags left out as asked): the list is written anew with the default
            // marking alone, in place of its removals (a PHP object-list becomes a list, as MISP writes one).
            output.Write("["u8);
            WriteTags(output, names, indexFrom: -1);
            output.Write("]"u8);
            edits.CommitReplacementOver(tags.Start, tags.End, mark);
            return;
        }
        else if (tags.IsArray)
        {
            at = tags.Items.Length > 0 ? tags.Items[^1].End : tags.Start + 1;
            if (keptTags > 0)
            {
                output.Write(","u8);
            }

            WriteTags(output, names, indexFrom: -1);
        }
        else
        {
            // PHP's object-list: the added tags take the next free indices.
            at = tags.Items.Length > 0 ? tags.Items[^1].End : tags.Start + 1;
            if (keptTags > 0)
            {
                output.Write(","u8);
            }

            WriteTags(output, names, indexFrom: NextIndex(tags));
        }

        edits.CommitReplacement(at, at, mark);
    }

    private static void WriteTags(IBufferWriter<byte> output, IReadOnlyList<string> names, long indexFrom)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            if (indexFrom >= 0)
            {
                output.Write(Encoding.UTF8.GetBytes("\"" + (indexFrom + i).ToString(CultureInfo.InvariantCulture) + "\":"));
            }

            output.Write(TagBytes.GetOrAdd(names[i], TagFactory));
        }
    }

    private static byte[] Tag(string name)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, name);
            writer.WriteString("colour"u8, DefaultMarking.Colour);
            writer.WriteBoolean("exportable"u8, true);
            writer.WriteBoolean("local"u8, false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static long NextIndex(Node tags)
    {
        long next = 0;
        foreach (var prop in tags.Props)
        {
            if (long.TryParse(tags.RawName(prop), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= next)
            {
                next = index + 1;
            }
        }

        return next;
    }
}
