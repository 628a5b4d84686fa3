using System.Collections.Frozen;

namespace TlpGateway.Endpoints;

/// <summary>
/// The body keys a read that is no search forwards: those its MISP 2.5.1 action reads and the gateway understands
/// (docs/way-in.md). A key the action does not read reaches MISP unjudged, and a later MISP may read it.
/// </summary>
/// <param name="Reads">Whether the action reads a key.</param>
/// <param name="Unwraps">Whether the action reads the <c>request</c> wrapper in place of the data when there is one.</param>
internal sealed record BodyKeys(Func<string, bool> Reads, bool Unwraps)
{
    /// <summary>The action reads none of its body.</summary>
    public static BodyKeys None { get; } = new(static _ => false, Unwraps: false);

    /// <summary>Top-level names compared exactly, as PHP's array keys are, with no <c>request</c> wrapper.</summary>
    public static BodyKeys Of(params string[] names)
    {
        var set = names.ToFrozenSet(StringComparer.Ordinal);
        return new(set.Contains, Unwraps: false);
    }
}
