using System.Text.Json;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>One attribute the filtered JSON answer releases, with what an export reads beside it: its object, its event (or a row's event stub).</summary>
/// <param name="Record">The event's place in <see cref="OracleReleased.Events"/>; -1 for a row.</param>
internal sealed record ReleasedAttribute(JsonElement Attribute, JsonElement Object, JsonElement Event, int Record);

/// <summary>
/// What the filtered JSON answer for a requester releases, read by the export oracle with
/// <see cref="JsonDocument"/> (never the gateway's writers): the events and attribute rows, their
/// attributes in the order MISP's exports visit them (an event's own, then each object's), and the
/// organisations it shows. An export must name nothing else.
/// </summary>
internal sealed class OracleReleased : IDisposable
{
    private readonly JsonDocument? _document;

    private OracleReleased(JsonDocument? document)
    {
        _document = document;
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;
        foreach (var row in Values(root, "response").SelectMany(response => Items(response, "Attribute")))
        {
            // A row names its object only where MISP's row carries one with a UUID (CsvExport's `!empty($attribute['Object']['uuid'])`).
            var obj = Values(row, "Object").FirstOrDefault(o => Scalar(o, "uuid") is { Length: > 0 });
            Attributes.Add(new(row, obj, Values(row, "Event").FirstOrDefault(), Record: -1));
        }

        foreach (var evt in Oracle.Records(root).SelectMany(record => Values(record, "Event")).Where(e => e.ValueKind == JsonValueKind.Object))
        {
            Events.Add(evt);
            foreach (var attribute in Items(evt, "Attribute"))
            {
                Attributes.Add(new(attribute, default, evt, Events.Count - 1));
            }

            foreach (var obj in Items(evt, "Object"))
            {
                foreach (var attribute in Items(obj, "Attribute"))
                {
                    Attributes.Add(new(attribute, obj, evt, Events.Count - 1));
                }
            }
        }

        AddOrganisations(root);
    }

    /// <summary>The released attributes, in the order of the answer.</summary>
    public List<ReleasedAttribute> Attributes { get; } = [];

    /// <summary>The released events.</summary>
    public List<JsonElement> Events { get; } = [];

    /// <summary>The organisations (<c>Orgc</c>, <c>Org</c>) the answer shows, as <c>uuid</c> (lower case) and <c>name</c>.</summary>
    public HashSet<(string Uuid, string Name)> Organisations { get; } = [];

    /// <summary>The released records of a whole filtered answer (nothing where it is empty: a single record withheld).</summary>
    public static OracleReleased Of(byte[] filtered) =>
        new(filtered.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) < 0 ? null : JsonDocument.Parse(filtered));

    public void Dispose() => _document?.Dispose();

    /// <summary>A scalar property as MISP's exports write it: a string's text, a number as written, <c>1</c>/<c>0</c> for a boolean; null for anything else or none.</summary>
    public static string? Scalar(JsonElement holder, string name) =>
        holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(name, out var value) ? Scalar(value) : null;

    public static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Text(value),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        _ => null,
    };

    private void AddOrganisations(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var element in value.EnumerateArray())
                {
                    AddOrganisations(element);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (property.Name is "Orgc" or "Org" && Scalar(property.Value, "uuid") is { } uuid && Scalar(property.Value, "name") is { } name)
                    {
                        Organisations.Add((uuid.ToLowerInvariant(), name));
                    }

                    AddOrganisations(property.Value);
                }

                break;
        }
    }
}
