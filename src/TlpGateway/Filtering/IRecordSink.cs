using TlpGateway.Decision;

namespace TlpGateway.Filtering;

/// <summary>Takes the released records of an answer one by one, as the gateway would send each (exports, the preview).</summary>
internal interface IRecordSink
{
    /// <param name="outcome">The record's decision.</param>
    /// <param name="record">Its bytes as released: valid JSON, edits applied.</param>
    void Write(in UnitOutcome outcome, ReadOnlySpan<byte> record);
}
