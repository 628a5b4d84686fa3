using System.Text.Json;
using static TlpGateway.Fuzz.OracleJson;

namespace TlpGateway.Fuzz;

/// <summary>What the oracle notes while it walks: the strings and UUIDs that may leave, and those that must not.</summary>
internal sealed partial class Oracle
{
    // An organisation under whatever name: an object of an organisation's fields, with a UUID.
    private static bool IsOrganisation(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && Has(value, "uuid")
        && value.EnumerateObject().All(p => p.Name is "id" or "name" or "uuid" or "local" or "type" or "nationality" or "sector");

    private void AllowUuids(JsonElement item)
    {
        foreach (var uuid in Texts(item, "uuid"))
        {
            _allowed.Append(uuid).Append('\n');
        }
    }

    // A string the requester may read, decoded and as written: the filter passes free text on as
    // written, so what its escapes spell (a UUID after "\u5e5e") is as allowed as what they mean.
    private void AllowText(JsonElement value) =>
        _allowed.Append(OracleJson.Text(value)).Append('\n').Append(value.GetRawText()).Append('\n');

    // Everything in a value is text the requester may read.
    private void AllowAll(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                AllowText(value);
                break;
            case JsonValueKind.Array:
                foreach (var element in value.EnumerateArray())
                {
                    AllowAll(element);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    _allowed.Append(property.Name).Append('\n');
                    AllowAll(property.Value);
                }

                break;
        }
    }

    private void AllowNames(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                if (property.Name.Length < 32)
                {
                    _allowed.Append(property.Name).Append('\n');
                }

                AllowNames(property.Value);
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in value.EnumerateArray())
            {
                AllowNames(element);
            }
        }
    }

    /// <summary>An item withheld: the UUIDs of it and of every item it holds, and every source named in it.</summary>
    internal void Withhold(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var element in value.EnumerateArray())
                {
                    Withhold(element);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (SourceObjects.Contains(property.Name) || IsOrganisation(property.Value))
                    {
                        ForbidSource(property.Value);
                    }
                    else if (property.Name is "uuid" or "authors" || SourceUuids.Contains(property.Name) || SourceNames.Contains(property.Name))
                    {
                        AddStrings(property.Value);
                    }

                    Withhold(property.Value);
                }

                break;
        }
    }

    private void ForbidSource(JsonElement source)
    {
        if (source.ValueKind == JsonValueKind.String)
        {
            AddString(source);
            return;
        }

        foreach (var field in Values(source, "uuid").Concat(Values(source, "name")))
        {
            AddString(field);
        }
    }

    // Anywhere, only what is long enough not to stand inside other text by chance: a UUID (a much shorter value, a UUID
    // cut by a mutation, may stand inside another item's), a name of 5 characters with a letter. Anything shorter, or
    // without a letter, as a whole value (OracleValues), but digits alone: the filter writes numbers of its own ("0", counts).
    private void AddString(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String && OracleJson.Text(value) is { } text)
        {
            var trimmed = text.Trim();
            if (text.Length >= 32 || (trimmed.Length >= 5 && text.Any(char.IsLetter)))
            {
                _forbidden.Add(text);
            }
            else if (trimmed.Length > 0 && !trimmed.All(char.IsAsciiDigit))
            {
                _forbiddenValues.Add(text);
            }
        }
    }

    private void AddStrings(JsonElement value)
    {
        foreach (var element in value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value])
        {
            AddString(element);
        }
    }

    private void AddUuid(string text)
    {
        if (text.Length >= 32)
        {
            _forbidden.Add(text);
        }
    }
}
