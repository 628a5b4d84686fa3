using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Requests;

namespace TlpGateway.Tests.Requests;

/// <summary>Bodies read as MISP's <c>request->data</c> holds them, or refused when the gateway cannot read them.</summary>
public sealed class MispBodyTests
{
    private static (MispBody? Body, BodyProblem? Problem) Parse(string contentType, string body) => MispBody.Parse(contentType, Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Parameters_RequestWrapper_ReplacesTheTopLevel()
    {
        var body = Parse("application/json", """{"excludeLocalTags":0,"request":{"excludeLocalTags":1}}""").Body!;

        Assert.Equal(1, (int)body.Parameters!["excludeLocalTags"]!);
    }

    [Fact]
    public void Parameters_RequestNotAnObject_NoParameterAtAll()
    {
        var body = Parse("application/json", """{"excludeLocalTags":1,"request":"x"}""").Body!;

        Assert.Empty(body.Parameters!);
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("text/xml; charset=utf-8")]
    [InlineData("application/atom+xml")]
    [InlineData("multipart/form-data; boundary=x")]
    public void Parse_BodiesTheGatewayDoesNotRead_Refused415(string contentType)
    {
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, Parse(contentType, "<Event/>").Problem!.Value.Status);
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("{")]
    [InlineData("\"just a string\"")]
    [InlineData("5")]
    [InlineData("""{"value":"\uD800"}""")]
    [InlineData("""{"request":{"tags":["\uDC00tlp:red"]}}""")]
    [InlineData("""{"\uD83D":1}""")]
    [InlineData("""{"Event":{"info":"x\ud800\u0041"}}""")]
    [InlineData("""{"Event":{"protected":true,"Orgc":{"uuid":"a"},"\u004Frgc":{"uuid":"b"}}}""")]
    [InlineData("""{"Event":{"Tag":[{"name":"tlp:green","n\u0061me":"tlp:red"}]}}""")]
    [InlineData("\uFEFF{\"Event\":{}}")]
    public void Parse_JsonTheGatewayCannotJudge_Refused400(string json)
    {
        Assert.Equal(StatusCodes.Status400BadRequest, Parse("application/json", json).Problem!.Value.Status);
    }

