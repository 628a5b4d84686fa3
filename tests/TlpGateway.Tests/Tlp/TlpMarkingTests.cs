using TlpGateway.Tlp;

namespace TlpGateway.Tests.Tlp;

public sealed class TlpMarkingTests
{
    [Theory]
    [InlineData("tlp:red", "Red")]
    [InlineData("TLP:Red", "Red")]
    [InlineData(" tlp:red ", "Red")]
    [InlineData("tlp:white", "Clear")]
    [InlineData("tlp:clear", "Clear")]
    [InlineData("TLP:GREEN", "Green")]
    [InlineData("tlp:amber+strict", "AmberStrict")]
    [InlineData("tlp:AMBER", "Amber")]
    public void Add_KnownLevel_IsThatLevel(string tag, string expected)
    {
        var marking = default(TlpMarking);
        marking.Add(tag);

        Assert.True(marking.HasLevel);
        Assert.Equal(Enum.Parse<TlpLevel>(expected), marking.Effective(TlpLevel.Clear));
    }

    [Fact]
    public void Add_SeveralLevels_MostRestrictiveWins()
    {
        var marking = default(TlpMarking);
        marking.Add("tlp:clear");
        marking.Add("tlp:red");
        marking.Add("tlp:green");

        Assert.Equal(TlpLevel.Red, marking.Effective(TlpLevel.Amber));
    }

    [Fact]
    public void Add_UnknownTlpValue_CountsAsAmberWithChathamHouseButIsNoLevel()
    {
        var marking = default(TlpMarking);
        marking.Add("tlp:unclear");

        Assert.False(marking.HasLevel);
        Assert.True(marking.Unknown);
        Assert.Equal(TlpLevel.Amber, marking.Effective(TlpLevel.Clear));
    }

    [Fact]
    public void Add_UnknownBesideGreen_CountsAsAmber()
    {
        var marking = default(TlpMarking);
        marking.Add("tlp:green");
        marking.Add("tlp:grene");

        Assert.Equal(TlpLevel.Amber, marking.Effective(TlpLevel.Clear));
    }

    [Fact]
    public void Effective_NoTlpTags_IsCommunityDefault()
    {
        var marking = default(TlpMarking);
        marking.Add("malware_classification:malware-category=\"Ransomware\"");

        Assert.False(marking.HasLevel);
        Assert.Equal(TlpLevel.Amber, marking.Effective(TlpLevel.Amber));
    }

    [Theory]
    [InlineData("tlp :red", "Red")]
    [InlineData("TLP : RED", "Red")]
    [InlineData("TLP-RED", "Red")]
    [InlineData("tlp_red", "Red")]
    [InlineData("tlp red", "Red")]
    [InlineData("tlp\u2236red", "Red")]
    [InlineData("tlp\ua789red", "Red")]
    [InlineData("tlp:\"red\"", "Red")]
    [InlineData("tlp=\"red\"", "Red")]
    [InlineData("tlp:amber strict", "AmberStrict")]
    [InlineData("tlp:amber-strict", "AmberStrict")]
    [InlineData("TLP:AMBER_STRICT", "AmberStrict")]
    [InlineData("tlp-clear", "Amber")]
    [InlineData("tlp:r ed", "Red")]
    [InlineData("tlp\u3000:\u00a0red", "Red")]
    [InlineData("tlp:amber + strict", "AmberStrict")]
    [InlineData("tlp :amber+strict", "AmberStrict")]
    [InlineData("tlp : clear", "Amber")]
    [InlineData("tlp :green", "Amber")]
    [InlineData("tlp : ex : chr", "Amber")]
    [InlineData("tlp :unheard-of", "Amber")]
    public void Add_MarkingSpelledWithOtherSeparators_UnknownValueAtLeastAmberAndAtLeastWhatItSpells(string tag, string expected)
    {
        // MISP stores such a name as no marking: not a level (the default tags are added), but never less than what its author meant.
        foreach (var name in new[] { tag, tag + "\u200b" })
        {
            var marking = default(TlpMarking);
            marking.Add(name);
            var fromUtf8 = default(TlpMarking);
            fromUtf8.Add(System.Text.Encoding.UTF8.GetBytes(name).AsSpan());

            Assert.False(marking.HasLevel);
            Assert.False(marking.ChathamHouse);
            Assert.True(marking.Unknown);
            Assert.Equal(Enum.Parse<TlpLevel>(expected), marking.Effective(TlpLevel.Clear));
            Assert.Equal(Enum.Parse<TlpLevel>(expected), fromUtf8.Effective(TlpLevel.Clear));
        }
    }

    [Theory]
    [InlineData("TLP-RED", "tlp:red")]
    [InlineData("tlp : red\u200b", "tlp:red")]
    [InlineData("tlp:amber strict", "tlp:amber+strict")]
    [InlineData("tlp_amber", "tlp:amber")]
    [InlineData("tlp-ex-chr", "tlp:ex:chr")]
    [InlineData("tlp-clear", null)]
    [InlineData("tlp :green", null)]
    [InlineData("tlp-unheard-of", null)]
    public void StoredName_UncertainSpelling_WrittenAsWhatItSpellsOnlyWhenThatLoosensNothing(string tag, string? expected)
    {
        // MISP drops a tag a user may not create: an uncertain red left as written could be stored as no marking.
        Assert.Equal(expected, TlpMarking.StoredName(tag));
    }

