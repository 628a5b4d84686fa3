using System.Globalization;
using System.Text;
using TlpGateway.Admission;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Fuzz;

/// <summary>
/// The TLP marking of a set of tags, read as SPEC section 3 writes it, with no code of the gateway's:
/// names matched case-insensitively after NFKC and the removal of invisible format and control
/// characters, surrounding whitespace ignored; an unknown <c>tlp:</c> value counts as amber (and, on
/// an event, brings CHR); <c>tlp:ex:chr</c> marks CHR and is no level.
/// </summary>
internal struct OracleMarking
{
    private TlpLevel? _level;

    public bool Unknown { get; private set; }

    public bool ChathamHouse { get; private set; }

    public readonly bool HasLevel => _level is not null;

    /// <summary>A tag the oracle cannot read (a name that is no string, a tag with no name) counts as an unknown value.</summary>
    public void AddUnreadable() => Unknown = true;

    public void Add(string name)
    {
        var normalised = Normalise(name);
        if (!normalised.StartsWith("tlp:", StringComparison.Ordinal))
        {
            return;
        }

        TlpLevel? level = normalised[4..] switch
        {
            "clear" or "white" => TlpLevel.Clear,
            "green" => TlpLevel.Green,
            "amber" => TlpLevel.Amber,
            "amber+strict" => TlpLevel.AmberStrict,
            "red" => TlpLevel.Red,
            _ => null,
        };
        if (level is { } known)
        {
            _level = _level is { } current && current > known ? current : known;
        }
        else if (normalised == "tlp:ex:chr")
        {
            ChathamHouse = true;
        }
        else
        {
            Unknown = true;
        }
    }

    /// <summary>The marking's level: an unknown value is amber at least; no level at all is the default.</summary>
    public readonly TlpLevel Effective(TlpLevel defaultLevel)
    {
        if (Unknown)
        {
            return _level is { } level && level > TlpLevel.Amber ? level : TlpLevel.Amber;
        }

        return _level ?? defaultLevel;
    }

    /// <summary>Whether the item counts its own marking: an own TLP level or an unknown value.</summary>
    public readonly bool Counts => HasLevel || Unknown;

    /// <summary>CHR on an event, with <c>chathamHouse: tagged</c>: tagged so, or its TLP unknown or defaulted (SPEC section 2).</summary>
    public readonly bool BringsChathamHouse => ChathamHouse || Unknown || !HasLevel;

    private static string Normalise(string name)
    {
        var text = Visible(Visible(name).Normalize(NormalizationForm.FormKC));
        return text.Trim().ToLowerInvariant();
    }

    private static string Visible(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            // Every control character goes, a line break or TAB as much as NUL (SPEC section 3): "tlp\n:green" is tlp:green.
            if (CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.Format or UnicodeCategory.Control))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

/// <summary>SPEC section 3's entitlement table, written again for the oracle (not the gateway's <c>EntitlementPolicy</c>).</summary>
internal static class OracleEntitlement
{
    public static bool MayReceive(TlpLevel level, string? orgcUuid, Requester requester)
    {
        var member = requester.Member.Relation == MemberRelation.Member;
        var maxTlp = requester.Member.MaxTlp;
        var owner = orgcUuid is not null && orgcUuid.Equals(requester.OrgUuid, StringComparison.OrdinalIgnoreCase);
        return level switch
        {
            TlpLevel.Clear => true,
            TlpLevel.Green => owner || maxTlp >= TlpLevel.Green,
            TlpLevel.Amber => owner || (maxTlp >= TlpLevel.Amber && member),
            TlpLevel.AmberStrict => owner || (maxTlp == TlpLevel.AmberStrict && member),
            _ => !requester.IsSyncIdentity && (owner || (member && requester.Member.RedRecipients.Contains(requester.Email, StringComparer.OrdinalIgnoreCase))),
        };
    }
}
