using System.Diagnostics.Metrics;

namespace TlpGateway.Requests;

/// <summary>Requests by the endpoint they reached, and refusals of requests the gateway cannot read or does not serve.</summary>
internal sealed class RequestMetrics
{
    private readonly Counter<long> _served;
    private readonly Counter<long> _refused;

    public RequestMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create("TlpGateway.Requests");
        _served = meter.CreateCounter<long>("tlpgateway.requests.served", "{request}", "Requests forwarded to MISP, by endpoint.");
        _refused = meter.CreateCounter<long>("tlpgateway.requests.refused", "{request}", "Requests refused before MISP was asked, by reason.");
    }

    public void Served(Endpoints.MispEndpoint endpoint)
    {
        // The endpoint's name is built only when the counter is collected (not by default): not on every request.
        if (_served.Enabled)
        {
            _served.Add(1, new KeyValuePair<string, object?>("tlpgateway.endpoint", endpoint.ToString()));
        }
    }

    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("tlpgateway.reason", reason));
}
