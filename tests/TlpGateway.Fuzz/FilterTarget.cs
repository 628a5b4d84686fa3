using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using TlpGateway.Admission;
using TlpGateway.Decision;
using TlpGateway.Filtering;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Fuzz;

/// <summary>
/// One fuzzing input: its bytes are MISP's answer to a <c>restSearch</c>, filtered for one of three
/// requesters the input's length chooses (<see cref="Requesters"/>): a third party with <c>maxTlp</c>
/// green (every source hidden, every amber or red item withheld), a member with <c>maxTlp</c> amber
/// (sources hidden under CHR), a member's MISP server with amber+strict (never red). Throws
/// <see cref="FuzzFinding"/> when the filter broke a rule the oracle can check from the input alone.
/// </summary>
/// <remarks>
/// The oracle reads the input with <see cref="JsonDocument"/> (strict, as MISP writes JSON) and holds
/// the filter to four rules:
/// <list type="number">
/// <item>an input <see cref="JsonDocument"/> refuses is never answered whole;</item>
/// <item>a whole answer is JSON;</item>
/// <item>what was written (whole or not) names no item the requester may not receive and no hidden
/// source (<see cref="Oracle"/>): their UUIDs (and sources' names) do not appear in it, a source's short name
/// (<c>BSI</c>) not as a whole string value (<see cref="OracleValues"/>). What the input also holds in text the
/// requester may receive (a comment, another item) is not checked;</item>
/// <item>a whole answer to a MISP server caps its events' distribution by their TLP (<see cref="OracleSync"/>).</item>
/// </list>
/// Then the input's <c>csv</c>, <c>text</c> and <c>stix2</c> exports are held to the JSON answer (<see cref="ExportTarget"/>).
/// Any exception but <see cref="FilterException"/> is a finding too: the gateway ends such an answer
/// as well, but it means the filter met an input it did not understand.
/// </remarks>
internal static class FilterTarget
{
    internal static readonly CommunitySettings Community = TestRequesters.Community("Fuzz");

    // An organisation no input names: the requester owns no event.
    private const string RequesterOrg = "f0f0f0f0-0000-4000-8000-00000000f0f0";

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = JsonTokenizer.MaxDepth, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    /// <summary>The requesters an input is filtered for, by its length.</summary>
    internal static readonly Requester[] Requesters =
    [
        Make(MemberRelation.ThirdParty, TlpLevel.Green, sync: false),
        Make(MemberRelation.Member, TlpLevel.Amber, sync: false),
        Make(MemberRelation.Member, TlpLevel.AmberStrict, sync: true),
    ];

    internal static Requester RequesterFor(ReadOnlySpan<byte> input) => Requesters[input.Length % Requesters.Length];

    private static Requester Make(MemberRelation relation, TlpLevel maxTlp, bool sync) =>
        TestRequesters.Make(Community, RequesterOrg, relation, maxTlp, sync, orgId: "9", email: "fuzz@example.test", member: ("fuzz", "Fuzz"));

    /// <summary>Filters one input and checks the answer; returns how many UUIDs the answer was checked not to name.</summary>
    public static int Run(ReadOnlySpan<byte> input)
    {
        var (output, whole) = Filter(input);
        var document = Parse(input);
        if (document is null && whole)
        {
            throw new FuzzFinding("the filter answered whole an input that is not JSON");
        }

        // An empty whole answer (the whitespace after the document aside) is a single record withheld: the gateway answers MISP's 404 for it.
        if (whole && output.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) >= 0)
        {
            JsonDocument answer;
            try
            {
                answer = JsonDocument.Parse(output, Strict);
            }
            catch (JsonException ex)
            {
                throw new FuzzFinding("the filter's whole answer is not JSON: " + ex.Message);
            }

            using (answer)
            {
                if (document is not null && RequesterFor(input).IsSyncIdentity)
                {
                    OracleSync.Check(document.RootElement, answer.RootElement, Community.DefaultTlp);
                }

                if (document is not null)
                {
                    OracleDefault.Check(document.RootElement, answer.RootElement);
                }
            }
        }

