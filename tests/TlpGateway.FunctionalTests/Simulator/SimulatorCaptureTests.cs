using System.Net;
using MispSimulator;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Simulator;

/// <summary>The simulator answers byte for byte as the real MISP 2.5.1 did in the captures.</summary>
public sealed class SimulatorCaptureTests : IAsyncLifetime
{
    private WebApplication? _app;
    private Uri? _url;

    public async Task InitializeAsync()
    {
        _app = SimulatorApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await _app.StartAsync();
        _url = new Uri(_app.Urls.First());
    }

    public async Task DisposeAsync() => await _app!.DisposeAsync();

    [Theory]
    [InlineData(SimulatorKeys.OrgC, "misp-samples-capture/1.0 (python http.client)", "/events/view/4", "events_view_rich__orgC.json")]
    [InlineData(SimulatorKeys.Admin, "misp-samples-capture/1.0 (python http.client)", "/events/view/4", "events_view_rich__admin.json")]
    [InlineData(SimulatorKeys.OrgC, "misp-samples-capture/1.0 (python http.client)", "/events/view/4.json", "events_view_rich_dotjson__orgC.json")]
    [InlineData(SimulatorKeys.OrgC, "PyMISP 2.5.1 - Python 3.11", "/events/view/4", "events_view_rich_pymispUA__orgC.json")]
    [InlineData(SimulatorKeys.OrgC, "misp-samples-capture/1.0 (python http.client)", "/events/view/5", "events_view_objects_report__orgC.json")]
    [InlineData(SimulatorKeys.OrgC, "misp-samples-capture/1.0 (python http.client)", "/users/view/me", "users_view_me__orgC.json")]
    [InlineData(SimulatorKeys.SyncB, "misp-samples-capture/1.0 (python http.client)", "/users/view/me", "users_view_me__syncB.json")]
    [InlineData(SimulatorKeys.OrgC, "misp-samples-capture/1.0 (python http.client)", "/servers/getVersion", "servers_getVersion__orgC.json")]
    [InlineData(SimulatorKeys.SyncB, "misp-samples-capture/1.0 (python http.client)", "/servers/getVersion", "servers_getVersion__syncB.json")]
    [InlineData(SimulatorKeys.OrgC, "misp-samples-capture/1.0 (python http.client)", "/events/view/999999", "error_events_view_999999__orgC.json")]
    [InlineData(SimulatorKeys.OrgC, "misp-samples-capture/1.0 (python http.client)", "/Events/View/4", "events_view_rich__orgC.json")]
    [InlineData(SimulatorKeys.SyncB, "misp-samples-capture/1.0 (python http.client)", "/shadow_attributes/index/all:1.json", "shadow_attributes_index_all__syncB.json")]
    public async Task Get_CapturedRequest_AnswersCapturedBytes(string key, string userAgent, string path, string capture)
    {
        using var client = TestServers.CreateClient(_url!);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", key);
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");

        using var response = await client.SendAsync(request);

        var expected = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", capture));
        var actual = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
        Assert.Equal("application/json; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
    }

    [Theory]
    [InlineData(null, "error_nokey.json")]
    [InlineData("0000000000000000000000000000000000000000", "error_403_badkey.json")]
    public async Task Get_MissingOrUnknownKey_AnswersCaptured403(string? key, string capture)
    {
        using var client = TestServers.CreateClient(_url!);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/view/4");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", key);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var expected = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", capture));
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_ExistingAndMissingEvent_AnswersStatusWithEmptyHtml()
    {
        using var client = TestServers.CreateClient(_url!);
        foreach (var (path, status) in new[] { ("/events/view/1bfc1897-b375-497c-9f02-b164e32bc94a", HttpStatusCode.OK), ("/events/view/00000000-0000-4000-8000-000000000000", HttpStatusCode.NotFound) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, path);
            request.Headers.TryAddWithoutValidation("Authorization", SimulatorKeys.SyncB);
            using var response = await client.SendAsync(request);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("text/html; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal(0, response.Content.Headers.ContentLength);
        }
    }
}
