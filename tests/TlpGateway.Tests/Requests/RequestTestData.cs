using System.Collections.Frozen;
using System.Net;
using System.Text;
using TlpGateway.Admission;
using TlpGateway.Endpoints;
using TlpGateway.Members;
using TlpGateway.Requests;
using TlpGateway.Rules;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Requests;

/// <summary>Requests, requesters and a community for the request-side unit tests.</summary>
internal static class RequestTestData
{
    public const string OwnOrg = "13c7e515-44c2-40dc-bc3e-0e7bcaf6d390";

    public static readonly CommunitySettings Community = new("Test", new OrganisationRef("Hub", "00000000-0000-4000-8000-000000000001"), TlpLevel.Amber, ChathamHouseMode.Tagged, false);

    public static Requester Requester(bool sync = false, MemberRules? rules = null) => new()
    {
        Member = new MemberEntry
        {
            Id = "org-c",
            Name = "ORG_C",
            OrgUuid = OwnOrg,
            Networks = [IPNetwork.Parse("127.0.0.0/8")],
            Relation = MemberRelation.Member,
            MaxTlp = TlpLevel.Amber,
            RedRecipients = FrozenSet<string>.Empty,
            Rules = rules ?? MemberRules.None,
        },
        Community = Community,
        OrgUuid = OwnOrg,
        Email = "user@org-c.test",
        IsSyncIdentity = sync,
    };

    /// <summary>The model of a request as the middleware builds it; null when its route is not served.</summary>
    public static MispRequest? Model(string method, string rawPath, string? body = null, string contentType = "application/json", string? query = null)
    {
        var asked = HttpMethods.IsHead(method) ? HttpMethods.Get : method;
        var route = MispRoute.Parse(rawPath, asked) ?? throw new InvalidOperationException("unreadable path " + rawPath);
        if (EndpointCatalog.Find(route) is not { } endpoint)
        {
            return null;
        }

        var (parsed, problem) = MispBody.Parse(contentType, body is null ? null : Encoding.UTF8.GetBytes(body));
        if (problem is not null)
        {
            throw new InvalidOperationException(problem.Value.Message);
        }

        return new MispRequest
        {
            Route = route,
            Method = asked,
            HeadOnly = HttpMethods.IsHead(method),
            Body = parsed!,
            Endpoint = endpoint,
            Query = query is null ? [] : Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty))).ToList(),
        };
    }
}
