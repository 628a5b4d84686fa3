using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using TlpGateway.Admission;
using TlpGateway.Exports;
using TlpGateway.Filtering;
using TlpGateway.Requests;

namespace TlpGateway.Fuzz;

/// <summary>
/// The exports of one fuzzing input (SPEC section 7, docs/exports.md): the same answer, for the same
/// requester, rendered as the gateway renders <c>csv</c>, <c>text</c> and <c>stix2</c> behind the
/// filter for the restSearch the input asks (<see cref="ExportParameters"/>: its CSV columns,
/// <c>headerless</c>, <c>includeContext</c>, <c>includeDecayScore</c>, <c>excludeDecayed</c>, read by
/// <c>ExportRequest</c> as the gateway reads a request and by <see cref="OracleCsvRequest"/> as MISP
/// does, which must agree on what is refused and on the columns), each held by an oracle
/// of its own (<see cref="OracleCsv"/>, <see cref="OracleText"/>, <see cref="OracleStix"/>, which read
/// the exports with parsers of their own, never the gateway's writers) to the filtered JSON answer:
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>an export is whole only where the JSON answer is (an input the filter ends as an error is
/// never exported whole), and a whole one is UTF-8;</item>
/// <item>an export, whole or not, names nothing the JSON oracle holds the requester may not receive
/// (<see cref="Oracle.Forbidden"/>);</item>
/// <item>a whole export names only what the filtered JSON answer releases, in its format's shape: a
/// CSV column, whatever field it names (a source's, one the writer maps, a key the input invents), holds
/// the filtered JSON's field there, so nothing the JSON answer withholds or hides.</item>
/// </list>
/// </remarks>
internal static class ExportTarget
{
    // What the writers write of their own: a forbidden string standing inside it is no finding (a source named "organization").
    private const string Vocabulary =
        "uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,object_uuid,object_name,object_meta_category," +
        "event_info,event_member_org,event_source_org,event_distribution,event_threat_level_id,event_analysis,event_date,event_tag,event_timestamp\n" +
        "High Medium Low Undefined bundle objects spec_version created_by_ref modified identity_class organization description pattern_type " +
        "pattern_version valid_from kill_chain_phases kill_chain_name misp-category phase_name labels misp:type misp:category misp:to_ids True False " +
        "misp:published object_marking_refs report_types threat-report object_refs marking-definition extensions extension_type property-extension " +
        "tlp_2_0 TLP:CLEAR TLP:GREEN TLP:AMBER+STRICT TLP:RED clear green amber+strict red indicator identity network-traffic:src_ref.type " +
        "network-traffic:dst_ref.value ipv4-addr ipv6-addr domain-name:value domain-name:resolves_to_refs url:value file:hashes.MD5 'SHA-1' 'SHA-224' " +
        "'SHA-256' 'SHA-384' 'SHA-512' email-addr:value email-message:from_ref.value email-message:to_refs file:name mutex:name AND";

    private static readonly ExportFormat[] Formats = [ExportFormat.Csv, ExportFormat.Text, ExportFormat.Stix2];

    /// <summary>Whether the CSV of an input that asks nothing else asks for <c>includeContext</c> (its event's columns).</summary>
    internal static bool IncludeContext(ReadOnlySpan<byte> input) => input.Length / 6 % 2 == 1;

    /// <summary>
    /// Renders and checks the exports of <paramref name="input"/>: <paramref name="root"/> is the input
    /// read by the oracle (null where it is no JSON), <paramref name="filtered"/> the filter's JSON
    /// answer where it was whole (null where it ended as an error).
    /// </summary>
    public static void Check(ReadOnlySpan<byte> input, JsonElement? root, byte[]? filtered, IReadOnlyList<string> forbidden)
    {
        using var judge = new Judge(input, root, filtered, forbidden);
        foreach (var format in Formats)
        {
            if (judge.Read(format) is { } export)
            {
                var (written, whole) = Render(input, export);
                judge.Check(format, written, whole);
            }
        }
    }

    /// <summary>What the exports of one input are held to: the requester's forbidden strings, the filtered JSON, the input's levels, the request it asks.</summary>
    internal sealed class Judge : IDisposable
    {
        private readonly JsonElement? _root;
        private readonly IReadOnlyList<string> _forbidden;
        private readonly OracleReleased? _released;
        private readonly RestSearchScope _scope;
        private readonly Requester _requester;
        private readonly MispRequest _request;

        public Judge(ReadOnlySpan<byte> input, JsonElement? root, byte[]? filtered, IReadOnlyList<string> forbidden)
        {
            // Its own copy: the judge may outlive the caller's document.
            _root = root?.Clone();
            _forbidden = forbidden;
            _released = filtered is null ? null : OracleReleased.Of(filtered);
            _scope = root is { } r && OracleJson.Values(r, "response").Any(response => OracleJson.Has(response, "Attribute")) ? RestSearchScope.Attribute : RestSearchScope.Event;
            _requester = FilterTarget.RequesterFor(input);
            Body = ExportParameters.Body(input, root);
            _request = ExportParameters.Request(Body, _scope);
            using var body = JsonDocument.Parse(Body.ToJsonString());
            Csv = OracleCsvRequest.Of(body.RootElement, _scope == RestSearchScope.Attribute);
        }

        /// <summary>The restSearch body that asked for the exports.</summary>
        public JsonObject Body { get; }

        /// <summary>The CSV asked, as MISP reads the body (no columns: the gateway refuses it).</summary>
        public OracleCsvRequest Csv { get; }

        /// <summary>
        /// The export of <paramref name="format"/> as the gateway reads the request (<c>ExportRequest.Read</c>); null
        /// where it refuses it, which it must exactly where the oracle does.
        /// </summary>
        public ExportRequest? Read(ExportFormat format)
        {
            var (export, problem) = ExportRequest.Read(_request, format);
            var refused = format == ExportFormat.Csv && Csv.Columns is null;
            if ((export is null) != refused)
            {
                throw new FuzzFinding(export is null
                    ? $"the gateway refused the {format} export of {Body.ToJsonString()}, which MISP serves and the gateway's rules do not refuse: {problem}"
                    : $"the gateway serves the {format} export of {Body.ToJsonString()}, which its rules refuse");
            }

            if (export is not null && format == ExportFormat.Csv && (!export.Columns.SequenceEqual(Csv.Columns!) || export.Headerless != Csv.Headerless))
            {
                throw new FuzzFinding($"the gateway reads the CSV of {Body.ToJsonString()} as columns {string.Join(',', export.Columns)}{(export.Headerless ? ", headerless" : string.Empty)}, MISP as {string.Join(',', Csv.Columns!)}{(Csv.Headerless ? ", headerless" : string.Empty)}");
            }

            return export;
        }

        /// <summary>The export of <paramref name="format"/> asked of this input (one the gateway serves).</summary>
        public ExportRequest Request(ExportFormat format) => Read(format) ?? throw new InvalidOperationException("the gateway refuses this input's " + format + " export");

    /// <summary>Holds one export (<paramref name="whole"/>: it was ended as the gateway ends an export it finished) to the rules.</summary>
        public void Check(ExportFormat format, byte[] written, bool whole)
        {
            var text = Encoding.UTF8.GetString(written);

            // The columns' names are the client's own words, written back in the header.
            var asked = format == ExportFormat.Csv ? string.Join('\n', Csv.Columns ?? []) : string.Empty;
            foreach (var secret in _forbidden)
            {
                if (text.Contains(secret, StringComparison.OrdinalIgnoreCase) && !Vocabulary.Contains(secret, StringComparison.OrdinalIgnoreCase) && !asked.Contains(secret, StringComparison.OrdinalIgnoreCase))
                {
                    throw new FuzzFinding($"the {format} export wrote {secret}, which the requester may not receive");
                }
            }

            if (!whole)
            {
                return;
            }

            if (_released is null)
            {
                throw new FuzzFinding($"the {format} export is whole where the JSON answer ended as an error");
            }

            if (!Utf8.IsValid(written))
            {
                throw new FuzzFinding($"the {format} export is not UTF-8");
            }

            switch (format)
            {
                case ExportFormat.Csv:
                    OracleCsv.Check(text, Csv, _released);
                    break;
                case ExportFormat.Text:
                    OracleText.Check(text, _released);
                    break;
                default:
                    var forwarder = FilterTarget.Community.Forwarder;
                    OracleStix.Check(written, _released, OracleLevels.Of(_root!.Value, FilterTarget.Community.DefaultTlp), _requester, forwarder.Name, forwarder.Uuid);
                    NamesNothingForbidden(written, _forbidden);
                    break;
            }
        }

        public void Dispose() => _released?.Dispose();
    }

    /// <summary>The export of <paramref name="export"/>'s format, as the gateway writes it behind the filter (<c>ExportResponse</c>), and whether it was whole.</summary>
    internal static (byte[] Written, bool Whole) Render(ReadOnlySpan<byte> input, ExportRequest export)
    {
        var output = new ArrayBufferWriter<byte>();
        ExportWriter? writer = null;
        var (_, whole) = FilterTarget.Filter(input, context =>
        {
            writer = ExportResponse.Writer(export, context, output, TimeProvider.System);
            writer.Begin();
            return writer;
        });
        if (whole)
        {
            writer!.End();
        }

        return (output.WrittenSpan.ToArray(), whole);
    }

    // The bundle's strings decoded: a source's name the JSON writer escapes is still its name.
    private static void NamesNothingForbidden(byte[] bundle, IReadOnlyList<string> forbidden)
    {
        using var document = JsonDocument.Parse(bundle);
        var strings = new StringBuilder();
        Strings(document.RootElement, strings);
        var text = strings.ToString();
        foreach (var secret in forbidden.Where(s => text.Contains(s, StringComparison.OrdinalIgnoreCase) && !Vocabulary.Contains(s, StringComparison.OrdinalIgnoreCase)))
        {
            throw new FuzzFinding("the stix2 export names " + secret + ", which the requester may not receive");
        }
    }

    private static void Strings(JsonElement value, StringBuilder strings)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                strings.Append(OracleJson.Text(value)).Append('\n');
                break;
            case JsonValueKind.Array:
                foreach (var element in value.EnumerateArray())
                {
                    Strings(element, strings);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    Strings(property.Value, strings);
                }

                break;
        }
    }
}
