using System.Net;
using System.Text;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Admission;

/// <summary>SPEC section 1 through the real gateway, from different loopback source addresses.</summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private TestServers _servers = null!;

    public async Task InitializeAsync() => _servers = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task Request_FromUnregisteredAddress_Refused403AndNothingReachesMisp()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC, "127.0.0.9");

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not registered with the gateway", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_servers.Simulator.Requests);
    }

    [Fact]
    public async Task Request_RightKeyFromAnotherMembersNetwork_Refused403()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC, "127.0.0.2");

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => r.PathAndQuery.StartsWith("/events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Request_SpoofedForwardedForFromUntrustedPeer_Ignored()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC, "127.0.0.9");
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-For", "127.0.0.1");

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "127.0.0.1")]
    [InlineData("X-Forwarded-For", "127.0.0.9, 127.0.0.1")]
    public async Task Request_SpoofedForwardedForWhereAspNetCoreForwardedHeadersAreSwitchedOn_StillTheTcpPeer(string header, string value)
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true makes ASP.NET Core believe X-Forwarded-For from any peer.
        await using var servers = await TestServers.StartAsync(settings => settings["FORWARDEDHEADERS_ENABLED"] = "true");
        using var client = servers.CreateClient(SimulatorKeys.OrgC, "127.0.0.9");
        client.DefaultRequestHeaders.TryAddWithoutValidation(header, value);

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(servers.Simulator.Requests);
    }

    [Fact]
    public async Task Request_Ipv6Loopback_AdmittedForMemberThatRegisteredIt()
    {
        using var client = TestServers.CreateClient(_servers.GatewayIpv6Url, IPAddress.IPv6Loopback);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorKeys.OrgC);

        using var response = await client.GetAsync("/servers/getVersion");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_UnknownKey_Refused403()
    {
        using var client = _servers.CreateClient("0000000000000000000000000000000000000000");

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(_servers.Simulator.Requests, r => r.PathAndQuery.StartsWith("/events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Request_TwoDifferentKeys_Refused403()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-MISP-AUTH", SimulatorKeys.Admin);

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_servers.Simulator.Requests);
    }

    [Fact]
    public async Task Request_Admitted_MispSeesOnlyJudgedKeyAndNoCookieNorApikeyAndNoSetCookieComesBack()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", "CAKEPHP=admin-session");

        using var response = await client.GetAsync("/servers/getVersion?apikey=" + SimulatorKeys.Admin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        var forwarded = _servers.Simulator.Requests.Single(r => r.PathAndQuery.StartsWith("/servers/getVersion", StringComparison.Ordinal));
        Assert.Equal(SimulatorKeys.OrgC, forwarded.Header("Authorization"));
        Assert.Null(forwarded.Header("Cookie"));
        Assert.Null(forwarded.Header("X-MISP-AUTH"));
        Assert.DoesNotContain("apikey", forwarded.PathAndQuery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Request_SameKeyTwice_IdentityAskedOfMispOnce()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        (await client.GetAsync("/servers/getVersion")).Dispose();
        (await client.GetAsync("/servers/getVersion")).Dispose();

        Assert.Equal(1, _servers.Simulator.CountRequests("/users/view/me"));
    }

    [Fact]
    public async Task Request_TermsNotAccepted_Refused403()
    {
        _servers.Simulator.AddUser("termstermstermstermstermstermstermsterms", "late@org-c.test", SimulatorOrgs.OrgC, "ORG_C", "3", termsAccepted: false);
        using var client = _servers.CreateClient("termstermstermstermstermstermstermsterms");

        using var response = await client.GetAsync("/events/view/4");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("terms", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MembersFile_EditedToRevoke_TakesEffectWithoutRestart()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/servers/getVersion")).StatusCode);

        var revoked = (await File.ReadAllTextAsync(_servers.MembersFile)).Replace("\"maxTlp\": \"amber\"\n    },", "\"maxTlp\": \"amber\",\n      \"revoked\": true\n    },", StringComparison.Ordinal);
        Assert.Contains("\"revoked\": true", revoked, StringComparison.Ordinal);
        await ReplaceAtomicallyAsync(_servers.MembersFile, revoked);

        var status = await PollAsync(client, "/servers/getVersion", HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task MembersFile_InvalidEdit_LastGoodRegistryStays()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        var original = await File.ReadAllTextAsync(_servers.MembersFile);

        // A typo that would silently widen a rule if accepted: the whole file is refused.
        await ReplaceAtomicallyAsync(_servers.MembersFile, original.Replace("\"maxTlp\": \"green\"", "\"maxTlp\": \"red\"", StringComparison.Ordinal).Replace("\"revoked\"", "\"revokd\"", StringComparison.Ordinal));
        var provider = _servers.GatewayServices.GetRequiredService<TlpGateway.Members.MembersRegistryProvider>();
        for (var i = 0; i < 100 && provider.LastError is null; i++)
        {
            await Task.Delay(100);
        }

        Assert.NotNull(provider.LastError);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/servers/getVersion")).StatusCode);
        using var orgD = _servers.CreateClient(SimulatorKeys.OrgD, "127.0.0.2");
        Assert.Equal(HttpStatusCode.NotFound, (await orgD.GetAsync("/events/view/8")).StatusCode);
    }

    private static async Task ReplaceAtomicallyAsync(string path, string content)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, content, Encoding.UTF8);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Asks until the answer is <paramref name="wanted"/> (the file is polled every 2 s), for 10 s at most.</summary>
    private static async Task<HttpStatusCode> PollAsync(HttpClient client, string path, HttpStatusCode wanted)
    {
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 100 && status != wanted; i++)
        {
            await Task.Delay(100);
            using var response = await client.GetAsync(path);
            status = response.StatusCode;
        }

        return status;
    }
}
