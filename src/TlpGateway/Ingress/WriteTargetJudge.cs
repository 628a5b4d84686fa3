using System.Net;
using System.Text.Json;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Endpoints;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Upstream;

namespace TlpGateway.Ingress;

/// <summary>Why a write's targets stop it.</summary>
internal enum TargetProblem
{
    None,

    /// <summary>The write names no event the gateway can judge.</summary>
    NoTarget,

    /// <summary>A target names something the gateway does not judge writes to (a tag collection, a note on a note).</summary>
    NotUnderstood,

    /// <summary>The event does not exist, or the requester may not receive it: MISP's own 404.</summary>
    NotReceivable,

    /// <summary>Another organisation's event the requester may receive: propose changes instead.</summary>
    ProposalRequired,
}

/// <summary>The outcome for a write's targets, with the event concerned (for the audit trail and the proposal message).</summary>
internal readonly record struct TargetVerdict(TargetProblem Problem, string? EventRef, string? EventId);

/// <summary>
/// Finds the event each target of a write concerns (through MISP, with the requester's key) and judges
/// it by SPEC section 6: the owner first (its own events, even those withheld from it, as a member's
/// TLP:RED event from its own MISP server); then whether the requester may receive the event (else
/// MISP's 404); then a change needs the owner (else proposals) while a contribution does not.
/// </summary>
internal sealed class WriteTargetJudge(EventAccessLookup events, IMispLookupClient misp)
{
    /// <exception cref="MispUnavailableException">MISP could not be asked.</exception>
    public async Task<TargetVerdict> JudgeAsync(IReadOnlyList<TargetRef> targets, WriteDescription write, Requester requester, CommunitySettings community, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(requester);
        if (write.TargetRequired && targets.Count == 0)
        {
            return new TargetVerdict(TargetProblem.NoTarget, null, null);
        }

        foreach (var target in targets)
        {
            var (understood, eventRef) = await EventOfAsync(target, requester, community, cancellationToken);
            if (!understood)
            {
                return new TargetVerdict(TargetProblem.NotUnderstood, null, null);
            }

            if (eventRef is null && target.Kind is TargetKind.WrittenReport or TargetKind.WrittenReference or TargetKind.WrittenAnalystData)
            {
                // An item MISP does not show the requester: one the write creates.
                continue;
            }

            var access = eventRef is null ? EventAccess.Withheld : await events.GetAsync(eventRef, requester, community, cancellationToken);

            // :: the owner first: a member's own event is its own, whatever the egress rules withhold from this identity.
            if (requester.IsOwner(access.OrgcUuid))
            {
                continue;
            }

            // An item a reference points at is receivable only with its event and not removed from it (a TLP:RED attribute of a TLP:CLEAR event).
            if (!access.Receivable || (target.Kind == TargetKind.ReferencedItem && access.RemovedUuids.Contains(target.Id, StringComparer.OrdinalIgnoreCase)))
            {
                return new TargetVerdict(TargetProblem.NotReceivable, eventRef, null);
            }

            // A report or reference MISP updates in place changes its event, whatever the write does to its own; an item a
            // reference points at is not changed.
            if ((write.Effect == WriteEffect.Changes && target.Kind != TargetKind.ReferencedItem) || target.Kind is TargetKind.WrittenReport or TargetKind.WrittenReference)
            {
                return new TargetVerdict(TargetProblem.ProposalRequired, eventRef, access.EventId ?? eventRef);
            }
        }

        return new TargetVerdict(TargetProblem.None, targets.Count > 0 ? targets[0].Id : null, null);
    }

    /// <summary>The event a target concerns (null when MISP finds none for the requester); not understood for targets the gateway does not judge.</summary>
    private async Task<(bool Understood, string? EventRef)> EventOfAsync(TargetRef target, Requester requester, CommunitySettings community, CancellationToken cancellationToken)
    {
        switch (target.Kind)
        {
            case TargetKind.Event:
                return (true, target.Id);
            case TargetKind.Attribute:
                return (true, await events.EventOfAsync("attributes", target.Id, requester, cancellationToken));
            case TargetKind.Object:
                return (true, await events.EventOfAsync("objects", target.Id, requester, cancellationToken));
            case TargetKind.ObjectReference or TargetKind.WrittenReference:
                return (true, await events.EventOfAsync("object_references", target.Id, requester, cancellationToken));
            case TargetKind.EventReport or TargetKind.WrittenReport:
                return (true, await events.EventOfAsync("event_reports", target.Id, requester, cancellationToken));
            case TargetKind.Proposal:
                return (true, await events.EventOfAsync("shadow_attributes", target.Id, requester, cancellationToken));
            case TargetKind.ProposedEdit:
                return (true, await ProposedEditAsync(target.Id, requester, cancellationToken));
            case TargetKind.Sighting:
                return (true, await events.EventOfAsync("sightings", target.Id, requester, cancellationToken));
            case TargetKind.ReferencedItem:
                return (true, await events.EventOfAsync("objects", target.Id, requester, cancellationToken) ?? await events.EventOfAsync("attributes", target.Id, requester, cancellationToken));
            case TargetKind.EventOrAttribute:
                return (true, await EventOrAttributeAsync(target.Id, requester, community, cancellationToken));
            case TargetKind.AnalystData or TargetKind.WrittenAnalystData:
                return await AnalystTargetAsync(target, requester, community, cancellationToken);
            default:
                return await TypedAsync(target.Id, target.Type, requester, community, cancellationToken);
        }
    }

