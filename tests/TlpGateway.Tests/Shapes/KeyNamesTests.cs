using System.Text;
using TlpGateway.Shapes;

namespace TlpGateway.Tests.Shapes;

public sealed class KeyNamesTests
{
    private static readonly Key[] Named = Enum.GetValues<Key>().Where(key => key is not (Key.Other or Key.Index or Key.Undescribed)).ToArray();

    [Fact]
    public void Find_EveryName_IsItsKey()
    {
        foreach (var key in Named)
        {
            Assert.Equal(key, KeyNames.Find(Encoding.UTF8.GetBytes(KeyNames.NameOf(key))));
        }
    }

    [Fact]
    public void Find_EveryOtherNameMispWrites_IsOther()
    {
        var fields = KeyNames.MispFieldNames().ToList();

        Assert.Contains("comment", fields);
        Assert.Contains("to_ids", fields);
        Assert.Contains("first_seen", fields);
        Assert.All(fields, name => Assert.Equal(Key.Other, KeyNames.Find(Encoding.UTF8.GetBytes(name))));
    }

    [Fact]
    public void Find_EveryNameOfTheRealAnswers_IsAKeyOrOther()
    {
        // MISP 2.5.1's own answers name nothing the gateway would take for undescribed (but the UUIDs naming analyst data).
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "misp-samples", "real-2.5.1"), "*.json"))
        {
            Collect(System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(file)).RootElement, names);
        }

        Assert.Contains("event_creator_email", names);
        Assert.All(names.Where(name => !Guid.TryParseExact(name, "D", out _)), name => Assert.NotEqual(Key.Undescribed, KeyNames.Find(Encoding.UTF8.GetBytes(name))));
    }

    [Fact]
    public void Find_NameChangedCutOrExtendedByOneByte_IsUndescribedUnlessAnotherName()
    {
        var names = Named.ToDictionary(key => KeyNames.NameOf(key), key => key, StringComparer.Ordinal);
        var fields = KeyNames.MispFieldNames().ToHashSet(StringComparer.Ordinal);
        foreach (var name in names.Keys.Concat(fields))
        {
            var variants = new List<string> { name[..^1], name + "x", "x" + name, name[1..], name.ToUpperInvariant(), name + "\0" };
            for (var i = 0; i < name.Length; i++)
            {
                variants.Add(string.Concat(name.AsSpan(0, i), ((char)(name[i] ^ 1)).ToString(), name.AsSpan(i + 1)));
                variants.Add(name.Remove(i, 1));
            }

            foreach (var variant in variants.Where(v => v != name && !(v.Length > 0 && v.All(char.IsAsciiDigit))))
            {
                var expected = names.TryGetValue(variant, out var other) ? other : fields.Contains(variant) ? Key.Other : Key.Undescribed;
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
    [InlineData("event_orgc", false)]
    [InlineData("username", false)]
    [InlineData("x_source", false)]
    public void Find_DigitsEmptyOrNamesNoShapeHolds_IsIndexOrUndescribed(string name, bool isIndex) =>
        Assert.Equal(isIndex ? Key.Index : Key.Undescribed, KeyNames.Find(Encoding.UTF8.GetBytes(name)));

    private static void Collect(System.Text.Json.JsonElement element, HashSet<string> names)
    {
        switch (element.ValueKind)
        {
            case System.Text.Json.JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!property.Name.All(char.IsAsciiDigit))
                    {
                        names.Add(property.Name);
                    }

                    Collect(property.Value, names);
                }

                break;
            case System.Text.Json.JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, names);
                }

                break;
        }
    }
}
