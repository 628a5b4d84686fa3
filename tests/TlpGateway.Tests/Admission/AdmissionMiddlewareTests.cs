using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using TlpGateway.Admission;
using TlpGateway.Audit;
using TlpGateway.Members;
using TlpGateway.Tlp;
using TlpGateway.Upstream;

namespace TlpGateway.Tests.Admission;

public sealed class AdmissionMiddlewareTests
{
    private const string OrgC = "13c7e515-44c2-40dc-bc3e-0e7bcaf6d390";
    private const string Key = "0123456789012345678901234567890123456789";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly IIdentityResolver _identities = Substitute.For<IIdentityResolver>();
    private readonly IAuditTrail _audit = Substitute.For<IAuditTrail>();
    private MemberEntry _member = Member();
    private bool _requireTerms;
    private IMemberStateOverlay _published = new NoMemberStateOverlay();
    private bool _nextCalled;

    public AdmissionMiddlewareTests()
    {
        _identities.ResolveAsync(Key, Arg.Any<CancellationToken>())
            .Returns((IdentityOutcome.Resolved, new MispIdentity("user@org-c.test", TermsAccepted: true, OrgC, "3", PermSync: false, PermSiteAdmin: false)));
    }

    [Fact]
    public async Task Invoke_RegisteredMemberFromItsNetwork_AdmitsAndForwardsOnlyJudgedKey()
    {
        var context = Context("198.51.100.7");
        context.Request.Headers["X-MISP-AUTH"] = Key;
        context.Request.Headers.Cookie = "CAKEPHP=session";
        context.Request.QueryString = new QueryString("?apikey=other&limit=5");

        await InvokeAsync(context);

        Assert.True(_nextCalled);
        var requester = context.Features.Get<RequesterFeature>()!.Requester;
        Assert.Equal("acme", requester.Member.Id);
        Assert.False(requester.IsSyncIdentity);
        Assert.Equal(Key, context.Request.Headers.Authorization.ToString());
        Assert.False(context.Request.Headers.ContainsKey("X-MISP-AUTH"));
        Assert.False(context.Request.Headers.ContainsKey("Cookie"));
        Assert.Equal("?limit=5", context.Request.QueryString.Value);
    }

    [Fact]
    public async Task Invoke_RegistryReloadedDuringAdmission_RequesterCarriesTheCommunityItsMemberCameFrom()
    {
        var context = Context("198.51.100.7");
        var reloaded = new CommunitySettings("Test", new OrganisationRef("Hub", "00000000-0000-4000-8000-000000000001"), TlpLevel.Red, ChathamHouseMode.Tagged, false);

        await InvokeAsync(context, reloadedCommunity: reloaded);

        // The rules after admission judge by one file: its member entry with its community, never one file's member and the other's defaultTlp.
        var requester = context.Features.Get<RequesterFeature>()!.Requester;
        Assert.Equal(TlpLevel.Amber, requester.Member.MaxTlp);
        Assert.Equal(TlpLevel.Amber, requester.Community.DefaultTlp);
        Assert.Equal(ChathamHouseMode.Always, requester.Community.ChathamHouse);
    }

    [Fact]
    public async Task Invoke_AddressInNoMembersNetworks_Refused403WithoutAskingMisp()
    {
        var context = Context("203.0.113.1");

        await InvokeAsync(context);

        await AssertRefusedAsync(context, 403, "address-not-allowed");
        await _identities.DidNotReceiveWithAnyArgs().ResolveAsync(default!, default);
    }

