using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TlpGateway.Members;

/// <summary>
/// The members file as text, edited in place: a change replaces, inserts or removes only the bytes
/// of the value it changes, so the maintainer's layout, order, byte order mark and line endings stay
/// as they were. New values follow the layout around them: one line where the neighbouring value is
/// on one line, indented like its neighbours where it spans several.
/// </summary>
internal sealed class MembersFileText
{
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private readonly bool _byteOrderMark;
    private readonly string _newLine;
    private byte[] _json;

    private MembersFileText(byte[] bytes)
    {
        _byteOrderMark = bytes.AsSpan().StartsWith(ByteOrderMark);
        _json = _byteOrderMark ? bytes[ByteOrderMark.Length..] : bytes;
        _newLine = _json.AsSpan().IndexOf("\r\n"u8) >= 0 ? "\r\n" : "\n";
    }

    /// <summary>The file's text; throws <see cref="JsonException"/> when it is not a JSON object with a 'members' list, or has a duplicate key.</summary>
    public static MembersFileText Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var json = bytes.AsSpan().StartsWith(ByteOrderMark) ? bytes.AsSpan(ByteOrderMark.Length) : bytes;
        Requests.StrictJson.ThrowIfNotUtf8(json);
        Requests.StrictJson.ThrowIfUnreadable(json);

        // The entries are read as JsonNodes, which take a duplicate key until it is looked up, then throw; an edit would change one of the two.
        if (MembersFileParser.DuplicateKey(json) is { } duplicate)
        {
            throw new JsonException(duplicate);
        }

