namespace TlpGateway.Filtering;

/// <summary>The input does not have the shape the filter can judge: the response ends as an error.</summary>
internal sealed class FilterException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
