namespace TlpGateway.Tlp;

/// <summary>
/// What the tags of one event or attribute say about its marking (SPEC section 3): the most
/// restrictive TLP level, whether the Chatham House Rule is tagged, and whether an unknown
/// <c>tlp:</c> value was seen (it counts as amber and brings CHR, but is not a level).
/// </summary>
internal struct TlpMarking
{
    private const string Prefix = "tlp:";

    /// <summary>The most restrictive known level among the tags, if any.</summary>
    public TlpLevel? Level { get; private set; }

    /// <summary><c>tlp:ex:chr</c> is among the tags.</summary>
    public bool ChathamHouse { get; private set; }

    /// <summary>A <c>tlp:</c> tag with a value the gateway does not know.</summary>
    public bool Unknown { get; private set; }

    /// <summary>Whether a known TLP level was tagged (the AMBER filling applies when not).</summary>
    public readonly bool HasLevel => Level.HasValue;

    /// <summary>The level the policy judges by: unknown counts as amber; nothing tagged is <paramref name="defaultLevel"/>.</summary>
    public readonly TlpLevel Effective(TlpLevel defaultLevel)
    {
        TlpLevel? level = Level;
        if (Unknown && (level is null || level < TlpLevel.Amber))
        {
            level = TlpLevel.Amber;
        }

        return level ?? defaultLevel;
    }

    /// <summary>Takes one tag name (already JSON-unescaped) into account.</summary>
    public void Add(string tagName)
    {
        ArgumentNullException.ThrowIfNull(tagName);
        Add(tagName.AsSpan());
    }

    /// <summary>Takes one tag name (already JSON-unescaped) into account, compared as <see cref="TagName.Canonical(ReadOnlySpan{char})"/> reads it.</summary>
    public void Add(ReadOnlySpan<char> tagName) => AddCanonical(TagName.Canonical(tagName));

    /// <summary>Takes one tag name already in <see cref="TagName.Canonical(string)"/> form into account.</summary>
    public void AddCanonical(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return;
        }

        TlpLevel? level = name.AsSpan(Prefix.Length).Trim() switch
        {
            "clear" or "white" => TlpLevel.Clear,
            "green" => TlpLevel.Green,
            "amber" => TlpLevel.Amber,
            "amber+strict" => TlpLevel.AmberStrict,
            "red" => TlpLevel.Red,
            _ => null,
        };
        if (level is null)
        {
            if (name.AsSpan(Prefix.Length).Trim() is "ex:chr")
            {
                ChathamHouse = true;
            }
            else
            {
                Unknown = true;
            }

            return;
        }

        if (Level is null || level > Level)
        {
            Level = level;
        }
    }

    public static string Name(TlpLevel level) => level switch
    {
        TlpLevel.Clear => "clear",
        TlpLevel.Green => "green",
        TlpLevel.Amber => "amber",
        TlpLevel.AmberStrict => "amber+strict",
        _ => "red",
    };
}
