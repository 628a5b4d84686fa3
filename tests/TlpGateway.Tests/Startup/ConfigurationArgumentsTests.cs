using TlpGateway.Startup;

namespace TlpGateway.Tests.Startup;

public sealed class ConfigurationArgumentsTests
{
    [Theory]
    [InlineData("--urls", "http://127.0.0.1:5080", "--Gateway:Upstream=https://misp.example.org")]
    [InlineData("--Gateway:MembersFile", "members.json", "/Gateway:Audit:Path", "audit.jsonl")]
    [InlineData("Gateway:Redis=redis:6379", "--environment=Production")]
    [InlineData("--OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317", "--OTEL_SERVICE_NAME", "tlpgateway")]
    public void Problems_WhatAspNetCoreReads_None(params string[] arguments)
    {
        Assert.Empty(ConfigurationArguments.Problems(arguments));
    }

    [Theory]
    [InlineData("unknown option '--helpp'", "--helpp")]
    [InlineData("unknown option '--Gateway__Upstream'", "--Gateway__Upstream=https://misp.example.org")]
    [InlineData("unknown option '-v'", "-v")]
    [InlineData("unexpected argument 'members.json'", "members.json")]
    [InlineData("option '--Gateway:Upstream' has no value", "--Gateway:Upstream")]
    public void Problems_WhatAspNetCoreWouldIgnoreOrRefuse_NamedUsageError(string problem, params string[] arguments)
    {
        Assert.Contains(ConfigurationArguments.Problems(arguments), p => p.StartsWith(problem, StringComparison.Ordinal));
    }
}
