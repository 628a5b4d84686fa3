using System.Net;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Requests;

/// <summary>The request's identity as MISP would read it: keys in the path or in a second header, method overrides, forwarded addresses, a key MISP refuses.</summary>
public sealed partial class RequestModelTests
{
    [Theory]
    [InlineData("/events/view/4/apikey:orgduserorgduserorgduserorgduserorgduser")]
    [InlineData("/events/view/4/APIKEY%3Aorgduserorgduserorgduserorgduserorgduser")]
    public async Task ApiKeyInThePath_Refused403NothingForwardedKeyNeverAudited(string path)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Received("/events/view"));
        var audit = await AuditAsync("apikey-in-path");
        Assert.Contains("apikey-in-path", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(SimulatorKeys.OrgD, audit, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X_MISP_AUTH")]
    [InlineData("x-misp_auth")]
    [InlineData("X.MISP.AUTH")]
    [InlineData("x-misp.auth")]
    public async Task SecondKeyInAnUnderscoredHeader_Refused403(string header)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/view/4");
        request.Headers.TryAddWithoutValidation(header, SimulatorKeys.Admin);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Received("/events/view"));
    }

    [Fact]
    public async Task SameKeyInAnUnderscoredHeader_ForwardedOnlyInAuthorization()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/view/4");
        request.Headers.TryAddWithoutValidation("X_MISP_AUTH", SimulatorKeys.OrgC);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Received("/events/view")!;
        Assert.Equal(SimulatorKeys.OrgC, received.Header("Authorization"));
        Assert.DoesNotContain(received.Headers, h => h.Key.Replace('-', '_').Equals("X_MISP_AUTH", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("X_HTTP_METHOD_OVERRIDE")]
    [InlineData("x-http-method_override")]
    [InlineData("X-HTTP-Method.Override")]
    public async Task MethodOverrideInAnySpelling_Refused403(string header)
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events/restSearch") { Content = Json("{}") };
        request.Headers.TryAddWithoutValidation(header, "DELETE");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Received("/events/"));
    }

    [Fact]
    public async Task KeyRefusedByMispOnAProxiedRequest_CachedIdentityDroppedAtOnce()
    {
        using var client = _servers.CreateClient(SimulatorKeys.OrgC);
        using (await client.GetAsync("/events/view/4"))
        {
        }

        var lookups = _servers.Simulator.CountRequests("/users/view/me");
        _servers.Simulator.Faults.Override = r => r.PathAndQuery.StartsWith("/events/view", StringComparison.Ordinal)
            ? new RawResponse(403, "application/json", """{"name":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","message":"Authentication failed.","url":"\/events\/view\/4"}"""u8.ToArray())
            : null;
        using (await client.GetAsync("/events/view/4"))
        {
        }

        _servers.Simulator.Faults.Override = null;
        using var after = await client.GetAsync("/events/view/4");

        Assert.Equal(lookups + 1, _servers.Simulator.CountRequests("/users/view/me"));
    }

    [Theory]
    [InlineData("2130706434")]
    [InlineData("127.1")]
    [InlineData("0x7f.0.0.1")]
    public async Task ForwardedForInALegacyIpv4Form_FromATrustedProxy_Refused403(string forwardedFor)
    {
        await using var servers = await TestServers.StartAsync(settings => settings["Gateway:TrustedProxies:0"] = "127.0.0.9");
        using var client = servers.CreateClient(SimulatorKeys.OrgC, "127.0.0.9");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/view/4");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(servers.Simulator.Requests);
    }
}
