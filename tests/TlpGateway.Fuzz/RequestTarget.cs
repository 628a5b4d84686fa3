using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Curation;
using TlpGateway.Filtering;
using TlpGateway.Ingress;
using TlpGateway.Members;
using TlpGateway.Requests;
using TlpGateway.Tlp;
using TlpGateway.Upstream;

namespace TlpGateway.Fuzz;

/// <summary>What MISP would receive: the request as the gateway forwards it (the headers it lets through only).</summary>
internal sealed record ForwardedRequest(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The same request, byte for byte, as MISP would read it.</summary>
    public bool SameAs(ForwardedRequest other) =>
        Method == other.Method && Target == other.Target && Body.AsSpan().SequenceEqual(other.Body)
        && Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).SequenceEqual(other.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase));

    public override string ToString() =>
        $"{Method} {Target}\n{string.Join('\n', Headers.Select(h => h.Key + ": " + h.Value))}\n\n{System.Text.Encoding.UTF8.GetString(Body)}";
}

/// <summary>What the way in did with one request: refused it with <see cref="Status"/>, or forwarded <see cref="Forwarded"/>.</summary>
internal readonly record struct RequestOutcome(int Status, ForwardedRequest? Forwarded, string Answer, bool HeadOnly);

/// <summary>
/// The way in, fuzzed: one input is one HTTP request (<see cref="FuzzRequest"/>), read by the gateway's own request
/// model and ingress judge (<see cref="RequestModelMiddleware"/>, then <see cref="IngressMiddleware"/>, with a
/// <see cref="DefaultHttpContext"/>, in process) for one of three requesters, with <see cref="FuzzMisp"/> answering the
/// look-ups. Throws <see cref="FuzzFinding"/> when the outcome breaks a rule of <see cref="RequestOracle"/>:
/// <list type="number">
/// <item>every outcome is a refusal (a MISP-style error, 4xx) or a forwarded request; no exception escapes;</item>
/// <item>a forwarded request, read again for the same requester, is forwarded byte for byte as it is (a fixed point);</item>
/// <item>it holds only the names the gateway's model knows for its endpoint, in their canonical spelling;</item>
/// <item>and what SPEC says of the way in (a MISP server on sync endpoints only, an event written in the writer's
/// name and with a TLP level).</item>
/// </list>
/// </summary>
internal static class RequestTarget
{
    internal static readonly CommunitySettings Community = TestRequesters.Community("Fuzz");

    public const string MemberOrg = "a0a0a0a0-0000-4000-8000-0000000000a0";

    public const string ThirdOrg = "c0c0c0c0-0000-4000-8000-0000000000c0";

    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    private static readonly FrozenDictionary<FuzzRequester, Pipeline> Pipelines = Enum.GetValues<FuzzRequester>().ToFrozenDictionary(r => r, r => new Pipeline(RequesterOf(r)));

    public static Requester RequesterOf(FuzzRequester who)
    {
        var third = who == FuzzRequester.Third;
        return TestRequesters.Make(
            Community,
            third ? ThirdOrg : MemberOrg,
            third ? MemberRelation.ThirdParty : MemberRelation.Member,
            third ? TlpLevel.Green : TlpLevel.Amber,
            sync: who == FuzzRequester.Sync,
            orgId: third ? "3" : "2",
            email: "fuzz@example.test",
            member: third ? ("third", "Third") : ("member", "Member"),
            apiKey: "fuzz-" + who);
    }

    /// <summary>Reads one input and holds the outcome to the oracle; returns whether a request was forwarded.</summary>
    public static bool Run(ReadOnlySpan<byte> input)
    {
        if (FuzzRequest.Decode(input) is not { } request)
        {
            return false;
        }

        var outcome = Send(request);
        if (outcome.Forwarded is not { } forwarded)
        {
            RequestOracle.CheckRefusal(outcome);
            return false;
        }

        RequestOracle.Check(request.Requester, forwarded);
        CheckFixedPoint(request.Requester, forwarded);
        return true;
    }

    /// <summary>A forwarded request, read again by the gateway for the same requester, is forwarded as it is.</summary>
    public static void CheckFixedPoint(FuzzRequester requester, ForwardedRequest forwarded)
    {
        var again = Send(new FuzzRequest(requester, forwarded.Method, forwarded.Target, forwarded.Headers, forwarded.Body));
        if (again.Forwarded is not { } second)
        {
            throw new FuzzFinding($"the forwarded request, read again, is refused {again.Status} ({again.Answer}):\n{forwarded}");
        }

        if (!second.SameAs(forwarded))
        {
            throw new FuzzFinding($"the forwarded request, read again, is forwarded otherwise:\n{forwarded}\n-- then --\n{second}");
        }
    }

