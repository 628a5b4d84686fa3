using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace TlpGateway.Endpoints;

/// <summary>
/// The body keys an action that is no search reads, a read or a write whose body carries no content the rules judge
/// (<see cref="WriteContent.None"/>): those its MISP 2.5.1 action reads and the gateway understands, the rest not
/// forwarded (docs/way-in.md). A key the action does not read reaches MISP unjudged, and a later MISP may read it.
/// </summary>
/// <param name="Reads">Whether the action reads a key at this level whole.</param>
/// <param name="Unwraps">Whether the action reads the <c>request</c> wrapper in place of the data when there is one.</param>
internal sealed record BodyKeys(Func<string, bool> Reads, bool Unwraps)
{
    private static readonly FrozenDictionary<string, BodyKeys> NoneWithin = FrozenDictionary<string, BodyKeys>.Empty;

    /// <summary>The action reads none of its body.</summary>
    public static BodyKeys None { get; } = new(static _ => false, Unwraps: false);

    /// <summary>Keys whose value the action reads by keys of its own (<c>Event.id</c>): an object kept with those alone, anything else as none.</summary>
    public IReadOnlyDictionary<string, BodyKeys> Within { get; init; } = NoneWithin;

    /// <summary>
    /// The model wrapper <c>RequestRearrangeTool</c> unwraps after <c>request</c> (<c>Event</c>, <c>Attribute</c>): when set
    /// (PHP's <c>isset</c>), it replaces the data, whatever it holds.
    /// </summary>
    public string? Replacing { get; init; }

    /// <summary>
    /// The level is a list of ids whose every value MISP reads (<c>Sighting.uuid IN (...)</c>), unless it is an object
    /// holding one of <see cref="ValuesUnless"/>, whose keys are then read by name: each value must be a number or a string.
    /// </summary>
    public bool ReadsValues { get; init; }

    /// <summary>With <see cref="ReadsValues"/>: the keys that make an object a holder of named keys instead (<c>id</c>).</summary>
    public IReadOnlyList<string> ValuesUnless { get; init; } = [];

    /// <summary>The level is a list (or an object's values, PHP's <c>foreach</c>) of items MISP reads each by these keys.</summary>
    public BodyKeys? Each { get; init; }

    /// <summary>
    /// Names compared exactly, as PHP's array keys are, with no <c>request</c> wrapper; a dotted path (<c>Event.id</c>)
    /// names a key read inside another (<see cref="Within"/>).
    /// </summary>
    public static BodyKeys Of(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var whole = paths.Where(p => !p.Contains('.', StringComparison.Ordinal)).ToFrozenSet(StringComparer.Ordinal);
        var within = paths.Where(p => p.Contains('.', StringComparison.Ordinal))
            .GroupBy(p => p[..p.IndexOf('.', StringComparison.Ordinal)], StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => Of([.. g.Select(p => p[(p.IndexOf('.', StringComparison.Ordinal) + 1)..])]), StringComparer.Ordinal);
        return new(whole.Contains, Unwraps: false) { Within = within };
    }

    /// <summary>
    /// What an action reads after <c>RequestRearrangeTool</c> (<c>request</c>, then <paramref name="model"/>, each replacing
    /// the data when set): <paramref name="paths"/> of what is left.
    /// </summary>
    public static BodyKeys Rearranged(string model, params string[] paths) => Of(paths) with { Unwraps = true, Replacing = model };

    /// <summary>A list of ids read whole, or an object holding one of <paramref name="unless"/>, read by <paramref name="paths"/>.</summary>
    public static BodyKeys Ids(string[] unless, params string[] paths) => Of(paths) with { ReadsValues = true, ValuesUnless = unless };

    /// <summary>Whether MISP reads a level's every value (a list of ids) rather than its keys.</summary>
    public bool ReadsAsValues(JsonNode level) =>
        ReadsValues && (level is JsonArray || (level is JsonObject holder && !ValuesUnless.Any(k => holder[k] is not null)));

    /// <summary>Whether a key at this level is kept: read whole, or read inside.</summary>
    public bool Keeps(string key) => Reads(key) || Within.ContainsKey(key);
}
