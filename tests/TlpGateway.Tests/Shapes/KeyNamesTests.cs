using System.Text;
using TlpGateway.Shapes;

namespace TlpGateway.Tests.Shapes;

public sealed class KeyNamesTests
{
    private static readonly Key[] Named = Enum.GetValues<Key>().Where(key => key is not (Key.Other or Key.Index)).ToArray();

    [Fact]
    public void Find_EveryName_IsItsKey()
    {
        foreach (var key in Named)
        {
            Assert.Equal(key, KeyNames.Find(Encoding.UTF8.GetBytes(KeyNames.NameOf(key))));
        }
    }

    [Fact]
    public void Find_NameChangedCutOrExtendedByOneByte_IsOtherUnlessAnotherName()
    {
        var names = Named.ToDictionary(key => KeyNames.NameOf(key), key => key, StringComparer.Ordinal);
        foreach (var name in names.Keys)
        {
            var variants = new List<string> { name[..^1], name + "x", "x" + name, name[1..], name.ToUpperInvariant(), name + "\0" };
            for (var i = 0; i < name.Length; i++)
            {
                variants.Add(string.Concat(name.AsSpan(0, i), ((char)(name[i] ^ 1)).ToString(), name.AsSpan(i + 1)));
                variants.Add(name.Remove(i, 1));
            }

            foreach (var variant in variants.Where(v => v != name && !(v.Length > 0 && v.All(char.IsAsciiDigit))))
            {
                var expected = names.TryGetValue(variant, out var other) ? other : Key.Other;
                Assert.Equal(expected, KeyNames.Find(Encoding.UTF8.GetBytes(variant)));
            }
        }
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("17", true)]
    [InlineData("1234567890123456789", true)]
    [InlineData("12345678901234567890", false)]
    [InlineData("1a", false)]
    [InlineData("", false)]
    public void Find_DigitsOrEmpty_IsIndexOrOther(string name, bool isIndex) =>
        Assert.Equal(isIndex ? Key.Index : Key.Other, KeyNames.Find(Encoding.UTF8.GetBytes(name)));
}
