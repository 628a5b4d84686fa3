using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlpGateway.FunctionalTests.Infrastructure;

namespace TlpGateway.FunctionalTests.Health;

/// <summary>Kestrel serves TLS with the certificate configuration names (deploy/k8s does so), and the health probe asks it over HTTPS.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tlpgw-tls-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Kestrel_CertificateFromConfiguration_ServesHttpsAndTheProbeAsksIt()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=gateway.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(_directory.FullName, "tls.crt");
        var keyPath = Path.Combine(_directory.FullName, "tls.key");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        var port = TlpGateway.Tests.Shared.TestPorts.Free();

        await using var servers = await TestServers.StartAsync(gatewayBuilder: builder =>
        {
            builder.Configuration["Kestrel:Certificates:Default:Path"] = certificatePath;
            builder.Configuration["Kestrel:Certificates:Default:KeyPath"] = keyPath;
            builder.Configuration["urls"] = $"https://127.0.0.1:{port};http://[::1]:0";
        });
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
        using var output = new StringWriter();
        using var error = new StringWriter();

        using var response = await client.GetAsync("/healthz");
        var probe = await TlpGateway.Health.HealthEndpoints.ProbeAsync($"https://127.0.0.1:{port}/healthz", output, error);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, probe);
    }
}