        if (document is null)
        {
            ExportTarget.Check(input, null, whole ? output : null, []);
            return 0;
        }

        using (document)
        {
            var written = Encoding.UTF8.GetString(output);
            var verdict = Oracle.Judge(document.RootElement, Community.DefaultTlp, RequesterFor(input));
            foreach (var uuid in verdict.Strings)
            {
                if (written.Contains(uuid, StringComparison.OrdinalIgnoreCase))
                {
                    throw new FuzzFinding("the filter wrote " + uuid + ", which the requester may not receive");
                }
            }

            OracleValues.Check(output, whole, verdict.Values);
            ExportTarget.Check(input, document.RootElement, whole ? output : null, verdict.Strings);
            return verdict.Strings.Count + verdict.Values.Count;
        }
    }

    /// <summary>The input as MISP writes JSON (UTF-8, which <see cref="JsonDocument"/> checks only when a string is read), or null.</summary>
    internal static JsonDocument? Parse(ReadOnlySpan<byte> input)
    {
        if (!Utf8.IsValid(input))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(input.ToArray(), Strict);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The filter over the input in chunks of a size the input chooses, as the gateway drives it; whether it finished.
    /// With <paramref name="sink"/> (an export writer made for the requester's context), the released records go to it, as the gateway hands them to an export.
    /// </summary>
    internal static (byte[] Output, bool Whole) Filter(ReadOnlySpan<byte> input, Func<FilterContext, IRecordSink>? sink = null)
    {
        var context = new FilterContext
        {
            Requester = RequesterFor(input),
            Community = Community,
            KnownEvents = new(StringComparer.OrdinalIgnoreCase),
            MaxCorrelationLookups = 25,

            // Asked to leave local tags out, the filter still counts their TLP (SPEC section 3): the oracle does not change.
            ExcludeLocalTags = input.Length / Requesters.Length % 2 == 1,
        };
        var chunk = 1 + (input.Length == 0 ? 0 : input[^1] * 17 % 4096);
        var output = new ArrayBufferWriter<byte>();
        using var filter = new MispResponseFilter(context, 1024 * 1024, _ => { }, sink?.Invoke(context)) { OutputSliceBytes = 97, LargeRecordBytes = 64 * 1024 };
        try
        {
            for (var offset = 0; offset < input.Length; offset += chunk)
            {
                filter.Write(input.Slice(offset, Math.Min(chunk, input.Length - offset)), output);
                Drive(filter, context, output);
            }

            filter.Complete(output);
            Drive(filter, context, output);
            return (output.WrittenSpan.ToArray(), true);
        }
        catch (FilterException)
        {
            return (output.WrittenSpan.ToArray(), false);
        }
    }

    // What a look-up of an event or item whose reference holds Oracle.ConfirmedMark answers: receivable, TLP:CLEAR, nothing removed, its source hidden.
    private static readonly EventAccess ConfirmedAccess = new(true, "cafecafe-0000-4000-8000-00000000cafe", null, true, []) { Tlp = TlpLevel.Clear, Timestamp = long.MaxValue };

    /// <summary>Does what the gateway does while the filter waits: room for a large record, look-ups (withheld, but for a reference holding <see cref="Oracle.ConfirmedMark"/>), slices sent.</summary>
    private static void Drive(MispResponseFilter filter, FilterContext context, ArrayBufferWriter<byte> output)
    {
        while (true)
        {
            if (filter.WantsRoom)
            {
                filter.GrantRoom(output);
            }
            else if (filter.PendingLookups is { } lookups)
            {
                foreach (var uuid in lookups)
                {
                    context.Learn(uuid, Oracle.Confirmed(uuid) ? ConfirmedAccess : EventAccess.Withheld);
                }

                filter.Resume(output);
            }
            else if (filter.OutputPending)
            {
                filter.ContinueOutput(output);
            }
            else
            {
                return;
            }
        }
    }
}
