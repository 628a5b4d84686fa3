using System.Text;
using TlpGateway.Admission;

namespace TlpGateway.Tests.Admission;

public sealed class MispIdentityTests
{
    private static byte[] Capture(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1", name));

    [Fact]
    public void Parse_RealOrdinaryUser_NotSyncNotAdmin()
    {
        var identity = MispIdentity.Parse(Capture("users_view_me__orgC.json"));

        Assert.NotNull(identity);
        Assert.Equal("user@org-c.test", identity.Email);
        Assert.Equal("13c7e515-44c2-40dc-bc3e-0e7bcaf6d390", identity.OrgUuid);
        Assert.True(identity.TermsAccepted);
        Assert.False(identity.PermSync);
        Assert.False(identity.PermSiteAdmin);
        Assert.False(AdmissionMiddleware.IsSyncIdentity(identity, "PyMISP 2.5.1 - Python 3.11"));
    }

    [Fact]
    public void Parse_RealSyncUser_IsSyncIdentity()
    {
        var identity = MispIdentity.Parse(Capture("users_view_me__syncB.json"));

        Assert.NotNull(identity);
        Assert.True(identity.PermSync);
        Assert.False(identity.PermSiteAdmin);
        Assert.True(AdmissionMiddleware.IsSyncIdentity(identity, "curl/8.0"));
    }

    [Fact]
    public void Parse_RealSiteAdmin_IsPersonUnlessMispUserAgent()
    {
        var identity = MispIdentity.Parse(Capture("users_view_me__admin.json"));

        Assert.NotNull(identity);
        Assert.True(identity.PermSync);
        Assert.True(identity.PermSiteAdmin);
        Assert.False(AdmissionMiddleware.IsSyncIdentity(identity, "PyMISP 2.5.1"));
        Assert.False(AdmissionMiddleware.IsSyncIdentity(identity, "MISP-like tool"));
        Assert.True(AdmissionMiddleware.IsSyncIdentity(identity, "MISP 2.5.1"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("{\"User\":{\"email\":\"a@b\"},\"Role\":{},\"Organisation\":{\"uuid\":\"not-a-uuid\"}}")]
    [InlineData("{\"User\":{\"email\":\"a@b\"}")]
    [InlineData("<html>login</html>")]
    [InlineData("{\"User\":{\"email\":\"a\\uD800@b\"},\"Role\":{},\"Organisation\":{\"uuid\":\"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390\"}}")]
    [InlineData("{\"User\":{\"email\":\"a@b\"},\"Role\":{},\"Organisation\":{\"uuid\":\"\\uDC0013c7e515-44c2-40dc-bc3e-0e7bcaf6d390\"}}")]
    public void Parse_UnusableAnswer_ReturnsNull(string json)
    {
        Assert.Null(MispIdentity.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("\"false\"")]
    [InlineData("\"true\"")]
    [InlineData("1.0")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[1]")]
    public void Parse_PermissionOrTermsInAShapeMispDoesNotWrite_ReturnsNull(string value)
    {
        // PHP reads "false" as true: a flag the gateway would have to guess at is an answer it cannot judge by.
        foreach (var (terms, sync, admin) in new[] { (value, "false", "false"), ("true", value, "false"), ("true", "false", value) })
        {
            var json = $$$"""{"User":{"email":"a@b","termsaccepted":{{{terms}}}},"Role":{"perm_sync":{{{sync}}},"perm_site_admin":{{{admin}}}},"Organisation":{"uuid":"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390"}}""";
            Assert.Null(MispIdentity.Parse(Encoding.UTF8.GetBytes(json)));
        }
    }

    [Theory]
    [InlineData("termsaccepted")]
    [InlineData("perm_sync")]
    [InlineData("perm_site_admin")]
    public void Parse_PermissionOrTermsMissing_ReturnsNull(string missing)
    {
        var json = """{"User":{"email":"a@b","termsaccepted":true},"Role":{"perm_sync":false,"perm_site_admin":false},"Organisation":{"uuid":"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390"}}""".Replace($"\"{missing}\"", "\"other\"", StringComparison.Ordinal);

        Assert.Null(MispIdentity.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("\"1\"", true)]
    [InlineData("\"0\"", false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Parse_FlagsAsMispWritesThem_ReadAsPhpDoes(string value, bool expected)
    {
        var json = $$$"""{"User":{"email":"a@b","termsaccepted":{{{value}}}},"Role":{"perm_sync":{{{value}}},"perm_site_admin":{{{value}}}},"Organisation":{"uuid":"13c7e515-44c2-40dc-bc3e-0e7bcaf6d390"}}""";

        var identity = MispIdentity.Parse(Encoding.UTF8.GetBytes(json));

        Assert.NotNull(identity);
        Assert.Equal(expected, identity.TermsAccepted);
        Assert.Equal(expected, identity.PermSync);
        Assert.Equal(expected, identity.PermSiteAdmin);
    }
}
