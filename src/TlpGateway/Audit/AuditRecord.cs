namespace TlpGateway.Audit;

/// <summary>
/// One refusal or removal, as maintainers read it later ("who was refused what, when, and why").
/// Never holds API keys or intelligence: only ids, UUIDs, addresses and reasons.
/// </summary>
internal sealed record AuditRecord
{
    public required DateTimeOffset Time { get; init; }

    /// <summary><c>refused</c> (a request) or <c>removed</c> (an event, attribute or item withheld from an answer).</summary>
    public required string Action { get; init; }

    /// <summary>A short machine-readable reason, e.g. <c>address-not-allowed</c>, <c>tlp-red</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>The member id, when the requester was identified.</summary>
    public string? Member { get; init; }

    public string? Address { get; init; }

    public string? Method { get; init; }

    /// <summary>The request's path with every searched value masked (<see cref="RecordedPath"/>).</summary>
    public string? Path { get; init; }

    /// <summary>The UUID of the event concerned, for removals.</summary>
    public string? EventUuid { get; init; }

    /// <summary>The UUID of the attribute or item concerned, for removals inside an event.</summary>
    public string? ItemUuid { get; init; }

    /// <summary>What was removed: <c>event</c>, <c>attribute</c>, <c>object</c>, <c>event-report</c>, <c>sighting</c>...</summary>
    public string? ItemKind { get; init; }

    /// <summary>A record of what happened to <paramref name="context"/>'s request.</summary>
    public static AuditRecord For(HttpContext context, TimeProvider timeProvider, string action, string reason, string? member, string? eventUuid = null, string? address = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return new AuditRecord
        {
            Time = timeProvider.GetUtcNow(),
            Action = action,
            Reason = reason,
            Member = member,
            Address = address ?? context.Connection.RemoteIpAddress?.ToString(),
            Method = context.Request.Method,
            Path = RecordedPath.Of(context.Request.Path.Value),
            EventUuid = eventUuid,
        };
    }
}

/// <summary>Where audit records go. Implementations must not throw into the request path.</summary>
internal interface IAuditTrail
{
    void Write(AuditRecord record);
}
