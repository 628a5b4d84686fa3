using System.Net;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TlpGateway.Tests.Deploy;

/// <summary>The deployment files parsed and checked against each other: what one names, another provides.</summary>
public sealed partial class DeployConsistencyTests
{
    private static readonly string Root = FindRoot();
    private static readonly string DeployDirectory = Path.Combine(Root, "deploy");

    private static readonly YamlMappingNode Compose = Load(Path.Combine(DeployDirectory, "docker-compose.yml"));
    private static readonly YamlMappingNode Services = Map(Compose, "services");
    private static readonly string Nginx = File.ReadAllText(Path.Combine(DeployDirectory, "nginx.conf"));
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));

    [Fact]
    public void Compose_Gateways_TrustExactlyTheBalancersFixedAddress()
    {
        var subnet = IPNetwork.Parse(Text(Seq(Map(Map(Map(Compose, "networks"), "frontend"), "ipam"), "config")[0], "subnet"));
        var balancer = IPAddress.Parse(Text(Map(Map(Service("lb"), "networks"), "frontend"), "ipv4_address"));

        Assert.True(subnet.Contains(balancer));
        foreach (var gateway in Gateways())
        {
            Assert.Equal(balancer.ToString(), Environment(gateway)["Gateway__TrustedProxies__0"]);
        }
    }

    [Fact]
    public void Compose_Balancer_ServesTlsWithMountedCertificateAndReachesEveryGateway()
    {
        var published = Seq(Service("lb"), "ports").Select(p => ((YamlScalarNode)p).Value!).Single();
        var listen = ListenTls().Match(Nginx);
        var mounts = Seq(Service("lb"), "volumes").Select(v => ((YamlScalarNode)v).Value!.Split(':')).ToList();

        Assert.True(listen.Success, "nginx does not listen with ssl");
        Assert.Equal($"8443:{listen.Groups[1].Value}", published);
        foreach (Match file in CertificateFile().Matches(Nginx))
        {
            Assert.Contains(mounts, m => file.Groups[1].Value.StartsWith(m[1] + "/", StringComparison.Ordinal));
        }

        foreach (var gateway in Gateways())
        {
            var port = new Uri(Environment(gateway)["ASPNETCORE_URLS"].Replace("+", "localhost", StringComparison.Ordinal)).Port;
            Assert.Contains($"server {gateway}:{port};", Nginx, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compose_MembersFile_InAMountedFolderTheImageUserOwns()
    {
        foreach (var gateway in Gateways())
        {
            var membersFile = Environment(gateway)["Gateway__MembersFile"];
            var mount = Seq(Service(gateway), "volumes").Select(v => ((YamlScalarNode)v).Value!.Split(':')).Single(v => v[1] == Path.GetDirectoryName(membersFile));

            Assert.DoesNotContain("ro", mount.Skip(2));
            Assert.False(Path.HasExtension(mount[0]), $"{gateway} mounts a file, not a folder: {mount[0]}");
        }

        Assert.Contains("Gateway__MembersFile=/config/members.json", Dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"chown app:app /config", Dockerfile);
    }

    [Fact]
    public void Compose_ExampleMisp_HasTheDatabaseAndRedisItNames()
    {
        var misp = Environment("misp");
        var database = Environment(misp["MYSQL_HOST"]);
        var redis = Seq(Service(misp["REDIS_HOST"]), "command").Select(c => ((YamlScalarNode)c).Value).ToList();
        var mispNetworks = Networks("misp");

        Assert.Equal(misp["MYSQL_USER"], database["MYSQL_USER"]);
        Assert.Equal(misp["MYSQL_PASSWORD"], database["MYSQL_PASSWORD"]);
        Assert.Equal(misp["MYSQL_DATABASE"], database["MYSQL_DATABASE"]);
        Assert.Equal(misp["REDIS_PASSWORD"], redis[redis.IndexOf("--requirepass") + 1]);
        Assert.Contains(misp["MYSQL_HOST"], Seq(Service("misp"), "depends_on").Select(d => ((YamlScalarNode)d).Value));
        Assert.All(Gateways(), g =>
        {
            Assert.StartsWith("http://misp", Environment(g)["Gateway__Upstream"], StringComparison.Ordinal);
            Assert.NotEmpty(Networks(g).Intersect(mispNetworks));
        });
        Assert.False(Service("misp").Children.ContainsKey(new YamlScalarNode("ports")), "MISP must be reachable only through the gateways");
    }

    private static List<string> Networks(string service) => [.. Seq(Service(service), "networks").Select(n => ((YamlScalarNode)n).Value!)];

    [Fact]
    public void Kubernetes_Probes_HttpOnHealthEndpointsOfTheServedPort()
    {
        var container = Container();
        var port = Text(Seq(container, "ports")[0], "name");
        var scheme = new Uri(Env(container)["ASPNETCORE_URLS"].Replace("+", "localhost", StringComparison.Ordinal)).Scheme.ToUpperInvariant();

        foreach (var (probe, path) in new[] { ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz") })
        {
            var get = Map(Map(container, probe), "httpGet");
            Assert.Equal(path, Text(get, "path"));
            Assert.Equal(port, Text(get, "port"));
            Assert.Equal(scheme, Text(get, "scheme"));
        }

        Assert.True(IPNetwork.TryParse(Env(container)["Gateway__HealthNetworks__0"], out _), "the kubelet's address is not let through to the health endpoints");
        Assert.DoesNotContain("exec", Map(container, "livenessProbe").Children.Keys.Select(k => ((YamlScalarNode)k).Value));
    }

    [Fact]
    public void Kubernetes_ImageTag_PinnedAndTheSameAsCompose()
    {
        var image = Text(Container(), "image");

        Assert.DoesNotMatch(":latest$", image);
        Assert.Matches(@":\d+\.\d+\.\d+", image);
        Assert.All(Gateways(), g => Assert.Equal(image, Text(Service(g), "image")));
    }

    [Fact]
    public void Kubernetes_Tls_ServiceAndKestrelUseTheMountedSecret()
    {
        var container = Container();
        var env = Env(container);
        var mounts = Seq(container, "volumeMounts").Cast<YamlMappingNode>().ToDictionary(m => Text(m, "name"), m => Text(m, "mountPath"));
        var service = Load(Path.Combine(DeployDirectory, "k8s", "service.yaml"));
        var servicePort = (YamlMappingNode)Seq(Map(service, "spec"), "ports")[0];

        Assert.StartsWith("https://", env["ASPNETCORE_URLS"], StringComparison.Ordinal);
        Assert.StartsWith(mounts["tls"] + "/", env["Kestrel__Certificates__Default__Path"], StringComparison.Ordinal);
        Assert.StartsWith(mounts["tls"] + "/", env["Kestrel__Certificates__Default__KeyPath"], StringComparison.Ordinal);
        Assert.Equal("443", Text(servicePort, "port"));
        Assert.Equal(Text(Seq(container, "ports")[0], "name"), Text(servicePort, "targetPort"));
    }

    [Fact]
    public void Kubernetes_MembersConfigMap_MountedAsAFolderHoldingTheFile()
    {
        var container = Container();
        var mount = Seq(container, "volumeMounts").Cast<YamlMappingNode>().Single(m => Text(m, "name") == "members");
        var configMap = Load(Path.Combine(DeployDirectory, "k8s", "configmap.yaml"));
        var membersFile = Env(container)["Gateway__MembersFile"];

        Assert.False(mount.Children.ContainsKey(new YamlScalarNode("subPath")), "a subPath mount never sees an update");
        Assert.Equal(Text(mount, "mountPath"), Path.GetDirectoryName(membersFile));
        Assert.True(Map(configMap, "data").Children.ContainsKey(new YamlScalarNode(Path.GetFileName(membersFile))));
    }

    private static IEnumerable<string> Gateways() => Services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(n => n.StartsWith("gateway-", StringComparison.Ordinal));

    /// <summary>A compose service with YAML merge keys (<c>&lt;&lt;: *gateway</c>) applied.</summary>
    private static YamlMappingNode Service(string name)
    {
        var service = Map(Services, name);
        if (service.Children.TryGetValue(new YamlScalarNode("<<"), out var merged))
        {
            var result = new YamlMappingNode(((YamlMappingNode)merged).Children);
            foreach (var (key, value) in service.Children.Where(c => ((YamlScalarNode)c.Key).Value != "<<"))
            {
                result.Children[key] = value;
            }

            return result;
        }

        return service;
    }

    private static Dictionary<string, string> Environment(string service) =>
        Map(Service(service), "environment").Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!);

    private static YamlMappingNode Container()
    {
        var deployment = Load(Path.Combine(DeployDirectory, "k8s", "deployment.yaml"));
        return (YamlMappingNode)Seq(Map(Map(Map(deployment, "spec"), "template"), "spec"), "containers")[0];
    }

    private static Dictionary<string, string> Env(YamlMappingNode container) =>
        Seq(container, "env").Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"), e => Text(e, "value"));

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    private static YamlSequenceNode Seq(YamlNode node, string key) => (YamlSequenceNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    private static string Text(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)]).Value!;

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dockerfile")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Dockerfile not found above the test's output");
    }

    [GeneratedRegex(@"listen (\d+) ssl;")]
    private static partial Regex ListenTls();

    [GeneratedRegex(@"ssl_certificate(?:_key)? (\S+);")]
    private static partial Regex CertificateFile();
}