    [Fact]
    public void Parse_EscapedSurrogatePair_ReadAsItsCharacter()
    {
        var (body, problem) = Parse("application/json", """{"value":"\uD83D\uDE00"}""");

        Assert.Null(problem);
        Assert.Equal("\U0001F600", body!.Parameters!["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("")]
    [InlineData("Application/JSON")]
    public void Parse_JsonUnderAnotherContentType_ReadAsJson(string contentType)
    {
        Assert.Equal(BodyForm.Json, Parse(contentType, """{"Event":{"info":"x"}}""").Body!.Form);
    }

    [Fact]
    public void Parse_Form_PhpBracketsAndCakePhpDataUnwrapping()
    {
        var body = Parse("application/x-www-form-urlencoded", "data%5BEvent%5D%5Binfo%5D=hello+world&data%5BEvent%5D%5BTag%5D%5B%5D%5Bname%5D=tlp%3Ared").Body!;

        Assert.Equal(BodyForm.Form, body.Form);
        Assert.Equal("hello world", (string?)body.Root!["Event"]!["info"]);
        Assert.Equal("tlp:red", (string?)body.Root!["Event"]!["Tag"]![0]!["name"]);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded, application/json")]
    [InlineData("application/x-www-form-urlencoded application/json")]
    [InlineData("Application/X-WWW-Form-Urlencoded,text/plain")]
    [InlineData("APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8")]
    public void Parse_ContentTypePhpCutsToAForm_ReadAsTheForm(string contentType)
    {
        // PHP's sapi_read_post_data lower-cases the type and cuts it at ';', ',' or ' '.
        var body = Parse(contentType, "Event%5Binfo%5D=x").Body!;

        Assert.Equal(BodyForm.Form, body.Form);
        Assert.Equal("x", (string?)body.Root!["Event"]!["info"]);
    }

    [Theory]
    [InlineData("multipart/form-data,text/plain")]
    [InlineData("text/xml application/json")]
    public void Parse_ContentTypePhpCutsToOneTheGatewayDoesNotRead_Refused415(string contentType)
    {
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, Parse(contentType, """{"Event":{"info":"x"}}""").Problem!.Value.Status);
    }

    [Fact]
    public void Parse_FormNestedDeeperThanJsonIsRead_Refused400()
    {
        var form = "value" + string.Concat(Enumerable.Repeat("[a]", 300)) + "=x";

        Assert.Equal(StatusCodes.Status400BadRequest, Parse("application/x-www-form-urlencoded", form).Problem!.Value.Status);
    }

    [Fact]
    public void Parse_FormWithMethodField_Refused403AsAMethodOverride()
    {
        Assert.Equal(StatusCodes.Status403Forbidden, Parse("application/x-www-form-urlencoded", "_method=DELETE&id=4").Problem!.Value.Status);
    }

    [Theory]
    [InlineData("a[]=1&a[x]=2")]
    [InlineData("data[Event][info]=x&other=y")]
    [InlineData("a[b=1")]
    public void Parse_FormPhpWouldReadAmbiguously_Refused400(string form)
    {
        Assert.Equal(StatusCodes.Status400BadRequest, Parse("application/x-www-form-urlencoded", form).Problem!.Value.Status);
    }

    [Fact]
    public void Parse_FormDottedName_UnderscoreAsPhpReadsIt()
    {
        var body = Parse("application/x-www-form-urlencoded", "a.b=1").Body!;

        Assert.Equal("1", (string?)((JsonObject)body.Root!)["a_b"]);
    }

    [Theory]
    [InlineData("org%00=A", "org")]
    [InlineData("org%00x=A", "org")]
    [InlineData("returnFormat%00.json=A", "returnFormat")]
    [InlineData("a%00[b]=A", "a")]
    public void Parse_FormNameWithNul_CutThereAsPhpReadsIt(string form, string name)
    {
        // php_register_variable_ex takes the name as a C string: what follows a NUL is not part of it.
        var body = Parse("application/x-www-form-urlencoded", "eventid=4&" + form).Body!;

        Assert.Equal("A", (string?)((JsonObject)body.Root!)[name]);
        Assert.DoesNotContain(((JsonObject)body.Root!).Select(p => p.Key), key => key.Contains('\0', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("_method%00=DELETE&id=4", StatusCodes.Status403Forbidden)]
    [InlineData("a[b%00c]=1", StatusCodes.Status400BadRequest)]
    [InlineData("%00org=A", StatusCodes.Status400BadRequest)]
    public void Parse_FormNameWithNul_JudgedAsTheNamePhpKeeps(string form, int status)
    {
        // "_method" is a method override, "a[b" an unbalanced bracket PHP reads as "a_b", "" a name PHP drops.
        Assert.Equal(status, Parse("application/x-www-form-urlencoded", form).Problem!.Value.Status);
    }

    [Theory]
    [InlineData("a[%20]=1&a[%09]=2")]
    [InlineData("a[]=1&a[%0A]=2")]
    [InlineData("a[%0D]=1&a[+]=2")]
    public void Parse_FormIndexOfOneWhitespace_AppendsAsPhpDoes(string form)
    {
        // PHP reads an index of one space, tab, line break, vertical tab, form feed or carriage return as "[]".
        var body = Parse("application/x-www-form-urlencoded", form).Body!;

        var list = Assert.IsType<JsonArray>(body.Root!["a"]);
        Assert.Equal(["1", "2"], list.Select(v => (string?)v));
    }

    [Fact]
    public void Parse_FormIndexOfTwoSpaces_IsAName()
    {
        var body = Parse("application/x-www-form-urlencoded", "a[%20%20]=1&a[%20x]=2").Body!;

        Assert.Equal("1", (string?)body.Root!["a"]!["  "]);
        Assert.Equal("2", (string?)body.Root!["a"]![" x"]);
    }
}
