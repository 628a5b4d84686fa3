using System.Text;
using System.Text.Json;
using TlpGateway.Fuzz;

namespace TlpGateway.Tests.Filtering;

/// <summary>
/// The coverage-guided fuzzer's corpus (testdata/fuzz/filter: the inputs it starts from, <c>seed-</c>
/// and <c>shape-</c>, and those that broke a rule, kept once fixed), replayed through its target:
/// each must break no rule again.
/// </summary>
public sealed class FuzzCorpusTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "fuzz", "filter");

    public static TheoryData<string> Inputs() => [.. Names()];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void FilterTarget_CorpusInput_BreaksNoRule(string name)
    {
        // FuzzFinding (a rule broken) or any exception but the filter's own fails the test.
        FilterTarget.Run(File.ReadAllBytes(Path.Combine(Corpus, name)));
    }

    /// <summary>
    /// The seeds (<c>seed-</c>, <c>shape-</c>), but those whose items the harness confirms (<c>-confirmed</c>: they
    /// may leave whole): events, rows and items alike are judged by the oracle (Oracle.cs). The inputs kept as
    /// findings are replayed by the test above; some name nothing a requester may not receive (a broken answer).
    /// </summary>
    public static TheoryData<string> EventInputs() =>
        [.. Names().Where(name => name.StartsWith("seed-", StringComparison.Ordinal) || name.StartsWith("shape-", StringComparison.Ordinal)).Where(name => !name.Contains("-confirmed", StringComparison.Ordinal))];

    private static IEnumerable<string> Names() => Directory.GetFiles(Corpus).Select(file => Path.GetFileName(file)).Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(EventInputs))]
    public void Oracle_CorpusInputPassedThrough_Caught(string name)
    {
        // The oracle is not vacuous: an answer that were the input itself would name what a third party may not receive
        // (in each kind of item: the seed-kinds-* inputs hold proposals, sightings, analyst data, reports, objects, rows).
        var input = File.ReadAllBytes(Path.Combine(Corpus, name));
        using var document = JsonDocument.Parse(input);
        var forbidden = Oracle.Forbidden(document.RootElement, FilterHarness.Community.DefaultTlp, FilterTarget.Requesters[0]);

        Assert.Contains(forbidden, uuid => Encoding.UTF8.GetString(input).Contains(uuid, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("seed-kinds-event-green-r2.json")]
    [InlineData("seed-kinds-event-amber-r2.json")]
    [InlineData("seed-kinds-index-r2.json")]
    public void OracleSync_CorpusInputPassedThrough_Caught(string name)
    {
        // The cap is judged: an answer that were the input itself would give a MISP server the event's distribution 3.
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Corpus, name)));

        Assert.Throws<FuzzFinding>(() => OracleSync.Check(document.RootElement, document.RootElement, FilterHarness.Community.DefaultTlp));
    }
}