    [Theory]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("X-HTTP-Method")]
    [InlineData("X-Method-Override")]
    public async Task Invoke_MethodOverrideHeader_Refused403(string header)
    {
        var context = Context("198.51.100.7");
        context.Request.Headers[header] = "DELETE";

        await InvokeAsync(context);

        await AssertRefusedAsync(context, 403, "method-override");
    }

    [Fact]
    public async Task Invoke_NoKey_Refused403()
    {
        var context = Context("198.51.100.7", key: null);

        await InvokeAsync(context);

        await AssertRefusedAsync(context, 403, "no-key");
    }

    [Fact]
    public async Task Invoke_KeyRejectedByMisp_Refused403()
    {
        _identities.ResolveAsync(Key, Arg.Any<CancellationToken>()).Returns((IdentityOutcome.Rejected, (MispIdentity?)null));
        var context = Context("198.51.100.7");

        await InvokeAsync(context);

        await AssertRefusedAsync(context, 403, "key-rejected");
    }

    [Fact]
    public async Task Invoke_MispUnavailable_Refused503()
    {
        _identities.ResolveAsync(Key, Arg.Any<CancellationToken>()).ThrowsAsync(new MispUnavailableException("down"));
        var context = Context("198.51.100.7");

        await InvokeAsync(context);

        await AssertRefusedAsync(context, 503, "identity-unavailable");
    }

    [Fact]
    public async Task Invoke_OrganisationNotRegistered_Refused403()
    {
        _identities.ResolveAsync(Key, Arg.Any<CancellationToken>())
            .Returns((IdentityOutcome.Resolved, new MispIdentity("x@y", true, "9b9b9b9b-0000-4000-8000-000000000000", "9", false, false)));
        var context = Context("198.51.100.7");

        await InvokeAsync(context);

        var body = await AssertRefusedAsync(context, 403, "organisation-not-registered");
        Assert.Contains("not registered with the gateway", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_RightKeyFromAnotherMembersNetwork_Refused403()
    {
        var context = Context("192.0.2.10");

        await InvokeAsync(context);

        await AssertRefusedAsync(context, 403, "address-not-member-network");
    }

    [Fact]
    public async Task Invoke_TermsNotAcceptedWhereRequired_Refused403()
    {
        _requireTerms = true;
        _identities.ResolveAsync(Key, Arg.Any<CancellationToken>())
            .Returns((IdentityOutcome.Resolved, new MispIdentity("user@org-c.test", TermsAccepted: false, OrgC, "3", false, false)));
        var context = Context("198.51.100.7");

        await InvokeAsync(context);

        await AssertRefusedAsync(context, 403, "terms-not-accepted");
    }

    [Fact]
    public async Task Invoke_SuspendedUntilFuture_Refused403()
    {
        _member = _member with { SuspendedUntil = _time.GetUtcNow().AddHours(1) };
        var context = Context("198.51.100.7");

        await InvokeAsync(context);

        await AssertRefusedAsync(context, 403, "suspended");
    }

    [Fact]
    public async Task Invoke_SuspendedUntilPast_Admitted()
    {
        _member = _member with { SuspendedUntil = _time.GetUtcNow().AddSeconds(-1) };
        var context = Context("198.51.100.7");

        await InvokeAsync(context);

        Assert.True(_nextCalled);
    }

    [Fact]
    public async Task Invoke_RevocationPublishedButFileNotYetReloaded_Refused403()
    {
        var overlay = Substitute.For<IMemberStateOverlay>();
        overlay.Apply(Arg.Any<MemberEntry>()).Returns(call => PublishedMemberStates.Restrict(call.Arg<MemberEntry>(), new PublishedMemberState(true, null)));
        _published = overlay;
        var context = Context("198.51.100.7");

        await InvokeAsync(context);

        await AssertRefusedAsync(context, 403, "revoked");
    }

    [Fact]
    public void Restrict_PublishedState_NeverGrantsMoreThanFile()
    {
        var file = _member with { Revoked = true, SuspendedUntil = _time.GetUtcNow().AddDays(2) };

        var restricted = PublishedMemberStates.Restrict(file, new PublishedMemberState(false, _time.GetUtcNow().AddHours(1)));

        Assert.True(restricted.Revoked);
        Assert.Equal(file.SuspendedUntil, restricted.SuspendedUntil);
        Assert.Equal(_time.GetUtcNow().AddHours(3), PublishedMemberStates.Restrict(_member, new PublishedMemberState(false, _time.GetUtcNow().AddHours(3))).SuspendedUntil);
    }

    [Fact]
    public async Task Invoke_Revoked_Refused403()
    {
        _member = _member with { Revoked = true };
        var context = Context("198.51.100.7");

        await InvokeAsync(context);

        await AssertRefusedAsync(context, 403, "revoked");
    }

    [Fact]
    public async Task Invoke_Ipv4MappedPeerInMemberNetwork_Admitted()
    {
        var context = Context("::ffff:198.51.100.7");

        await InvokeAsync(context);

        Assert.True(_nextCalled);
    }

    [Fact]
    public async Task Invoke_RateLimitExhausted_Refused429WithRetryAfter()
    {
        var limiter = new MemberRateLimiter(Options.Create(new AdmissionOptions { RateLimitPermits = 1, RateLimitWindow = TimeSpan.FromMinutes(1) }));
        await InvokeAsync(Context("198.51.100.7"), limiter);
        _nextCalled = false;
        var context = Context("198.51.100.7");

        await InvokeAsync(context, limiter);

        await AssertRefusedAsync(context, 429, "rate-limited");
        Assert.True(int.Parse(context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    private static MemberEntry Member() => new()
    {
        Id = "acme",
        Name = "ACME",
        OrgUuid = OrgC,
        Networks = [IPNetwork.Parse("198.51.100.0/24")],
        Relation = MemberRelation.Member,
        MaxTlp = TlpLevel.Amber,
        RedRecipients = FrozenSet<string>.Empty,
    };

    private static DefaultHttpContext Context(string peer, string? key = Key)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Method = "GET";
        context.Request.Path = "/events/view/4";
        if (key is not null)
        {
            context.Request.Headers.Authorization = key;
        }

        context.Response.Body = new MemoryStream();
        return context;
    }

    private async Task InvokeAsync(HttpContext context, MemberRateLimiter? limiter = null, CommunitySettings? reloadedCommunity = null)
    {
        var other = new MemberEntry
        {
            Id = "other",
            Name = "Other",
            OrgUuid = "5c7e4b3c-0a1b-4c2d-8e3f-123456789abc",
            Networks = [IPNetwork.Parse("192.0.2.0/24")],
            Relation = MemberRelation.Member,
            MaxTlp = TlpLevel.Green,
        };
        var registry = new MembersRegistry(
            new CommunitySettings("Test", new OrganisationRef("Hub", "00000000-0000-4000-8000-000000000001"), TlpLevel.Amber, ChathamHouseMode.Always, _requireTerms),
            [_member, other]);
        var provider = Substitute.For<IMembersRegistryProvider>();
        // A reload after admission read the registry: later reads of Current give the new file.
        provider.Current.Returns(registry, reloadedCommunity is null ? registry : new MembersRegistry(reloadedCommunity, [_member with { MaxTlp = TlpLevel.Clear }, other]));
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var middleware = new AdmissionMiddleware(
            _ => { _nextCalled = true; return Task.CompletedTask; },
            provider,
            new ClientAddressResolver(Options.Create(new GatewayOptions())),
            _identities,
            _audit,
            new AdmissionMetrics(meters.GetRequiredService<IMeterFactory>()),
            _time,
            limiter ?? new MemberRateLimiter(Options.Create(new AdmissionOptions())),
            _published,
            NullLogger<AdmissionMiddleware>.Instance);
        await middleware.InvokeAsync(context);
    }

    private async Task<string> AssertRefusedAsync(HttpContext context, int status, string reason)
    {
        Assert.False(_nextCalled);
        Assert.Equal(status, context.Response.StatusCode);
        _audit.Received(1).Write(Arg.Is<AuditRecord>(r => r.Reason == reason && r.Action == "refused"));
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        using var json = JsonDocument.Parse(body);
        Assert.Equal("/events/view/4", json.RootElement.GetProperty("url").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("message").GetString()));
        Assert.DoesNotContain(Key, body, StringComparison.Ordinal);
        return body;
    }
}
