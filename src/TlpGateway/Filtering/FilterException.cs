using System.Text.Json;

namespace TlpGateway.Filtering;

/// <summary>The input does not have the shape the filter can judge: the response ends as an error.</summary>
internal sealed class FilterException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;

    /// <summary>
    /// The reason to record for an exception the filter did not expect. Its message is left out: the
    /// reader's and the runtime's messages quote the input (<c>'x' is an invalid start of a value</c>),
    /// and the reason reaches the log and the audit trail, which never hold intelligence.
    /// </summary>
    public static string ReasonFor(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is JsonException json
            ? $"malformed JSON (line {json.LineNumber}, byte {json.BytePositionInLine})"
            : exception.GetType().Name;
    }
}
