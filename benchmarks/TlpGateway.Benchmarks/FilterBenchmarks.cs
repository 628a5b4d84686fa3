using System.Buffers;
using System.Collections.Frozen;
using System.Net;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using MispSimulator;
using TlpGateway.Admission;
using TlpGateway.Exports;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Benchmarks;

/// <summary>
/// The egress filter over a generated <c>/events/restSearch</c> answer, beside a plain
/// <see cref="Utf8JsonReader"/> pass over the same bytes (the ceiling of any filter that sees every byte).
/// Input is fed in 64 KB chunks, as Kestrel and YARP deliver it.
/// </summary>
[MemoryDiagnoser]
public class FilterBenchmarks
{
    private const int Chunk = 64 * 1024;
    internal static readonly CommunitySettings Community = new("Bench", new OrganisationRef("Hub", "00000000-0000-4000-8000-000000000001"), TlpLevel.Amber, ChathamHouseMode.Tagged, false);

    private byte[] _input = [];
    private ArrayBufferWriter<byte> _output = new();

    [Params(1, 20, 200)]
    public int SizeMb { get; set; }

    /// <summary>When set, the input is one <c>/events/view</c> event of this many attributes instead of a restSearch of <see cref="SizeMb"/>.</summary>
    public int SingleEventAttributes { get; set; }

    /// <summary>The single event pretty-printed, as MISP answers an ordinary client (curl, a browser): a third of its bytes indentation.</summary>
    public bool PrettyPrinted { get; set; }

    /// <summary>The size of the generated answer.</summary>
    public int InputBytes => _input.Length;

    [GlobalSetup]
    public void Setup()
    {
        _input = SingleEventAttributes > 0
            ? EventGenerator.View(seed: 42, SingleEventAttributes)
            : EventGenerator.RestSearch(seed: 42, targetBytes: SizeMb * 1024L * 1024);
        if (PrettyPrinted)
        {
            _input = MispJson.Serialize(System.Text.Json.Nodes.JsonNode.Parse(_input), compact: false);
        }
        _output = new ArrayBufferWriter<byte>(_input.Length + (1024 * 1024));
    }

    [Benchmark(Baseline = true, Description = "Utf8JsonReader pass (ceiling)")]
    public long Tokenizer()
    {
        var state = new JsonReaderState();
        long tokens = 0;
        var position = 0;
        var window = Chunk;
        while (position < _input.Length)
        {
            var end = Math.Min(position + window, _input.Length);
            var reader = new Utf8JsonReader(_input.AsSpan(position, end - position), end == _input.Length, state);
            while (reader.Read())
            {
                tokens++;
            }

            state = reader.CurrentState;
            position += (int)reader.BytesConsumed;

            // A token longer than the window needs a wider one.
            window = reader.BytesConsumed == 0 ? window * 2 : Chunk;
        }

        return tokens;
    }

    /// <summary>The filter's own tokenizer over the same bytes, fed the same way.</summary>
    [Benchmark(Description = "JsonTokenizer pass (the filter's tokenizer)")]
    public long GatewayTokenizer()
    {
        var state = default(JsonTokenizerState);
        long tokens = 0;
        var position = 0;
        var window = Chunk;
        while (position < _input.Length)
        {
            var end = Math.Min(position + window, _input.Length);
            var tokenizer = new JsonTokenizer(_input.AsSpan(position, end - position), end == _input.Length, state);
            while (tokenizer.Read())
            {
                tokens++;
            }

            state = tokenizer.CurrentState;
            position += (int)tokenizer.BytesConsumed;
            window = tokenizer.BytesConsumed == 0 ? window * 2 : Chunk;
        }

        return tokens;
    }

    [Benchmark(Description = "Filter, member max amber+strict (most released)")]
    public int FilterEntitled() => Run(Requester(TlpLevel.AmberStrict, MemberRelation.Member));

    [Benchmark(Description = "Filter, third party max green (sources hidden, many removed)")]
    public int FilterRestrictedWithProvenance() => Run(Requester(TlpLevel.Green, MemberRelation.ThirdParty));

    [Benchmark(Description = "CSV export, member max amber+strict (the filter, each released event parsed and written as CSV)")]
    public int CsvExportEntitled() => Run(Requester(TlpLevel.AmberStrict, MemberRelation.Member), ExportFormat.Csv);

    [Benchmark(Description = "STIX 2.1 export, member max amber+strict")]
    public int StixExportEntitled() => Run(Requester(TlpLevel.AmberStrict, MemberRelation.Member), ExportFormat.Stix2);

    private int Run(Requester requester, ExportFormat? export = null)
    {
        _output.ResetWrittenCount();
        var released = 0;
        var context = new FilterContext { Requester = requester, Community = Community };
        ExportWriter? writer = null;
        IBufferWriter<byte> envelope = _output;
        if (export is { } format)
        {
            // As the gateway renders an export: the writer takes the records, the JSON envelope is dropped.
            writer = ExportResponse.Writer(new ExportRequest { Format = format, Scope = Requests.RestSearchScope.Event }, context, _output, TimeProvider.System);
            writer.Begin();
            envelope = new DiscardingBufferWriter();
        }

        var filter = new MispResponseFilter(context, 32 * 1024 * 1024, outcome => released += outcome.Released ? 1 : 0, writer);
        for (var offset = 0; offset < _input.Length; offset += Chunk)
        {
            filter.Write(_input.AsSpan(offset, Math.Min(Chunk, _input.Length - offset)), envelope);
        }

        filter.Complete(envelope);
        writer?.End();
        return released;
    }

    internal static Requester Requester(TlpLevel maxTlp, MemberRelation relation) => new()
    {
        Member = new MemberEntry
        {
            Id = "bench",
            Name = "Bench",
            OrgUuid = "99999999-0000-4000-8000-000000000000",
            Networks = [IPNetwork.Parse("127.0.0.0/8")],
            Relation = relation,
            MaxTlp = maxTlp,
            RedRecipients = FrozenSet<string>.Empty,
        },
        Community = Community,
        OrgUuid = "99999999-0000-4000-8000-000000000000",
        Email = "bench@example.test",
        IsSyncIdentity = false,
    };
}
