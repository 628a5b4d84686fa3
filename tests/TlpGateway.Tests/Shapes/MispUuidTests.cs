using System.Text;
using TlpGateway.Shapes;

namespace TlpGateway.Tests.Shapes;

public sealed class MispUuidTests
{
    [Theory]
    [InlineData("9a5a8fbf-71a6-47b5-b84b-52e55399c2d2", true)]
    [InlineData("9A5A8FBF-71A6-47B5-B84B-52E55399C2D2", true)]
    [InlineData("00000000-0000-0000-0000-000000000000", true)]
    [InlineData("+a5a8fbf-71a6-47b5-b84b-52e55399c2d2", false)]
    [InlineData("-a5a8fbf-71a6-47b5-b84b-52e55399c2d2", false)]
    [InlineData("9a5a8fbf-0x16-47b5-b84b-52e55399c2d2", false)]
    [InlineData("9a5a8fbf-71a6-47b5-b84b-+2e55399c2d2", false)]
    [InlineData("{9a5a8fbf-71a6-47b5-b84b-52e55399c2d2}", false)]
    [InlineData("9a5a8fbf71a647b5b84b52e55399c2d2", false)]
    [InlineData("9a5a8fbf-71a6-47b5-b84b-52e55399c2d", false)]
    [InlineData("9a5a8fbf-71a6-47b5-b84b-52e55399c2d2 ", false)]
    [InlineData("9a5a8fbf_71a6-47b5-b84b-52e55399c2d2", false)]
    [InlineData("9a5a8fbf-71a6-47b5-b84b-52e55399c2\u0662\u0662", false)]
    [InlineData("", false)]
    public void IsWellFormed_AsMispWritesUuids_OnlyHexGroupsJoinedByDashes(string text, bool wellFormed)
    {
        // Guid.TryParseExact("D") takes the sign and 0x forms; MISP never writes them.
        Assert.Equal(wellFormed, MispUuid.IsWellFormed(text));
        Assert.Equal(wellFormed, MispUuid.IsWellFormed(Encoding.UTF8.GetBytes(text)));
    }
}
