using System.Diagnostics.Metrics;

using TlpGateway.Decision;

namespace TlpGateway.Filtering;

/// <summary>The egress filter's instruments: what was released, removed and rewritten, bytes, time, failures.</summary>
internal sealed class FilterMetrics
{
    public const string MeterName = "TlpGateway.Filtering";

    private readonly Counter<long> _units;
    private readonly Counter<long> _attributesRemoved;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _refusals;
    private readonly Histogram<double> _largeRecordWait;
    private readonly UpDownCounter<long> _largeRecordsHeld;

    public FilterMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _units = meter.CreateCounter<long>("tlpgateway.filter.units", "{item}", "Events, rows and items decided, by kind, action, TLP and reason.");
        _attributesRemoved = meter.CreateCounter<long>("tlpgateway.filter.attributes.removed", "{attribute}", "Attributes removed from released events.");
        _bytesIn = meter.CreateCounter<long>("tlpgateway.filter.bytes.in", "By", "Response bytes read from MISP by the filter.");
        _bytesOut = meter.CreateCounter<long>("tlpgateway.filter.bytes.out", "By", "Response bytes the filter let out.");
        _duration = meter.CreateHistogram<double>("tlpgateway.filter.duration", "s", "Time spent filtering one response.");
        _failures = meter.CreateCounter<long>("tlpgateway.filter.failures", "{response}", "Responses ended as errors because the filter could not judge them.");
        _refusals = meter.CreateCounter<long>("tlpgateway.filter.refusals", "{request}", "Requests the filter refused before MISP was asked, by reason.");
        _largeRecordWait = meter.CreateHistogram<double>("tlpgateway.filter.large_record.wait", "s", "Time an answer whose record grew large waited for its turn to hold it, by outcome (granted, timed-out, refused).");
        _largeRecordsHeld = meter.CreateUpDownCounter<long>("tlpgateway.filter.large_records.held", "{record}", "Large records held at once (bounded by Gateway:Filter:LargeRecordsAtOnce).");
    }

    public void Unit(string member, UnitOutcome outcome)
    {
        var action = !outcome.Released ? "removed" : outcome.Rewritten ? "rewritten" : "released";
        _units.Add(
            1,
            new KeyValuePair<string, object?>("tlpgateway.member", member),
            new KeyValuePair<string, object?>("tlpgateway.kind", outcome.Kind),
            new KeyValuePair<string, object?>("tlpgateway.action", action),
            new KeyValuePair<string, object?>("tlpgateway.tlp", outcome.Tlp is { } tlp ? Tlp.TlpMarking.Name(tlp) : "none"),
            new KeyValuePair<string, object?>("tlpgateway.reason", outcome.Reason ?? "none"));
        if (outcome.Released && outcome.AttributesRemoved > 0)
        {
            _attributesRemoved.Add(outcome.AttributesRemoved, new KeyValuePair<string, object?>("tlpgateway.member", member));
        }
    }

    public void Completed(long bytesIn, long bytesOut, TimeSpan elapsed)
    {
        _bytesIn.Add(bytesIn);
        _bytesOut.Add(bytesOut);
        _duration.Record(elapsed.TotalSeconds);
    }

    public void Failed(string reason) => _failures.Add(1, new KeyValuePair<string, object?>("tlpgateway.reason", reason));

    public void LargeRecordWaited(string outcome, TimeSpan waited) =>
        _largeRecordWait.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("tlpgateway.outcome", outcome));

    public void LargeRecordHeld(int change) => _largeRecordsHeld.Add(change);

    public void Refused(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("tlpgateway.reason", reason));
}
