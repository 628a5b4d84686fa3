using System.Collections.Frozen;

namespace TlpGateway.Endpoints;

/// <summary>
/// The named URL parameters (<c>key:value</c>) a non-search endpoint forwards: those its MISP 2.5.1 action reads and the
/// gateway understands (docs/way-in.md). Any other is not forwarded: <c>AppController</c> reads some on every action
/// (<c>disable_background_processing</c>), and an action may read one that changes whom MISP answers as (<c>viewAs</c>),
/// what it writes, or hands a raw SQL order to its query (<c>order</c>, a proposal index's <c>sort</c>).
/// </summary>
internal sealed class NamedParameters
{
    private readonly FrozenSet<string> _exact;
    private readonly FrozenSet<string> _searchPrefixed;

    private NamedParameters(IEnumerable<string> exact, IEnumerable<string> searchPrefixed)
    {
        _exact = exact.ToFrozenSet(StringComparer.Ordinal);
        _searchPrefixed = searchPrefixed.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>None forwarded (the action reads none the gateway understands).</summary>
    public static NamedParameters None { get; } = new([], []);

    /// <summary>Names compared exactly, as PHP's array keys are.</summary>
    public static NamedParameters Of(params string[] names) => new(names, []);

    /// <summary>
    /// Names compared exactly, and names written <c>search</c> followed by one of <paramref name="suffixes"/> in any case
    /// (<c>EventsController::__setIndexFilterConditions</c> lower-cases what follows the prefix).
    /// </summary>
    public static NamedParameters WithSearchPrefix(string[] names, string[] suffixes) => new(names, suffixes);

    /// <summary>Whether the named parameter <paramref name="key"/> is forwarded.</summary>
    public bool Forwards(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _exact.Contains(key) || (key.StartsWith("search", StringComparison.Ordinal) && _searchPrefixed.Contains(key[6..].ToLowerInvariant()));
    }

    /// <summary>Whether a body key of the events index is kept: a suffix with or without the prefix, in any case, or an exact name.</summary>
    public bool ForwardsIndexKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Forwards(key) || _searchPrefixed.Contains(key.ToLowerInvariant());
    }
}
