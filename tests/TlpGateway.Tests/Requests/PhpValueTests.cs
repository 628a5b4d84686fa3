using System.Text.Json.Nodes;
using TlpGateway.Requests;

namespace TlpGateway.Tests.Requests;

/// <summary>PHP's truthiness (<c>!empty()</c>) and <c>_harvestParameters</c>' skipping of ordered URL parameters.</summary>
public sealed class PhpValueTests
{
    [Theory]
    [InlineData(" \t0\n\r\0\v", "0")]
    [InlineData("\u00A00", "\u00A00")]
    [InlineData("0\u2003", "0\u2003")]
    [InlineData("\f0", "\f0")]
    public void Trim_PhpsCharactersOnly(string value, string trimmed)
    {
        Assert.Equal(trimmed, PhpValue.Trim(value));
    }

    [Theory]
    [InlineData("null", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("0.0", false)]
    [InlineData("-0", false)]
    [InlineData("\"0\"", false)]
    [InlineData("\"\"", false)]
    [InlineData("[]", false)]
    [InlineData("{}", false)]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("2", true)]
    [InlineData("\"false\"", true)]
    [InlineData("\"0.0\"", true)]
    [InlineData("\" 0\"", true)]
    [InlineData("\"yes\"", true)]
    [InlineData("[0]", true)]
    [InlineData("{\"a\":0}", true)]
    public void IsTruthy_JsonValue_AsPhpEmptyReadsIt(string json, bool truthy)
    {
        Assert.Equal(truthy, PhpValue.IsTruthy(JsonNode.Parse(json)));
    }

    [Theory]
    [InlineData("null", true)]
    [InlineData("NULL", true)]
    [InlineData("false", true)]
    [InlineData("False", true)]
    [InlineData("0", true)]
    [InlineData("0.0", true)]
    [InlineData("-0", true)]
    [InlineData("00", true)]
    [InlineData("", true)]
    [InlineData("json", false)]
    [InlineData("1", false)]
    [InlineData("event", false)]
    [InlineData("0x0", false)]
    public void IsSkippedOrderedParameter_InArrayLooseComparison(string value, bool skipped)
    {
        Assert.Equal(skipped, PhpValue.IsSkippedOrderedParameter(value));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData(" 1", true)]
    [InlineData("1 ", true)]
    [InlineData("-1.5e3", true)]
    [InlineData(".5", true)]
    [InlineData("1e", false)]
    [InlineData("0x1A", false)]
    [InlineData("abc", false)]
    [InlineData("", false)]
    public void IsNumericString_Php8(string value, bool numeric)
    {
        Assert.Equal(numeric, PhpValue.IsNumericString(value));
    }
}
