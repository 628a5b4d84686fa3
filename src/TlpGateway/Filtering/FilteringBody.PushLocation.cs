namespace TlpGateway.Filtering;

/// <summary>
/// MISP's <c>404</c> + <c>Location</c> answer to an add of an event it already has (SPEC section 6):
/// it reaches the event's owner only, so an add tells no one else that an event exists or its local id.
/// </summary>
internal sealed partial class FilteringBody
{
    // Whether the event named by MISP's 404 + Location to an add is the requester's own; null until looked up.
    private bool? _pushLocationOwned;

    /// <summary>Decides how the answer is treated, once the push answer's event is known to be the requester's or not.</summary>
    private async ValueTask DecideAsync(CancellationToken cancellationToken)
    {
        await ConfirmPushLocationAsync(cancellationToken);
        Decide();
    }

    /// <summary>
    /// MISP's answer to an add of an event it already has: <c>404</c> and the event's local id in
    /// <c>Location</c>, found by UUID whoever asks (Event::_add checks no access).
    /// </summary>
    private bool IsPushLocation() =>
        IsWrite && _context.Response.StatusCode == StatusCodes.Status404NotFound && _context.Response.Headers.Location.Count > 0
        && _context.Features.Get<Requests.MispRequest>()?.Endpoint.Write is { Effect: Endpoints.WriteEffect.Creates, Content: Endpoints.WriteContent.Event };

    /// <summary>
    /// Whether the event MISP's push answer names is the requester's own (SPEC section 6: that answer
    /// reaches the owner only), looked up once before the answer is decided; anyone else, or a failed
    /// look-up, gets the answer for an event that does not exist, so an add is no existence oracle.
    /// </summary>
    private async ValueTask ConfirmPushLocationAsync(CancellationToken cancellationToken)
    {
        if (_mode != Mode.Undecided || _pushLocationOwned is not null || !IsPushLocation())
        {
            return;
        }

        _pushLocationOwned = false;
        var path = _context.Response.Headers.Location.ToString();
        var id = (Uri.TryCreate(path, UriKind.Absolute, out var uri) ? uri.AbsolutePath : path).TrimEnd('/').Split('/')[^1];
        try
        {
            var access = await _events.GetAsync(id, _filterContext.Requester, _filterContext.Community, cancellationToken);
            _pushLocationOwned = _filterContext.Requester.IsOwner(access.OrgcUuid);
        }
        catch (Upstream.MispUnavailableException)
        {
        }
    }
}