        var text = new MembersFileText(bytes);
        _ = text.Root();
        _ = text.MembersList();
        return text;
    }

    /// <summary>The file as it would be written now.</summary>
    public byte[] ToBytes() => _byteOrderMark ? [.. ByteOrderMark, .. _json] : [.. _json];

    /// <summary>The entry of member <paramref name="id"/> as it reads now, or null.</summary>
    public JsonObject? Member(string id) => FindMember(id) is { } entry ? (JsonObject)JsonNode.Parse(Slice(entry))! : null;

    /// <summary>The community block as it reads now, or null when the file has none.</summary>
    public JsonObject? Community() => Root().Find("community") is { } entry ? JsonNode.Parse(Slice(entry)) as JsonObject : null;

    /// <summary>Every member entry's id (null where an entry has none), in file order.</summary>
    public IReadOnlyList<JsonNode?> Members() => [.. MembersList().Entries.Select(e => JsonNode.Parse(Slice(e)))];

    public void SetMemberField(string id, string field, JsonNode? value) => SetField(Container.Of(_json, RequireMember(id).ValueStart), field, value);

    public bool RemoveMemberField(string id, string field) => RemoveEntry(Container.Of(_json, RequireMember(id).ValueStart), field);

    public void SetCommunityField(string field, JsonNode? value) =>
        SetField(Container.Of(_json, (Root().Find("community") ?? throw new JsonException("the file has no 'community' object")).ValueStart), field, value);

    public bool RemoveCommunityField(string field) =>
        Root().Find("community") is { } community && RemoveEntry(Container.Of(_json, community.ValueStart), field);

    public void AddMember(JsonObject member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var list = MembersList();
        var rendered = list.Entries.Count > 0 ? Render(member, list.Entries[^1]) : Render(member, OneLine: !Spans(list), Indent(list.Start) + IndentUnit());
        Insert(list, rendered, name: null);
    }

    public void RemoveMember(string id)
    {
        var list = MembersList();
        var entry = RequireMember(id);
        Remove(list, list.Entries.IndexOf(entry));
    }

    private Container Root() => Container.Of(_json, FirstNonSpace(0));

    private Container MembersList()
    {
        var members = Root().Find("members") ?? throw new JsonException("the file has no 'members' list");
        return _json[members.ValueStart] == (byte)'['
            ? Container.Of(_json, members.ValueStart)
            : throw new JsonException("'members' is not a list");
    }

    private Entry? FindMember(string id) =>
        MembersList().Entries.FirstOrDefault(e => _json[e.ValueStart] == (byte)'{' && Container.Of(_json, e.ValueStart).Find("id") is { } idEntry && JsonNode.Parse(Slice(idEntry)) is JsonValue v && v.TryGetValue<string>(out var s) && s == id);

    private Entry RequireMember(string id) => FindMember(id) ?? throw new KeyNotFoundException($"no member '{id}'");

    private void SetField(Container container, string field, JsonNode? value)
    {
        if (container.Find(field) is { } existing)
        {
            Splice(existing.ValueStart, existing.ValueEnd, Render(value, existing));
            return;
        }

        var rendered = container.Entries.Count > 0
            ? Render(value, container.Entries[^1])
            : Render(value, OneLine: true, string.Empty);
        Insert(container, rendered, field);
    }

    private bool RemoveEntry(Container container, string field)
    {
        var index = container.Entries.FindIndex(e => e.Name == field);
        if (index < 0)
        {
            return false;
        }

        Remove(container, index);
        return true;
    }

    /// <summary>Appends after the last entry, separated from it as that entry is from the one before (or by the container's own layout).</summary>
    private void Insert(Container container, string rendered, string? name)
    {
        var key = name is null ? string.Empty : JsonSerializer.Serialize(name, SerializerOptions(0)) + ": ";
        if (container.Entries.Count == 0)
        {
            var inner = Spans(container) ? _newLine + Indent(container.Start) + IndentUnit() : " ";
            var closing = Spans(container) ? _newLine + Indent(container.Start) : " ";
            Splice(container.Start + 1, container.End, inner + key + rendered + closing);
            return;
        }

        var last = container.Entries[^1];
        var separator = container.Entries.Count > 1
            ? Encoding.UTF8.GetString(_json, container.Entries[^2].ValueEnd, last.KeyStart - container.Entries[^2].ValueEnd)
            : Spans(container) ? "," + _newLine + Indent(last.KeyStart) : ", ";
        Splice(last.ValueEnd, last.ValueEnd, separator + key + rendered);
    }

    /// <summary>Removes an entry with the separator before it (or, for the first, the one after it).</summary>
    private void Remove(Container container, int index)
    {
        var entry = container.Entries[index];
        if (container.Entries.Count == 1)
        {
            Splice(container.Start + 1, container.End, string.Empty);
        }
        else if (index == 0)
        {
            Splice(entry.KeyStart, container.Entries[1].KeyStart, string.Empty);
        }
        else
        {
            Splice(container.Entries[index - 1].ValueEnd, entry.ValueEnd, string.Empty);
        }
    }

    /// <summary>A value written like the one it replaces or follows: on one line if that one is, else indented as it is.</summary>
    private string Render(JsonNode? value, Entry like) =>
        Render(value, OneLine: Array.IndexOf(_json, (byte)'\n', like.ValueStart, like.ValueEnd - like.ValueStart) < 0, Indent(like.KeyStart));

    private string Render(JsonNode? value, bool OneLine, string indent)
    {
        if (value is null)
        {
            return "null";
        }

        if (OneLine)
        {
            return RenderOneLine(value);
        }

        var text = value.ToJsonString(SerializerOptions(IndentUnit().Length));
        return text.Replace("\n", _newLine + indent, StringComparison.Ordinal);
    }

    /// <summary>One line, spaced as people write it: <c>["a", "b"]</c>, <c>{ "name": "x", "uuid": "y" }</c>.</summary>
    private static string RenderOneLine(JsonNode node) => node switch
    {
        JsonArray array => "[" + string.Join(", ", array.Select(n => n is null ? "null" : RenderOneLine(n))) + "]",
        JsonObject obj when obj.Count == 0 => "{}",
        JsonObject obj => "{ " + string.Join(", ", obj.Select(p => JsonSerializer.Serialize(p.Key, SerializerOptions(0)) + ": " + (p.Value is null ? "null" : RenderOneLine(p.Value)))) + " }",
        _ => node.ToJsonString(SerializerOptions(0)),
    };

    private static JsonSerializerOptions SerializerOptions(int indentSize) => indentSize > 0
        ? new() { WriteIndented = true, IndentSize = indentSize, NewLine = "\n", Encoder = Encoder }
        : new() { Encoder = Encoder };

    /// <summary>Whether a container's text spans several lines.</summary>
    private bool Spans(Container container) => Array.IndexOf(_json, (byte)'\n', container.Start, container.End - container.Start) >= 0;

    /// <summary>The whitespace that starts the line <paramref name="position"/> is on.</summary>
    private string Indent(int position)
    {
        var lineStart = position;
        while (lineStart > 0 && _json[lineStart - 1] != (byte)'\n')
        {
            lineStart--;
        }

        var end = lineStart;
        while (end < _json.Length && _json[end] is (byte)' ' or (byte)'\t')
        {
            end++;
        }

        return Encoding.UTF8.GetString(_json, lineStart, end - lineStart);
    }

    /// <summary>The file's indentation step: the indentation of the root's first entry (two spaces when the root is on one line).</summary>
    private string IndentUnit()
    {
        var root = Root();
        var unit = root.Entries.Count > 0 && Spans(root) ? Indent(root.Entries[0].KeyStart) : string.Empty;
        return unit.Length > 0 ? unit : "  ";
    }

    private int FirstNonSpace(int from)
    {
        while (from < _json.Length && _json[from] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            from++;
        }

        return from < _json.Length && _json[from] == (byte)'{' ? from : throw new JsonException("the file does not hold a JSON object");
    }

    private ReadOnlySpan<byte> Slice(Entry entry) => _json.AsSpan(entry.ValueStart, entry.ValueEnd - entry.ValueStart);

    private void Splice(int start, int end, string replacement) =>
        _json = [.. _json.AsSpan(0, start), .. Encoding.UTF8.GetBytes(replacement), .. _json.AsSpan(end)];

    /// <summary>An object's property or an array's element: where its name (or, in an array, its value) starts and its value ends.</summary>
    private sealed record Entry(string? Name, int KeyStart, int ValueStart, int ValueEnd);

    /// <summary>An object or array: where it opens and closes, and its entries.</summary>
    private sealed record Container(int Start, int End, List<Entry> Entries)
    {
        public Entry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);

        public static Container Of(byte[] json, int start)
        {
            var reader = new Utf8JsonReader(json.AsSpan(start), new JsonReaderOptions { AllowTrailingCommas = false });
            if (!reader.Read() || reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                throw new JsonException("expected an object or a list");
            }

            var isObject = reader.TokenType == JsonTokenType.StartObject;
            var entries = new List<Entry>();
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    return new Container(start, start + (int)reader.TokenStartIndex, entries);
                }

                string? name = null;
                var keyStart = start + (int)reader.TokenStartIndex;
                if (isObject)
                {
                    name = reader.GetString();
                    reader.Read();
                }

                var valueStart = start + (int)reader.TokenStartIndex;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }

                entries.Add(new Entry(name, isObject ? keyStart : valueStart, valueStart, start + (int)reader.BytesConsumed));
            }

            throw new JsonException("the file ends inside an object or a list");
        }
    }
}
