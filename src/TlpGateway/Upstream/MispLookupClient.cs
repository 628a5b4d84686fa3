using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Metrics;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace TlpGateway.Upstream;

/// <summary>MISP could not answer a look-up the gateway needs to decide: the request is refused with 503.</summary>
internal sealed class MispUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A look-up answer: MISP's status and body.</summary>
internal readonly record struct MispLookupResponse(HttpStatusCode StatusCode, byte[] Body);

/// <summary>The gateway's own reads from MISP, made with the requester's key, through one resilience handler.</summary>
internal interface IMispLookupClient
{
    /// <summary>GETs <paramref name="pathAndQuery"/> as the holder of <paramref name="apiKey"/>.</summary>
    /// <exception cref="MispUnavailableException">MISP is unreachable, too slow, answers 5xx, or the circuit is open.</exception>
    Task<MispLookupResponse> GetAsync(string pathAndQuery, string apiKey, CancellationToken cancellationToken);

    /// <summary>POSTs the JSON <paramref name="body"/> to a search (<c>/events/restSearch</c>: it changes nothing) as the holder of <paramref name="apiKey"/>.</summary>
    /// <exception cref="MispUnavailableException">MISP is unreachable, too slow, answers 5xx, or the circuit is open.</exception>
    Task<MispLookupResponse> SearchAsync(string path, byte[] body, string apiKey, CancellationToken cancellationToken);
}

/// <remarks>
/// Retry, circuit breaker and the timeout per attempt are the named client's resilience handler
/// (<see cref="MispLookupExtensions"/>); this class turns what they give up on into
/// <see cref="MispUnavailableException"/> and bounds the answer it reads.
/// </remarks>
internal sealed class MispLookupClient : IMispLookupClient
{
    public const string HttpClientName = "misp-lookup";

    /// <summary>The same MISP without the resilience handler, for the readiness probe.</summary>
    public const string ProbeClientName = "misp-probe";

    private readonly HttpClient _client;
    private readonly long _maxResponseBytes;

    public MispLookupClient(IHttpClientFactory clientFactory, IOptions<MispLookupOptions> options)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        ArgumentNullException.ThrowIfNull(options);
        _client = clientFactory.CreateClient(HttpClientName);
        _maxResponseBytes = options.Value.MaxResponseBytes;
    }

    /// <summary>
    /// The address of <paramref name="pathAndQuery"/> (<c>/users/view/me.json</c>) under MISP's base URL, its path
    /// included, as YARP forwards requests: HttpClient resolves <c>/users/...</c> against <c>https://host/misp</c> as
    /// <c>https://host/users/...</c>, another application's answer (or another MISP's) to the gateway's own questions.
    /// </summary>
    public static Uri UriFor(Uri? baseAddress, string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var relative = "." + (pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery);
        if (baseAddress is null)
        {
            return new Uri(relative, UriKind.Relative);
        }

        var root = baseAddress.AbsolutePath.EndsWith('/') ? baseAddress : new Uri(baseAddress.GetLeftPart(UriPartial.Path) + "/");
        return new Uri(root, relative);
    }

    public async Task<MispLookupResponse> GetAsync(string pathAndQuery, string apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        using var request = new HttpRequestMessage(HttpMethod.Get, UriFor(_client.BaseAddress, pathAndQuery));
        return await SendAsync(request, apiKey, cancellationToken);
    }

    public async Task<MispLookupResponse> SearchAsync(string path, byte[] body, string apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, UriFor(_client.BaseAddress, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await SendAsync(request, apiKey, cancellationToken);
    }

    private async Task<MispLookupResponse> SendAsync(HttpRequestMessage request, string apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        request.Headers.TryAddWithoutValidation("Authorization", apiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        // The standard http.client.* metrics tell look-ups apart from the requests the proxy forwards.
        HttpMetricsEnrichmentContext.AddCallback(request, static context => context.AddCustomTag("tlpgateway.client", "lookup"));
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            throw new MispUnavailableException("MISP keeps failing; look-ups are paused.", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new MispUnavailableException("MISP did not answer the look-up in time.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new MispUnavailableException("MISP is unreachable.", ex);
        }

        using (response)
        {
            if ((int)response.StatusCode >= 500)
            {
                throw new MispUnavailableException($"MISP answered the look-up with {(int)response.StatusCode}.");
            }

            try
            {
                return new MispLookupResponse(response.StatusCode, await ReadBoundedAsync(response.Content, _maxResponseBytes, cancellationToken));
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw new MispUnavailableException("MISP's look-up answer broke off.", ex);
            }
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new MispUnavailableException($"MISP's look-up answer exceeds {maxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
