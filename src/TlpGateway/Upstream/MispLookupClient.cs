using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace TlpGateway.Upstream;

/// <summary>MISP could not answer a look-up the gateway needs to decide: the request is refused with 503.</summary>
internal sealed class MispUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A look-up answer: MISP's status and body.</summary>
internal readonly record struct MispLookupResponse(HttpStatusCode StatusCode, byte[] Body);

/// <summary>The gateway's own GETs to MISP, made with the requester's key, through one resilience pipeline.</summary>
internal interface IMispLookupClient
{
    /// <summary>GETs <paramref name="pathAndQuery"/> as the holder of <paramref name="apiKey"/>.</summary>
    /// <exception cref="MispUnavailableException">MISP is unreachable, too slow, answers 5xx, or the circuit is open.</exception>
    Task<MispLookupResponse> GetAsync(string pathAndQuery, string apiKey, CancellationToken cancellationToken);
}

internal sealed class MispLookupClient : IMispLookupClient
{
    public const string HttpClientName = "misp-lookup";

    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly long _maxResponseBytes;

    public MispLookupClient(IHttpClientFactory clientFactory, IOptions<MispLookupOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        ArgumentNullException.ThrowIfNull(options);
        _client = clientFactory.CreateClient(HttpClientName);
        _maxResponseBytes = options.Value.MaxResponseBytes;
        _pipeline = BuildPipeline(options.Value, timeProvider);
    }

    public async Task<MispLookupResponse> GetAsync(string pathAndQuery, string apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        ArgumentNullException.ThrowIfNull(apiKey);
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, state.pathAndQuery);
                    request.Headers.TryAddWithoutValidation("Authorization", state.apiKey);
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    return await state.client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
                },
                (pathAndQuery, apiKey, client: _client),
                cancellationToken);
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

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(MispLookupOptions options, TimeProvider timeProvider)
    {
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(response => (int)response.StatusCode >= 500);

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = static args =>
                {
                    // A discarded 5xx answer still holds a connection.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = 5,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = options.BreakDuration,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }
}