    /// <summary>The way in for one request: refused, or what MISP would receive.</summary>
    public static RequestOutcome Send(FuzzRequest request)
    {
        var context = new DefaultHttpContext();
        var http = context.Request;
        http.Method = request.Method;
        var query = request.Target.IndexOf('?', StringComparison.Ordinal);
        http.Path = PathString.FromUriComponent(query < 0 ? request.Target : request.Target[..query]);
        http.QueryString = query < 0 ? QueryString.Empty : new QueryString(request.Target[query..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = request.Target;
        foreach (var (name, value) in request.Headers)
        {
            http.Headers.Append(name, value);
        }

        http.Body = new MemoryStream(request.Body, writable: false);
        http.ContentLength = request.Body.Length;
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        var answer = new MemoryStream();
        context.Response.Body = answer;
        context.Features.Set(new RequesterFeature(Pipelines[request.Requester].Requester));

        ForwardedRequest? forwarded = null;
        Pipelines[request.Requester].Run(context, c =>
        {
            forwarded = Capture(c.Request);
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();
        return new RequestOutcome(context.Response.StatusCode, forwarded, System.Text.Encoding.UTF8.GetString(answer.ToArray()), HttpMethods.IsHead(request.Method));
    }

    /// <summary>The request as YARP would send it to MISP: its address (<see cref="MispRequestUri"/>), the headers MISP receives, the body.</summary>
    private static ForwardedRequest Capture(HttpRequest request)
    {
        var uri = MispRequestUri.For("http://misp.invalid/", request.Path, request.QueryString);
        using var body = new MemoryStream();
        request.Body.CopyTo(body);
        var headers = request.Headers.Where(h => ForwardedRequestHeaders.IsForwarded(h.Key) && !string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).ToList();
        if (request.ContentLength is { } length && length != body.Length)
        {
            throw new FuzzFinding($"the forwarded Content-Length {length} is not the body's length {body.Length}");
        }

        // Any header the gateway does not forward, and a body MISP would have to decode, must be gone already.
        if (request.Headers.ContainsKey("Content-Encoding") || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            throw new FuzzFinding("a forwarded body is still marked encoded: " + request.Headers.ContentEncoding);
        }

        // YARP sends a method it knows in its own spelling (RequestUtilities.GetHttpMethod: POSt is POST).
        var method = new[] { HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Head }.FirstOrDefault(m => string.Equals(m, request.Method, StringComparison.OrdinalIgnoreCase)) ?? request.Method;
        return new ForwardedRequest(method, uri.PathAndQuery, headers, body.ToArray());
    }

    /// <summary>The gateway's request model and way in for one requester, with <see cref="FuzzMisp"/> behind them.</summary>
    private sealed class Pipeline
    {
        private readonly TimeProvider _time = TimeProvider.System;
        private readonly FuzzMisp _misp;
        private readonly WriteTargetJudge _judge;
        private readonly SightingListJudge _sightingLists;

        public Pipeline(Requester requester)
        {
            Requester = requester;
            _misp = new FuzzMisp(requester.OrgUuid);
            var events = new EventAccessLookup(_misp, _misp, Options.Create(new FilterOptions()));
            _judge = new WriteTargetJudge(events, _misp);
            _sightingLists = new SightingListJudge(events);
        }

        public Requester Requester { get; }

        public Task Run(HttpContext context, RequestDelegate forward)
        {
            var ingress = new IngressMiddleware(forward, _judge, _sightingLists, Options.Create(new CurationOptions()), new IngressMetrics(Meters), NoAudit.Instance, _time);
            var model = new RequestModelMiddleware(ingress.InvokeAsync, Options.Create(new IngressOptions { MaxBodyBytes = 256 * 1024 }), new RequestMetrics(Meters), NoAudit.Instance, _time);
            return model.InvokeAsync(context);
        }
    }

    private sealed class NoAudit : IAuditTrail
    {
        public static readonly NoAudit Instance = new();

        public void Write(AuditRecord record)
        {
        }
    }
}
