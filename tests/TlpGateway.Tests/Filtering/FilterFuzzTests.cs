using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using MispSimulator;
using TlpGateway.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>
/// Fuzzing the filter: MISP-shaped input with one byte deleted, inserted or replaced anywhere, split
/// at random chunk boundaries. Whatever the filter makes of it, no event the requester may not
/// receive shows up in what it wrote before it stopped. Set TLPGW_FUZZ_RUNS for a longer run.
/// </summary>
public sealed class FilterFuzzTests
{
    private static readonly byte[] Structural = "{}[],:\"\\xA0 "u8.ToArray();
    private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("TLPGW_FUZZ_RUNS"), out var runs) ? runs : 200;

    [Fact]
    public void Filter_MutatedInput_NeverWritesWithheldEvent()
    {
        var cases =
            from seed in Gen.Choose(1, 10_000)
            from position in Gen.Choose(0, int.MaxValue)
            from operation in Gen.Choose(0, 2)
            from replacement in Gen.Choose(0, Structural.Length - 1)
            from chunk in Gen.Choose(1, 3000)
            select (seed, position, operation, replacement, chunk);

        FsCheck.Fluent.Prop.ForAll(Arb.From(cases), c => Check(c.seed, c.position, c.operation, Structural[c.replacement], c.chunk))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Runs));
    }

    private static bool Check(int seed, int position, int operation, byte replacement, int chunk)
    {
        var original = EventGenerator.RestSearch(seed, 30_000);
        var requester = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Green, orgId: "4");
        var forbidden = Forbidden(original, requester);
        var at = position % original.Length;
        byte[] input = operation switch
        {
            0 => [.. original.AsSpan(0, at), .. original.AsSpan(at + 1)],
            1 => [.. original.AsSpan(0, at), replacement, .. original.AsSpan(at)],
            _ => [.. original.AsSpan(0, at), replacement, .. original.AsSpan(at + 1)],
        };

        var output = new ArrayBufferWriter<byte>();
        var filter = new MispResponseFilter(FilterHarness.Context(requester), 1024 * 1024, _ => { });
        try
        {
            for (var offset = 0; offset < input.Length; offset += chunk)
            {
                filter.Write(input.AsSpan(offset, Math.Min(chunk, input.Length - offset)), output);
            }

            filter.Complete(output);
        }
        catch (FilterException)
        {
            // Stopping is a correct answer; what was written before must still be clean.
        }

        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        return forbidden.All(uuid => !text.Contains(uuid, StringComparison.Ordinal));
    }

    private static List<string> Forbidden(byte[] original, TlpGateway.Admission.Requester requester)
    {
        var forbidden = new List<string>();
        foreach (var item in JsonNode.Parse(original)!["response"]!.AsArray())
        {
            var evt = item!["Event"]!;
            var marking = default(TlpMarking);
            foreach (var tag in evt["Tag"] as JsonArray ?? [])
            {
                marking.Add((string)tag!["name"]!);
            }

            if (!EntitlementPolicy.MayReceive(marking.Effective(FilterHarness.Community.DefaultTlp), (string?)evt["Orgc"]!["uuid"], requester))
            {
                forbidden.Add((string)evt["uuid"]!);
            }
        }

        return forbidden;
    }
}
