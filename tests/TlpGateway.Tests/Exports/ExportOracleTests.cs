using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TlpGateway.Exports;
using TlpGateway.Fuzz;
using TlpGateway.Tests.Filtering;

namespace TlpGateway.Tests.Exports;

/// <summary>
/// The fuzzer's export oracle (tests/TlpGateway.Fuzz/ExportTarget.cs): the corpus replayed with the
/// export checks, and exports broken on purpose (MISP's own export of unfiltered data, a value split
/// at its line break, a field unquoted, an indicator of a withheld attribute or marked below its tags)
/// caught, so the checks are not vacuous.
/// </summary>
public sealed class ExportOracleTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "fuzz", "filter");

    // Third party, maxTlp green (FilterTarget.Requesters[0]): event 1 (TLP:CLEAR) leaves, its TLP:RED and TLP:AMBER attributes do not.
    private const string ThirdParty = "seed-kinds-exports-events-r0.json";

    // Member, maxTlp amber: the TLP:AMBER attribute of event 1 leaves too.
    private const string Member = "seed-kinds-exports-events-r1.json";

    public static TheoryData<string> Inputs() => [.. Directory.GetFiles(Corpus).Select(file => Path.GetFileName(file)).Order(StringComparer.Ordinal)];

    // The export seeds whose request the gateway serves (the -refused- ones ask what it refuses).
    public static TheoryData<string> ExportSeeds() => [.. Directory.GetFiles(Corpus, "seed-kinds-exports-*").Select(file => Path.GetFileName(file)!).Where(name => !name.Contains("-refused-", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> RefusedSeeds() => [.. Directory.GetFiles(Corpus, "seed-kinds-exports-*-refused-*").Select(file => Path.GetFileName(file)!).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void ExportTarget_CorpusInput_EveryExportHeldToTheFilteredJson(string name)
    {
        // FuzzFinding (a rule broken) or any exception but the filter's own fails the test.
        var input = File.ReadAllBytes(Path.Combine(Corpus, name));
        var (filtered, whole) = FilterTarget.Filter(input);
        using var document = FilterTarget.Parse(input);
        var forbidden = document is null ? [] : Oracle.Forbidden(document.RootElement, FilterTarget.Community.DefaultTlp, FilterTarget.RequesterFor(input));

        ExportTarget.Check(input, document?.RootElement, whole ? filtered : null, forbidden);
    }

    [Theory]
    [MemberData(nameof(ExportSeeds))]
    public void Render_ExportSeed_EveryFormatWholeAndNotEmpty(string name)
    {
        // The seeds release something to every requester, so the checks above judge rows, lines and indicators.
        var input = File.ReadAllBytes(Path.Combine(Corpus, name));
        using var judge = Judge(input);

        var csv = Export(input, judge, ExportFormat.Csv);
        var text = Export(input, judge, ExportFormat.Text);
        var stix = Export(input, judge, ExportFormat.Stix2);

        Assert.True(OracleCsv.Parse(csv).Count > 2, csv);
        Assert.NotEqual("\n", text);
        Assert.Contains("\"type\":\"indicator\"", stix, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ValuesHoldingLineBreaks_QuotedInTheCsvLeftOutOfTheText()
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus, ThirdParty));
        using var judge = Judge(input);

        var csv = Export(input, judge, ExportFormat.Csv);
        var text = Export(input, judge, ExportFormat.Text);

        Assert.Contains(",\"line\nbreak\",", csv, StringComparison.Ordinal);
        Assert.Contains(",\"crlf\r\nvalue\",", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("break", text, StringComparison.Ordinal);
        Assert.DoesNotContain("arated.example", text, StringComparison.Ordinal);
        Assert.Contains("evil.example\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("text")]
    [InlineData("stix2")]
    public void Judge_ExportOfUnfilteredData_Caught(string name)
    {
        var format = ExportFormats.Parse(name)!.Value;
        // What relaying MISP's own export would be: every event and attribute, sources shown.
        var input = File.ReadAllBytes(Path.Combine(Corpus, ThirdParty));
        using var judge = Judge(input);
        var unfiltered = ExportHarness.Unfiltered(input, judge.Request(format), FilterHarness.Context(FilterTarget.RequesterFor(input)));

        Assert.Throws<FuzzFinding>(() => judge.Check(format, Encoding.UTF8.GetBytes(unfiltered), whole: true));
    }

    [Theory]
    [MemberData(nameof(RefusedSeeds))]
    public void Judge_RefusedSeed_GatewayAndOracleBothRefuseTheCsvOnly(string name)
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus, name));
        using var judge = Judge(input);

        Assert.Null(judge.Csv.Columns);
        Assert.Null(judge.Read(ExportFormat.Csv));
        Assert.NotNull(judge.Read(ExportFormat.Text));
    }

    [Fact]
    public void Judge_SourceColumnNamingTheHiddenSource_Caught()
    {
        // The third party asks event_source_org and event_member_org: the forwarder is shown, never ORG_SECRETSRC.
        var input = File.ReadAllBytes(Path.Combine(Corpus, "seed-kinds-exports-events-asks-sources-r0.json"));
        using var judge = Judge(input);
        var csv = Export(input, judge, ExportFormat.Csv);
        Assert.StartsWith("value,event_source_org,event_member_org,Orgc,org_name,orgc_uuid,event_creator_email,event_info,event_tag,uuid\n", csv, StringComparison.Ordinal);
        Assert.Contains(",\"Hub\",\"Hub\",", csv, StringComparison.Ordinal);

        var leaked = csv.Replace(",\"Hub\",\"Hub\",", ",\"ORG_SECRETSRC\",\"Hub\",", StringComparison.Ordinal);

        var finding = Assert.Throws<FuzzFinding>(() => judge.Check(ExportFormat.Csv, Encoding.UTF8.GetBytes(leaked), whole: true));
        Assert.Contains("ORG_SECRETSRC", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_HeaderlessCsvWithItsHeader_Caught()
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus, "seed-kinds-exports-events-asks-headerless-context-r0.json"));
        using var judge = Judge(input);
        var csv = Export(input, judge, ExportFormat.Csv);
        Assert.True(judge.Csv.Headerless);

        Assert.Throws<FuzzFinding>(() => judge.Check(ExportFormat.Csv, Encoding.UTF8.GetBytes(string.Join(',', judge.Csv.Columns!) + "\n" + csv), whole: true));
    }

    [Fact]
    public void Judge_TextValueSplitAtItsLineBreak_Caught()
    {
        // MISP's TextExport: implode("\n", $values), a value's own line break included.
        var input = File.ReadAllBytes(Path.Combine(Corpus, ThirdParty));
        using var judge = Judge(input);
        var split = Export(input, judge, ExportFormat.Text) + "line\nbreak\n";

        var finding = Assert.Throws<FuzzFinding>(() => judge.Check(ExportFormat.Text, Encoding.UTF8.GetBytes(split), whole: true));
        Assert.Contains("text export", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"line\nbreak\"", "line\nbreak", "fields")]
    [InlineData("\"http://bad.example/a,b\"\"c'd\\e\"", "http://bad.example/a,b\"c'd\\e", "quote")]
    [InlineData("\"carriage\rreturn\"", "carriage\rreturn", "CR")]
    public void Judge_CsvValueUnquoted_Caught(string quoted, string bare, string reason)
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus, ThirdParty));
        using var judge = Judge(input);
        var csv = Export(input, judge, ExportFormat.Csv);
        Assert.Contains(quoted, csv, StringComparison.Ordinal);

        var finding = Assert.Throws<FuzzFinding>(() => judge.Check(ExportFormat.Csv, Encoding.UTF8.GetBytes(csv.Replace(quoted, bare, StringComparison.Ordinal)), whole: true));
        Assert.Contains(reason, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_CsvRowOfAWithheldAttribute_Caught()
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus, ThirdParty));
        using var judge = Judge(input);
        var csv = Export(input, judge, ExportFormat.Csv);
        var lines = csv.Split('\n').ToList();
        var row = lines.First(l => l.Contains("evil.example", StringComparison.Ordinal));
        lines.Insert(lines.IndexOf(row) + 1, row.Replace("evil.example", "red.example", StringComparison.Ordinal));

        Assert.Throws<FuzzFinding>(() => judge.Check(ExportFormat.Csv, Encoding.UTF8.GetBytes(string.Join('\n', lines)), whole: true));
    }

    [Fact]
    public void Judge_StixIndicatorOfAWithheldAttribute_Caught()
    {
        // Attribute 17 (red.example) is TLP:RED: a third party receives no indicator of it.
        var input = File.ReadAllBytes(Path.Combine(Corpus, ThirdParty));
        using var judge = Judge(input);
        var bundle = JsonNode.Parse(Export(input, judge, ExportFormat.Stix2))!;
        var objects = bundle["objects"]!.AsArray();
        var indicator = objects.First(o => (string?)o!["type"] == "indicator")!.DeepClone();
        indicator["id"] = "indicator--e0e0e0e0-0000-4000-8000-000000000017";
        indicator["pattern"] = "[domain-name:value = 'red.example']";
        objects.Add(indicator);

        Assert.Throws<FuzzFinding>(() => judge.Check(ExportFormat.Stix2, Encoding.UTF8.GetBytes(bundle.ToJsonString()), whole: true));
    }

    [Fact]
    public void Judge_StixIndicatorMarkedBelowItsTags_Caught()
    {
        // Attribute 18 (amber.example) is tagged TLP:AMBER in a TLP:CLEAR event: marked CLEAR, a consumer would share it on.
        var input = File.ReadAllBytes(Path.Combine(Corpus, Member));
        using var judge = Judge(input);
        var bundle = JsonNode.Parse(Export(input, judge, ExportFormat.Stix2))!;
        var amber = bundle["objects"]!.AsArray().First(o => (string?)o!["id"] == "indicator--e0e0e0e0-0000-4000-8000-000000000018")!;
        amber["object_marking_refs"] = new JsonArray("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");

        var finding = Assert.Throws<FuzzFinding>(() => judge.Check(ExportFormat.Stix2, Encoding.UTF8.GetBytes(bundle.ToJsonString()), whole: true));
        Assert.Contains("its tags say Amber", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_StixObjectWithoutItsRequiredProperty_Caught()
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus, ThirdParty));
        using var judge = Judge(input);
        var bundle = JsonNode.Parse(Export(input, judge, ExportFormat.Stix2))!;
        bundle["objects"]!.AsArray().First(o => (string?)o!["type"] == "report")!.AsObject().Remove("published");

        var finding = Assert.Throws<FuzzFinding>(() => judge.Check(ExportFormat.Stix2, Encoding.UTF8.GetBytes(bundle.ToJsonString()), whole: true));
        Assert.Contains("published", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_WholeExportOfAnAnswerTheFilterEnded_Caught()
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus, ThirdParty));
        using var document = JsonDocument.Parse(input);
        using var judge = new ExportTarget.Judge(input, document.RootElement, filtered: null, []);

        var finding = Assert.Throws<FuzzFinding>(() => judge.Check(ExportFormat.Csv, Encoding.UTF8.GetBytes("uuid\n\n"), whole: true));
        Assert.Contains("ended as an error", finding.Message, StringComparison.Ordinal);
    }

    private static ExportTarget.Judge Judge(byte[] input)
    {
        var (filtered, whole) = FilterTarget.Filter(input);
        Assert.True(whole);
        using var document = JsonDocument.Parse(input);
        var forbidden = Oracle.Forbidden(document.RootElement, FilterTarget.Community.DefaultTlp, FilterTarget.RequesterFor(input));
        return new ExportTarget.Judge(input, document.RootElement, filtered, forbidden);
    }

    private static string Export(byte[] input, ExportTarget.Judge judge, ExportFormat format)
    {
        var (written, whole) = ExportTarget.Render(input, judge.Request(format));
        Assert.True(whole);
        return Encoding.UTF8.GetString(written);
    }
}