    [Fact]
    public void Add_UncertainRedBesideClear_IsRed()
    {
        var marking = default(TlpMarking);
        marking.Add("tlp:clear");
        marking.Add("tlp : red");

        Assert.True(marking.HasLevel);
        Assert.Equal(TlpLevel.Red, marking.Effective(TlpLevel.Clear));
    }

    [Theory]
    [InlineData("type:OSINT")]
    [InlineData("tag with spaces")]
    [InlineData("t lp-ish")]
    [InlineData("tlpred")]
    [InlineData("tlp2:red")]
    [InlineData("tlp")]
    [InlineData("misp-galaxy:threat-actor=\"TLP RED\"")]
    public void Add_OtherNameWithWhitespace_SaysNothing(string tag)
    {
        var marking = default(TlpMarking);
        marking.Add(tag);

        Assert.False(marking.Unknown);
        Assert.Equal(TlpLevel.Green, marking.Effective(TlpLevel.Green));
    }

    [Fact]
    public void Add_ChathamHouseTag_IsMarkerNotLevel()
    {
        var marking = default(TlpMarking);
        marking.Add("TLP:EX:CHR");

        Assert.True(marking.ChathamHouse);
        Assert.False(marking.HasLevel);
    }
}

public sealed class TagNameTests
{
    [Theory]
    [InlineData("TLP:Red")]
    [InlineData(" tlp:red ")]
    [InlineData("tlp:red\u200b")]
    [InlineData("tlp:red\0")]
    [InlineData("\u200btlp:\u200dred\ufeff")]
    [InlineData("ｔｌｐ：ｒｅｄ")]
    [InlineData("tlp:r\u00ADed")]
    [InlineData("tlp:red\u0007\u001f")]
    // Invisible without being controls or format characters (Default_Ignorable_Code_Point): a
    // variation selector pasted with an emoji, the combining grapheme joiner, Hangul fillers.
    [InlineData("tlp:red\ufe0f")]
    [InlineData("tlp:r\ufe00ed")]
    [InlineData("tlp:red\u034f")]
    [InlineData("tlp:red\u115f")]
    [InlineData("tlp:red\u3164")]
    [InlineData("tlp:red\uffa0")]
    [InlineData("tlp:red\u17b4")]
    [InlineData("tlp:red\u180b")]
    [InlineData("tlp:red\u2065")]
    [InlineData("tlp:red\ufff0")]
    [InlineData("tlp:red\U000E0100")]
    [InlineData("tlp:red\U000E0002")]
    public void Canonical_InvisibleOrCompatibilitySpellings_AreTlpRed(string spelling)
    {
        Assert.Equal("tlp:red", TagName.Canonical(spelling));

        var marking = default(TlpMarking);
        marking.Add(spelling);
        Assert.Equal(TlpLevel.Red, marking.Level);
    }

    [Fact]
    public void Canonical_LookAlikeLetters_StayUnknownTlpValue()
    {
        // Cyrillic 'е' is no compatibility form of 'e': the value is unknown, which counts as amber.
        var marking = default(TlpMarking);
        marking.Add("tlp:r\u0435d");

        Assert.True(marking.Unknown);
        Assert.Equal(TlpLevel.Amber, marking.Effective(TlpLevel.Clear));
    }

    [Fact]
    public void NormalisationAvailable_InThisProcess_IsTrue()
    {
        Assert.True(TagName.NormalisationAvailable);
    }

    [Theory]
    [InlineData("tlp:red")]
    [InlineData("  TLP:AMBER+STRICT")]
    [InlineData(" tlp:red ")]
    [InlineData("tlp:ex:chr")]
    [InlineData("tlp:unheard-of")]
    [InlineData("tlp")]
    [InlineData("xtlp:red")]
    [InlineData("misp-galaxy:threat-actor=\"APT 28\"")]
    [InlineData("\u200btlp:red")]
    [InlineData("\ttlp:red")]
    [InlineData("t\u0001lp:red")]
    [InlineData("tlp:red\u007f")]
    [InlineData("\u00a0tlp:red")]
    [InlineData("tlp:r\u00e9d")]
    public void AddUtf8_AnyName_MarksAsTheDecodedNameDoes(string tag)
    {
        foreach (var name in new[] { tag, tag + new string('x', 140), new string(' ', 130) + tag })
        {
            var fromText = default(TlpMarking);
            fromText.Add(name);
            var fromUtf8 = default(TlpMarking);
            fromUtf8.Add(System.Text.Encoding.UTF8.GetBytes(name).AsSpan());

            Assert.Equal((fromText.Level, fromText.ChathamHouse, fromText.Unknown), (fromUtf8.Level, fromUtf8.ChathamHouse, fromUtf8.Unknown));
        }
    }
}