    /// <summary>An event by UUID, else the event of the attribute with that UUID (as <c>TagsController</c> looks it up).</summary>
    private async Task<string?> EventOrAttributeAsync(string uuid, Requester requester, CommunitySettings community, CancellationToken cancellationToken)
    {
        // An event MISP shows names its source even when it is withheld from the requester.
        var access = await events.GetAsync(uuid, requester, community, cancellationToken);
        return access.OrgcUuid is not null || access.Receivable ? uuid : await events.EventOfAsync("attributes", uuid, requester, cancellationToken);
    }

    /// <summary>A target named with its type: <c>event</c>, <c>attribute</c>, <c>object</c>, <c>EventReport</c>; an absent type is looked up as MISP deduces it.</summary>
    private async Task<(bool Understood, string? EventRef)> TypedAsync(string id, string? type, Requester requester, CommunitySettings community, CancellationToken cancellationToken)
    {
        switch (type?.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant())
        {
            case "event":
                return (true, id);
            case "attribute":
                return (true, await events.EventOfAsync("attributes", id, requester, cancellationToken));
            case "object":
                return (true, await events.EventOfAsync("objects", id, requester, cancellationToken));
            case "eventreport":
                return (true, await events.EventOfAsync("event_reports", id, requester, cancellationToken));
            case null:
                var found = await EventOrAttributeAsync(id, requester, community, cancellationToken)
                    ?? await events.EventOfAsync("objects", id, requester, cancellationToken)
                    ?? await events.EventOfAsync("event_reports", id, requester, cancellationToken);
                return (true, found);
            default:
                return (false, null);
        }
    }

    /// <summary>
    /// The event of the attribute an accepted proposal edits: with an <c>old_id</c> other than 0, the attribute with the
    /// proposal's <c>uuid</c> (MISP looks it up in every event); otherwise the proposal's own event.
    /// </summary>
    private async Task<string?> ProposedEditAsync(string id, Requester requester, CancellationToken cancellationToken)
    {
        var response = await misp.GetAsync($"/shadow_attributes/view/{Uri.EscapeDataString(id)}", requester.ApiKey, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(response.Body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("ShadowAttribute", out var proposal) || proposal.ValueKind != JsonValueKind.Object
                || !proposal.TryGetProperty("event_id", out var eventId) || !proposal.TryGetProperty("old_id", out var oldId))
            {
                return null;
            }

            if (oldId.ValueKind is JsonValueKind.Null || oldId.ToString() is "" or "0")
            {
                return eventId.ToString();
            }

            return proposal.TryGetProperty("uuid", out var uuid) && uuid.ValueKind == JsonValueKind.String
                ? await events.EventOfAsync("attributes", uuid.GetString()!, requester, cancellationToken)
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string escaped as half a UTF-16 pair (GetString): no event found, as for any answer it cannot read.
            return null;
        }
    }

    /// <summary>
    /// An analyst data item's target, from MISP's own view of the item (<c>object_uuid</c>, <c>object_type</c>). An
    /// item a write carries (<see cref="TargetKind.WrittenAnalystData"/>) may hang on another item, up to a few levels:
    /// its event is the one the chain ends on.
    /// </summary>
    private async Task<(bool Understood, string? EventRef)> AnalystTargetAsync(TargetRef target, Requester requester, CommunitySettings community, CancellationToken cancellationToken, int depth = 0)
    {
        var response = await misp.GetAsync($"/analyst_data/view/{Uri.EscapeDataString(target.Type ?? "Note")}/{Uri.EscapeDataString(target.Id)}", requester.ApiKey, cancellationToken);

        // A written item MISP does not show is one the write creates (no event); one that exists but leads nowhere readable is not judged.
        var unreadable = target.Kind == TargetKind.WrittenAnalystData || depth > 0 ? (false, (string?)null) : (true, null);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return depth > 0 ? unreadable : (true, null);
        }

        try
        {
            using var document = JsonDocument.Parse(response.Body);
            foreach (var item in document.RootElement.EnumerateObject())
            {
                if (item.Value.ValueKind == JsonValueKind.Object && item.Value.TryGetProperty("object_uuid", out var uuid) && uuid.ValueKind == JsonValueKind.String)
                {
                    var type = item.Value.TryGetProperty("object_type", out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null;
                    if (target.Kind == TargetKind.WrittenAnalystData && type is "Note" or "Opinion" or "Relationship" && depth < 3)
                    {
                        return await AnalystTargetAsync(target with { Id = uuid.GetString()!, Type = type }, requester, community, cancellationToken, depth + 1);
                    }

                    return await TypedAsync(uuid.GetString()!, type, requester, community, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string escaped as half a UTF-16 pair (GetString): no target found, as for any answer it cannot read.
            return unreadable;
        }

        return unreadable;
    }
}
