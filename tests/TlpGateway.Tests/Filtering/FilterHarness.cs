using System.Buffers;
using TlpGateway.Decision;
using TlpGateway.Admission;
using TlpGateway.Filtering;
using TlpGateway.Fuzz;
using TlpGateway.Members;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Filtering;

/// <summary>Runs <see cref="MispResponseFilter"/> over bytes, in chunks, for a requester built from a few parameters.</summary>
internal static class FilterHarness
{
    public const string OrgA = "be0cad1c-0c3b-4735-b85f-668fe79082ef";
    public const string OrgB = "699a69b5-3603-4906-bb08-7be821f84189";
    public const string OrgC = "13c7e515-44c2-40dc-bc3e-0e7bcaf6d390";
    public const string OrgD = "d03551b8-8496-4bd2-b178-72fb134e2520";

    public static readonly CommunitySettings Community = TestRequesters.Community("Test");

    public static Requester Requester(
        string orgUuid = OrgD,
        TlpLevel maxTlp = TlpLevel.Amber,
        MemberRelation relation = MemberRelation.Member,
        bool sync = false,
        string email = "user@example.test",
        string orgId = "4",
        params string[] redRecipients) =>
        TestRequesters.Make(Community, orgUuid, relation, maxTlp, sync, orgId, email, redRecipients: redRecipients);

    /// <summary>The same requester with its member entry changed (rules, forwardAs...).</summary>
    public static Requester WithMember(Requester requester, Func<MemberEntry, MemberEntry> change) => new()
    {
        Member = change(requester.Member),
        Community = requester.Community,
        OrgUuid = requester.OrgUuid,
        OrgId = requester.OrgId,
        Email = requester.Email,
        IsSyncIdentity = requester.IsSyncIdentity,
    };

    /// <summary>An event access confirmed as of any version an answer names (look-ups are keyed by UUID and timestamp).</summary>
    public const long LatestVersion = long.MaxValue;

    public static FilterContext Context(Requester requester, bool excludeLocalTags = false, bool stripInherited = false, bool minimal = false, CommunitySettings? community = null, bool lookups = false, int maxCorrelationLookups = 25, bool selectsBySource = false, bool metadataOnly = false, bool flatSightings = false, TlpGateway.Paging.ReleasePage? page = null) => new()
    {
        Page = page,
        MetadataOnly = metadataOnly,
        FlatSightings = flatSightings,
        SelectsBySource = selectsBySource,
        KnownEvents = lookups ? new(StringComparer.OrdinalIgnoreCase) : null,
        MaxCorrelationLookups = maxCorrelationLookups,
        Requester = requester,
        Community = community ?? Community,
        ExcludeLocalTags = excludeLocalTags,
        StripInheritedTags = stripInherited,
        MinimalIndex = minimal,
    };

    /// <summary>Filters <paramref name="input"/> fed in chunks of <paramref name="chunk"/> bytes; returns the output and the outcomes.</summary>
    /// <param name="lookup">Answers the filter's look-ups of events (as the gateway's look-up through MISP would).</param>
    /// <param name="outputSlice">Released units are written in slices of this many bytes, as the gateway sends large ones.</param>
    public static (byte[] Output, List<UnitOutcome> Outcomes, bool SingleWithheld) Run(byte[] input, FilterContext context, int chunk = 4096, int maxEventBytes = 16 * 1024 * 1024, Func<string, EventAccess>? lookup = null, int outputSlice = int.MaxValue)
    {
        var outcomes = new List<UnitOutcome>();
        var filter = new MispResponseFilter(context, maxEventBytes, outcomes.Add) { OutputSliceBytes = outputSlice };
        var output = new ArrayBufferWriter<byte>();
        void Resolve()
        {
            while (filter.PendingLookups is not null || filter.OutputPending)
            {
                if (filter.OutputPending)
                {
                    filter.ContinueOutput(output);
                    continue;
                }

                foreach (var uuid in filter.PendingLookups!)
                {
                    context.Learn(uuid, lookup!(uuid));
                }

                filter.Resume(output);
            }
        }

        for (var offset = 0; offset < input.Length; offset += chunk)
        {
            filter.Write(input.AsSpan(offset, Math.Min(chunk, input.Length - offset)), output);
            Resolve();
        }

        filter.Complete(output);
        Resolve();
        return (output.WrittenSpan.ToArray(), outcomes, filter.SingleRecordWithheld is not null);
    }

    /// <summary>Whether the endpoint a capture was answered by answers no MISP data (its path in captures-index.jsonl), as the gateway then filters it.</summary>
    public static bool CaptureAnswersMetadata(string name)
    {
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", "captures-index.jsonl")))
        {
            var entry = System.Text.Json.JsonDocument.Parse(line).RootElement;
            if (entry.GetProperty("file").GetString() == name)
            {
                var route = TlpGateway.Requests.MispRoute.Parse(entry.GetProperty("path").GetString()!, entry.GetProperty("method").GetString()!);
                return route is not null && TlpGateway.Endpoints.EndpointCatalog.Find(route)?.Answer == TlpGateway.Endpoints.AnswerKind.Metadata;
            }
        }

        return false;
    }

    public static byte[] Capture(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", name));

    public static byte[] Sample(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "misp-samples", name));
}
