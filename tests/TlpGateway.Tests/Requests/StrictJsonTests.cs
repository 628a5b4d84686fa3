using System.Text.Json;
using TlpGateway.Requests;

namespace TlpGateway.Tests.Requests;

public sealed class StrictJsonTests
{
    [Theory]
    [InlineData(new byte[] { 0x5B, 0x22, 0xC3, 0x22, 0x5D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D })]
    [InlineData(new byte[] { 0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D })]
    public void Parse_BytesNotUtf8_ThrowsJsonException(byte[] json) =>
        Assert.Throws<JsonException>(() => StrictJson.Parse(json));

    [Theory]
    [InlineData("[\"\\uD800\"]")]
    [InlineData("[\"a\\uDC00\"]")]
    [InlineData("{\"\\uD83Dx\":1}")]
    [InlineData("[\"\\ud800\\u0041\"]")]
    public void Parse_TextEscapedAsHalfASurrogatePair_ThrowsJsonException(string json) =>
        Assert.Throws<JsonException>(() => StrictJson.Parse(json));

    [Theory]
    [InlineData("[\"\\uD83D\\uDE00\"]", "\U0001F600")]
    [InlineData("[\"\\u0041\\\\u\"]", "A\\u")]
    public void Parse_ReadableEscapes_ParsedAsSystemTextJsonReadsThem(string json, string expected) =>
        Assert.Equal(expected, StrictJson.Parse(json)!.AsArray()[0]!.GetValue<string>());

    [Fact]
    public void ThrowIfUnreadable_HalfPairOnTheThirdLine_NamesTheLine()
    {
        var exception = Assert.Throws<JsonException>(() => StrictJson.ThrowIfUnreadable("{\n\"a\": 1,\n  \"b\": \"\\uD800\"\n}"u8));

        Assert.Equal(2, exception.LineNumber);
        Assert.Equal(7, exception.BytePositionInLine);
    }
}
