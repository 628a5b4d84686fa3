using System.Diagnostics.Metrics;

namespace TlpGateway.Admission;

/// <summary>Admission's instruments: decisions by member and reason, identity look-ups, cache use.</summary>
internal sealed class AdmissionMetrics
{
    public const string MeterName = "TlpGateway.Admission";

    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _identityLookups;
    private readonly Counter<long> _cacheLookups;

    public AdmissionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>("tlpgateway.admission.decisions", "{request}", "Requests admitted or refused, by member, decision and reason.");
        _identityLookups = meter.CreateHistogram<double>("tlpgateway.misp.lookup.duration", "s", "Time of the gateway's own look-ups in MISP, by kind and result.");
        _cacheLookups = meter.CreateCounter<long>("tlpgateway.cache.lookups", "{lookup}", "Cache look-ups, by cache and hit or miss.");
    }

    public void Admitted(string member) =>
        _decisions.Add(1, new("tlpgateway.member", member), new("tlpgateway.decision", "admitted"), new("tlpgateway.reason", "none"));

    public void Refused(string? member, string reason) =>
        _decisions.Add(1, new("tlpgateway.member", member ?? "unknown"), new("tlpgateway.decision", "refused"), new("tlpgateway.reason", reason));

    public void IdentityLookup(string result, TimeSpan elapsed) =>
        _identityLookups.Record(elapsed.TotalSeconds, new("tlpgateway.lookup", "identity"), new("tlpgateway.result", result));

    public void CacheLookup(string cache, bool hit) =>
        _cacheLookups.Add(1, new("tlpgateway.cache", cache), new("tlpgateway.result", hit ? "hit" : "miss"));
}
