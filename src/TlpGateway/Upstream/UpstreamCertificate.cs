using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace TlpGateway.Upstream;

/// <summary>Trust for an https MISP whose certificate comes from a private CA (<c>Gateway:UpstreamCertificate</c>).</summary>
internal static class UpstreamCertificate
{
    /// <summary>Accepts what the system trusts, and otherwise a chain ending at a certificate of the PEM file.</summary>
    public static RemoteCertificateValidationCallback CreateValidator(string pemPath)
    {
        ArgumentNullException.ThrowIfNull(pemPath);
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(Path.GetFullPath(pemPath));
        return (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
    }

    /// <summary>The handler settings every connection to MISP uses: the gateway sees MISP's bytes as they are.</summary>
    public static void Configure(SocketsHttpHandler handler, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        handler.AutomaticDecompression = System.Net.DecompressionMethods.None;
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
        if (options.UpstreamCertificate is { } pemPath)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = CreateValidator(pemPath);
        }
    }
}
