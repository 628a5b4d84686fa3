using System.Text.Json;
using TlpGateway.Tlp;

namespace TlpGateway.Exports;

/// <summary>
/// The official TLP 2.0 marking-definition objects of STIX 2.1 (OASIS, cti-stix-common-objects,
/// extension-definition-specifications/tlp-2.0): fixed identifiers, written as published.
/// </summary>
internal static class TlpMarkingDefinitions
{
    public const string Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    /// <summary>The identifier of <paramref name="level"/>'s marking definition.</summary>
    public static string Id(TlpLevel level) => level switch
    {
        TlpLevel.Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        TlpLevel.Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        TlpLevel.Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        TlpLevel.AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        _ => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    };

    /// <summary>Writes the marking definition of <paramref name="level"/>.</summary>
    public static void Write(Utf8JsonWriter json, TlpLevel level)
    {
        ArgumentNullException.ThrowIfNull(json);
        var name = TlpMarking.Name(level);
        json.WriteStartObject();
        json.WriteString("type", "marking-definition");
        json.WriteString("spec_version", "2.1");
        json.WriteString("id", Id(level));
        json.WriteString("created", "2022-10-01T00:00:00.000Z");
        json.WriteString("name", "TLP:" + name.ToUpperInvariant());
        json.WriteStartObject("extensions");
        json.WriteStartObject(Extension);
        json.WriteString("extension_type", "property-extension");
        json.WriteString("tlp_2_0", name);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
