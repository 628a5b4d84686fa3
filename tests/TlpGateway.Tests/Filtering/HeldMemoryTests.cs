using System.Buffers;
using MispSimulator;
using TlpGateway.Decision;
using TlpGateway.Exports;
using TlpGateway.Filtering;
using TlpGateway.Requests;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>What holding one large event costs: memory bounded by the event, not by its number of values (issue 21).</summary>
/// <remarks>Alone: filters running beside it would take nodes and chunks from the pools it measures.</remarks>
[Collection(nameof(HeldMemoryTests))]
[CollectionDefinition(nameof(HeldMemoryTests), DisableParallelization = true)]
public sealed class HeldMemoryTests
{
    [Fact]
    public void Filter_LargeHeldEventOnceWarm_AllocatesLessThanAQuarterOfItsBytes()
    {
        // One /events/view event of 20k attributes (about 9 MB), as a member's tools ask for it.
        var input = EventGenerator.View(seed: 7, attributes: 20_000);
        var context = FilterHarness.Context(FilterHarness.Requester(maxTlp: TlpLevel.AmberStrict));
        var output = new ArrayBufferWriter<byte>(input.Length + (1024 * 1024));
        var released = Filter(input, context, output);

        output.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Filter(input, context, output);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(released, "the event is released to a member allowed amber+strict");
        Assert.True(output.WrittenCount > input.Length / 2, "most of the event is released");

        // Per-node lists and arrays that grew by copying cost 5x the event's bytes; pooled nodes and
        // chunked arenas nothing once warm (the bound leaves room for tests running beside this one).
        Assert.True(allocated < input.Length / 4, $"holding a {input.Length:N0}-byte event allocated {allocated:N0} bytes");
    }

    [Fact]
    public void CsvExport_LargeEventOnceWarm_AllocatesLessThanItsBytes()
    {
        // The released record an export parses is held as the input's is (mapped when large): an array
        // that grew by doubling cost 3.5x the event's bytes per answer, left on the large object heap.
        var input = EventGenerator.View(seed: 7, attributes: 20_000);
        var context = FilterHarness.Context(FilterHarness.Requester(maxTlp: TlpLevel.AmberStrict));
        var export = new ExportRequest { Format = ExportFormat.Csv, Scope = RestSearchScope.Event };
        var output = new ArrayBufferWriter<byte>(input.Length);
        Export(input, context, export, output);

        output.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Export(input, context, export, output);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(output.WrittenSpan.Count((byte)'\n') > 10_000, "most attributes are exported, a row each");
        Assert.True(allocated < input.Length, $"exporting a {input.Length:N0}-byte event allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Prop_Layout_TwelveBytes()
    {
        // A held event of 45k attributes records half a million properties: a field more costs 2 MB.
        Assert.Equal(12, System.Runtime.CompilerServices.Unsafe.SizeOf<Prop>());
    }

    [Fact]
    public void Filter_AttributesAsPhpObjectListLongerThanAnArenaChunk_JudgedAsTheListIs()
    {
        // 3,000 attributes as PHP's object-list {"0": ..., "1": ...}: one object with more properties
        // than an arena chunk holds, so its run gets a chunk of its own.
        var list = EventGenerator.View(seed: 9, attributes: 4_500, index: 1);
        var evt = System.Text.Json.Nodes.JsonNode.Parse(list)!;
        var attributes = evt["Event"]!["Attribute"]!.AsArray();
        var objectList = new System.Text.Json.Nodes.JsonObject();
        for (var i = 0; i < attributes.Count; i++)
        {
            objectList[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = attributes[i]!.DeepClone();
        }

        evt["Event"]!["Attribute"] = objectList;
        var input = System.Text.Encoding.UTF8.GetBytes(evt.ToJsonString());
        var context = FilterHarness.Context(FilterHarness.Requester(maxTlp: TlpLevel.Green));

        var fromList = System.Text.Json.Nodes.JsonNode.Parse(FilterHarness.Run(list, context).Output)!["Event"]!["Attribute"]!.AsArray()
            .Select(a => (string)a!["uuid"]!).ToList();
        var fromObjectList = System.Text.Json.Nodes.JsonNode.Parse(FilterHarness.Run(input, context).Output)!["Event"]!["Attribute"]!.AsObject()
            .Select(p => (string)p.Value!["uuid"]!).ToList();

        Assert.True(attributes.Count > 2_048, "more attributes than an arena chunk holds");
        Assert.True(fromList.Count > 0 && fromList.Count < attributes.Count, "some attributes are removed, some kept");
        Assert.Equal(fromList, fromObjectList);
    }

    private static bool Filter(byte[] input, FilterContext context, IBufferWriter<byte> output)
    {
        var released = false;
        var filter = new MispResponseFilter(context, 64 * 1024 * 1024, outcome => released |= outcome.Released);
        for (var offset = 0; offset < input.Length; offset += 64 * 1024)
        {
            filter.Write(input.AsSpan(offset, Math.Min(64 * 1024, input.Length - offset)), output);
        }

        filter.Complete(output);
        return released;
    }

    private static void Export(byte[] input, FilterContext context, ExportRequest export, ArrayBufferWriter<byte> output)
    {
        var writer = ExportResponse.Writer(export, context, output, TimeProvider.System);
        writer.Begin();
        var envelope = new DiscardingBufferWriter();
        var filter = new MispResponseFilter(context, 64 * 1024 * 1024, _ => { }, writer);
        for (var offset = 0; offset < input.Length; offset += 64 * 1024)
        {
            filter.Write(input.AsSpan(offset, Math.Min(64 * 1024, input.Length - offset)), envelope);
        }

        filter.Complete(envelope);
        writer.End();
    }
}
