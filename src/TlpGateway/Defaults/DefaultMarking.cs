using System.Text.Json.Nodes;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Defaults;

/// <summary>
/// Untagged data gets the community's default TLP (SPEC section 5), pure and without I/O: which tags
/// an event with a given marking gains, on the way out and on the way in alike.
/// </summary>
internal static class DefaultMarking
{
    public const string ChathamHouseTag = "tlp:ex:chr";

    /// <summary>The colour MISP's TLP taxonomy gives amber; the added tags carry it.</summary>
    public const string Colour = "#FFC000";

    /// <summary>
    /// The tag names added to an event whose tags (as they will leave or be stored) have this marking:
    /// none when it carries a TLP level; otherwise the default level and, unless present, <c>tlp:ex:chr</c>.
    /// An unknown <c>tlp:</c> value is no level.
    /// </summary>
    public static IReadOnlyList<string> TagsToAdd(TlpMarking marking, CommunitySettings community)
    {
        ArgumentNullException.ThrowIfNull(community);
        if (marking.HasLevel)
        {
            return [];
        }

        // One list per level and Chatham House state: filled in for every untagged event, so never built twice.
        return Added[(int)community.DefaultTlp * 2 + (marking.ChathamHouse ? 1 : 0)];
    }

    /// <summary>A tag <see cref="TagsToAdd"/> names, as MISP's tag objects are written (so a syncing MISP stores the marking).</summary>
    public static JsonObject TagObject(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new JsonObject { ["name"] = name, ["colour"] = Colour, ["exportable"] = true, ["local"] = false };
    }

    private static readonly string[][] Added = [.. Enum.GetValues<TlpLevel>().SelectMany(level => new[]
    {
        new[] { "tlp:" + TlpMarking.Name(level), ChathamHouseTag },
        new[] { "tlp:" + TlpMarking.Name(level) },
    })];
}
