using System.Net;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using TlpGateway.Admission;
using TlpGateway.Upstream;
using Xunit;

namespace TlpGateway.Tests.Admission;

public sealed class IdentityResolverTests : IDisposable
{
    private const string Me = """{"User":{"email":"a@org.test","termsaccepted":true},"Organisation":{"id":"3","uuid":"13C7E515-44C2-40DC-BC3E-0E7BCAF6D390"},"Role":{"perm_sync":false,"perm_site_admin":false}}""";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly IMispLookupClient _misp = Substitute.For<IMispLookupClient>();
    private readonly CountingCache _cache = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IdentityResolver _resolver;

    public IdentityResolverTests()
    {
        _misp.GetAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(new MispLookupResponse(HttpStatusCode.OK, Encoding.UTF8.GetBytes(Me)));
        _resolver = new IdentityResolver(
            _misp,
            _cache,
            Options.Create(new AdmissionOptions { IdentityCacheDuration = TimeSpan.FromMinutes(2) }),
            new AdmissionMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            _time,
            NullLogger<IdentityResolver>.Instance);
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task ResolveAsync_KeyResolvedBefore_AnsweredFromMemoryWithoutCacheOrMisp()
    {
        await _resolver.ResolveAsync("key-1", CancellationToken.None);
        var reads = _cache.Reads;
        _misp.ClearReceivedCalls();

        var (outcome, identity) = await _resolver.ResolveAsync("key-1", CancellationToken.None);

        Assert.Equal(IdentityOutcome.Resolved, outcome);
        Assert.Equal("13c7e515-44c2-40dc-bc3e-0e7bcaf6d390", identity!.OrgUuid);
        Assert.Equal(reads, _cache.Reads);
        await _misp.DidNotReceiveWithAnyArgs().GetAsync(default!, default!, default);
    }

    [Fact]
    public async Task ResolveAsync_AfterCacheDuration_AsksMispAgain()
    {
        await _resolver.ResolveAsync("key-1", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));

        await _resolver.ResolveAsync("key-1", CancellationToken.None);

        await _misp.Received(2).GetAsync("/users/view/me.json", "key-1", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ResolveAsync_SharedEntryOfAnotherReplica_RememberedOnlyUntilThatEntryExpires()
    {
        var other = new IdentityResolver(_misp, _cache, Options.Create(new AdmissionOptions()), new AdmissionMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), _time, NullLogger<IdentityResolver>.Instance);
        await other.ResolveAsync("key-1", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _resolver.ResolveAsync("key-1", CancellationToken.None);
        _misp.ClearReceivedCalls();
        _time.Advance(TimeSpan.FromMinutes(1));

        await _resolver.ResolveAsync("key-1", CancellationToken.None);

        await _misp.Received(1).GetAsync("/users/view/me.json", "key-1", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ForgetAsync_RememberedKey_NextRequestAsksMisp()
    {
        await _resolver.ResolveAsync("key-1", CancellationToken.None);

        await _resolver.ForgetAsync("key-1", CancellationToken.None);
        await _resolver.ResolveAsync("key-1", CancellationToken.None);

        await _misp.Received(2).GetAsync("/users/view/me.json", "key-1", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ResolveAsync_MoreKeysThanTheBound_RemembersAtMostTheBound()
    {
        for (var i = 0; i <= IdentityResolver.MaxRemembered; i++)
        {
            await _resolver.ResolveAsync("key-" + i, CancellationToken.None);
        }

        Assert.InRange(_resolver.RememberedCount, 1, IdentityResolver.MaxRemembered);
    }

    /// <summary>An in-memory distributed cache that counts its reads.</summary>
    private sealed class CountingCache : IDistributedCache
    {
        private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));

        public int Reads { get; private set; }

        public byte[]? Get(string key)
        {
            Reads++;
            return _inner.Get(key);
        }

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            Reads++;
            return _inner.GetAsync(key, token);
        }

        public void Refresh(string key) => _inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => _inner.RefreshAsync(key, token);

        public void Remove(string key) => _inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => _inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => _inner.Set(key, value, options);

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => _inner.SetAsync(key, value, options, token);
    }
}
