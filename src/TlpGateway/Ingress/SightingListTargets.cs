using System.Text.Json;
using System.Text.Json.Nodes;
using TlpGateway.Admission;
using TlpGateway.Endpoints;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Requests;
using TlpGateway.Upstream;

namespace TlpGateway.Ingress;

/// <summary>
/// What <c>/sightings/listSightings</c> lists the sightings of, read as MISP 2.5.1 reads it: a POST's
/// <c>id</c> and <c>context</c> over the passed ones where set (<c>SightingsController::listSightings</c>,
/// PHP's <c>isset</c>), the context <c>attribute</c> unless told, the id split at <c>|</c> (<c>Sighting::explodeIdList</c>).
/// Pure code.
/// </summary>
/// <remarks>
/// MISP compares the ids with MySQL, which reads <c>" 5"</c>, <c>"5abc"</c> or <c>"5e3"</c> as numbers, and drops from a
/// list the elements PHP's <c>is_numeric</c> refuses: only plain digits are read here, so that the ids judged are the
/// ids MISP finds; any other spelling is refused.
/// </remarks>
internal static class SightingListTargets
{
    /// <summary>The most ids one list may name: each withheld one costs a look-up before MISP is asked.</summary>
    public const int MaxIds = 100;

    /// <summary>The kind of the targets (an attribute or an event) and their ids, without leading zeros.</summary>
    /// <exception cref="ShapeException">A context or an id MISP would read otherwise than as plain digits.</exception>
    public static (TargetKind Kind, IReadOnlyList<string> Ids) Read(MispRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = Parameter(request, "context", 1) ?? "attribute";
        var kind = context switch
        {
            "attribute" => TargetKind.Attribute,
            "event" => TargetKind.Event,
            _ => throw new ShapeException("the context is 'attribute' or 'event'."),
        };

        var id = Parameter(request, "id", 0);
        if (string.IsNullOrEmpty(id))
        {
            // listSightings(false): MISP finds nothing.
            return (kind, []);
        }

        var ids = id.Split('|');
        if (ids.Length > MaxIds)
        {
            throw new ShapeException($"a list names at most {MaxIds} ids.");
        }

        return (kind, [.. ids.Select(Canonical).Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>A body's key where a POST sets it, else the passed parameter.</summary>
    private static string? Parameter(MispRequest request, string name, int passed)
    {
        if (HttpMethods.IsPost(request.Method) && request.Body.Root is JsonObject body && body[name] is { } value)
        {
            return value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number ? PhpValue.Text(value) : throw new ShapeException($"'{name}' is a string.");
        }

        return passed < request.Route.Passed.Count ? request.Route.Passed[passed] : null;
    }

    private static string Canonical(string id)
    {
        if (id.Length == 0 || !id.All(char.IsAsciiDigit))
        {
            throw new ShapeException("an id is plain digits, several joined by '|'.");
        }

        var trimmed = id.TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed;
    }
}

/// <summary>
/// Whether MISP's answer to <c>/sightings/listSightings</c> may tell the requester anything: MISP answers <c>405</c>
/// "Invalid object." when it finds none of the targets, and a list otherwise, from which the filter withholds the
/// sightings of what the requester may not receive. A list of withheld targets alone would so tell that they exist:
/// it is answered as MISP answers for missing ones, before MISP is asked.
/// </summary>
internal sealed class SightingListJudge(EventAccessLookup events)
{
    /// <summary>Whether the requester may receive at least one target: an event, or an attribute not removed from its event.</summary>
    /// <exception cref="MispUnavailableException">MISP could not be asked.</exception>
    public async Task<bool> AnyReceivableAsync(TargetKind kind, IReadOnlyList<string> ids, Requester requester, CommunitySettings community, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var id in ids)
        {
            var eventRef = kind == TargetKind.Event ? id : await events.EventOfAsync("attributes", id, requester, cancellationToken);
            if (eventRef is null)
            {
                continue;
            }

            // As the filter judges each listed sighting: by its event, and by the removal of its attribute from it.
            var access = await events.GetAsync(eventRef, requester, community, cancellationToken);
            if (access.Receivable && (kind == TargetKind.Event || !access.RemovedAttributeIds.Contains(id, StringComparer.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
