using System.Text.Json;
using TlpGateway.Filtering;

namespace TlpGateway.Tests.Filtering;

/// <summary>What is recorded of a failure the filter did not expect never quotes the answer.</summary>
public sealed class FilterExceptionTests
{
    [Fact]
    public void ReasonFor_ReaderFailure_SaysWhereNotWhat()
    {
        var ex = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse("""{"info":Zsecret}"""));
        Assert.Contains("'Z'", ex.Message, StringComparison.Ordinal);

        var reason = FilterException.ReasonFor(ex);

        Assert.Equal("malformed JSON (line 0, byte 8)", reason);
    }

    [Fact]
    public void ReasonFor_AnyOtherFailure_ItsTypeOnly()
    {
        var reason = FilterException.ReasonFor(new InvalidOperationException("the value 'tlp:red operation x' cannot be read"));

        Assert.Equal("InvalidOperationException", reason);
    }
}
