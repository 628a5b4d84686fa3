using System.Text;
using TlpGateway.Admission;
using TlpGateway.Endpoints;
using TlpGateway.Fuzz;
using TlpGateway.Members;
using TlpGateway.Requests;
using TlpGateway.Rules;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Requests;

/// <summary>Requests, requesters and a community for the request-side unit tests.</summary>
internal static class RequestTestData
{
    public const string OwnOrg = "13c7e515-44c2-40dc-bc3e-0e7bcaf6d390";

    public static readonly CommunitySettings Community = TestRequesters.Community("Test");

    public static Requester Requester(bool sync = false, MemberRules? rules = null) =>
        TestRequesters.Make(Community, OwnOrg, MemberRelation.Member, TlpLevel.Amber, sync, email: "user@org-c.test", member: ("org-c", "ORG_C"), rules: rules);

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
