using System.Text;
using System.Text.Json.Nodes;
using TlpGateway.Members;
using TlpGateway.Tests.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Tests.Provenance;

/// <summary>SPEC section 4: no trace of a hidden source survives anywhere in what a third party receives.</summary>
public sealed class ProvenanceTests
{
    private static readonly CommunitySettings GreenByDefault = FilterHarness.Community with { DefaultTlp = TlpLevel.Green };

    [Theory]
    [InlineData("tlp:ex:chr", true)]
    [InlineData("tlp:green", false)]
    public void Relationship_BetweenTwoAttributesOfTheEvent_WhatItPointsAtNamesTheSourceShown(string tag, bool hidden)
    {
        // MISP 2.5 embeds what a relationship points at under its kind, with that item's event and source.
        const string First = "33333333-0000-4000-8000-00000000aaa1", Second = "33333333-0000-4000-8000-00000000aaa2";
        var related = $$$"""{"Attribute":{"id":"2","uuid":"{{{Second}}}","event_id":"4","type":"ip-dst","value":"198.51.100.2","Event":{"id":"4","orgc_id":"3","org_id":"3","uuid":"eeeeeeee-0000-4000-8000-000000000004","info":"x"},"Object":{"id":null},"Organisation":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}"},"orgc_uuid":"{{{FilterHarness.OrgC}}}"}}""";
        var relationship = $$$""","Relationship":[{"uuid":"0c0c0c0c-0000-4000-8000-000000000003","object_type":"Attribute","object_uuid":"{{{First}}}","related_object_type":"Attribute","related_object_uuid":"{{{Second}}}","relationship_type":"related-to","distribution":"5","related_object":{{{related}}}}]""";
        var json = Decision.ShapeStrictnessTests.Event($$""","Attribute":[{{Decision.ShapeStrictnessTests.Attribute(First, extra: relationship)}},{{Decision.ShapeStrictnessTests.Attribute(Second)}}]""", $$"""[{"name":"{{tag}}"}]""");

        var (output, outcomes, _) = FilterHarness.Run(Encoding.UTF8.GetBytes(json), FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD)));

        Assert.True(Assert.Single(outcomes).Released);
        var pointedAt = JsonNode.Parse(output)!["Event"]!["Attribute"]![0]!["Relationship"]![0]!["related_object"]!["Attribute"]!;
        Assert.Equal("198.51.100.2", (string?)pointedAt["value"]);
        Assert.Equal(hidden ? FilterHarness.Community.Forwarder.Uuid : FilterHarness.OrgC, (string?)pointedAt["Organisation"]!["uuid"]);
        Assert.Equal(hidden ? FilterHarness.Community.Forwarder.Uuid : FilterHarness.OrgC, (string?)pointedAt["orgc_uuid"]);
        Assert.Equal(hidden ? "0" : "3", (string?)pointedAt["Event"]!["orgc_id"]);
    }

    [Fact]
    public void HiddenSource_EventInASharingGroup_TheGroupAndItsLocalIdGo()
    {
        // The group's local id is the same for every event shared in it, and names it as its block does.
        var input = FilterHarness.Capture("events_view_sg__syncB.json");
        var community = FilterHarness.Community with { ChathamHouse = ChathamHouseMode.Always };

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD), community: community));

        Assert.True(Assert.Single(outcomes).Released);
        var evt = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.Equal("4", (string?)evt["distribution"]);
        Assert.Equal("0", (string?)evt["sharing_group_id"]);
        Assert.False(evt.ContainsKey("SharingGroup"));
        Assert.DoesNotContain("541946d3-ccce-4277-b174-71503609447e", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
        Assert.All(Walk(evt).Where(p => p.Key == "sharing_group_id"), p => Assert.Equal("0", (string?)p.Value));
    }

    [Theory]
    [InlineData("pymisp_galaxy_1.json")]
    [InlineData("pymisp_sighting_1.json")]
    [InlineData("pymisp_sighting_2.json")]
    [InlineData("pymisp_japanese_test.json")]
    [InlineData("pymisp_feed_format_mainly_objects_2.json")]
    [InlineData("real-2.5.1/events_view_rich__orgC.json")]
    [InlineData("real-2.5.1/events_view_objects_report__orgC.json")]
    public void ThirdParty_RealEvent_NoSourceNameUuidOrCreatorAnywhere(string sample)
    {
        var input = FilterHarness.Sample(sample);
        var source = JsonNode.Parse(input)!["Event"]!;
        var sourceUuid = (string)source["Orgc"]!["uuid"]!;
        var sourceName = (string)source["Orgc"]!["name"]!;
        var requester = FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.AmberStrict, MemberRelation.ThirdParty, orgId: "99");

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(requester, community: GreenByDefault), chunk: 997);

        Assert.True(Assert.Single(outcomes).Released);
        var text = Encoding.UTF8.GetString(output);
        Assert.DoesNotContain(sourceUuid, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("event_creator_email", text, StringComparison.Ordinal);
        if ((string?)source["event_creator_email"] is { Length: > 0 } creator)
        {
            Assert.DoesNotContain(creator, text, StringComparison.OrdinalIgnoreCase);
        }

        var evt = JsonNode.Parse(output)!["Event"]!.AsObject();
        Assert.Equal(FilterHarness.Community.Forwarder.Uuid, (string?)evt["Orgc"]!["uuid"]);
        // locked tells that the event came from a MISP server's sync, which few sources run: a trace of who it was.
        Assert.All(new[] { "CryptographicKey", "extends_uuid", "SharingGroup", "locked" }, key => Assert.False(evt.ContainsKey(key), key));
        foreach (var (holder, key, value) in Walk(evt))
        {
            if (key is "Org" or "Orgc" or "Organisation")
            {
                Assert.NotEqual(sourceName, (string?)value?["name"]);
            }

            if (key is "orgc_id" or "org_id" && holder.ContainsKey("Orgc"))
            {
                Assert.Equal("0", (string?)value);
            }

            if (key is "ShadowAttribute")
            {
                Assert.Empty(value!.AsArray());
            }

            if (key == "Sighting")
            {
                Assert.All(value!.AsArray(), s => Assert.False(s!.AsObject().ContainsKey("Organisation") || s.AsObject().ContainsKey("source")));
            }

            if (key is "user_id" && holder.ContainsKey("colour"))
            {
                Assert.Equal("0", (string?)value);
            }
        }
    }

    [Fact]
    public void Member_UnderChathamHouseAlways_SourceHiddenButOwnerSeesItself()
    {
        var input = FilterHarness.Capture("events_view_rich__orgC.json");
        var always = FilterHarness.Community with { ChathamHouse = ChathamHouseMode.Always };
        var member = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Amber, orgId: "4");
        var owner = FilterHarness.Requester(FilterHarness.OrgC, TlpLevel.Amber, orgId: "3");

        var toMember = Encoding.UTF8.GetString(FilterHarness.Run(input, FilterHarness.Context(member, community: always)).Output);
        var toOwner = Encoding.UTF8.GetString(FilterHarness.Run(input, FilterHarness.Context(owner, community: always)).Output);

        Assert.DoesNotContain(FilterHarness.OrgC, toMember, StringComparison.Ordinal);
        Assert.DoesNotContain("user@org-c.test", toMember, StringComparison.Ordinal);
        Assert.Contains(FilterHarness.OrgC, toOwner, StringComparison.Ordinal);
        Assert.Contains("user@org-c.test", toOwner, StringComparison.Ordinal);
    }

    [Fact]
    public void Member_ChathamHouseOnSharingGroupEvent_SharingGroupAndSourceRemoved()
    {
        var input = FilterHarness.Capture("events_view_sg__syncB.json");
        var always = FilterHarness.Community with { ChathamHouse = ChathamHouseMode.Always };
        var member = FilterHarness.Requester(FilterHarness.OrgD, TlpLevel.Amber, orgId: "4");

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(member, community: always));

        Assert.True(Assert.Single(outcomes).Released);
        var text = Encoding.UTF8.GetString(output);
        Assert.DoesNotContain("SharingGroup\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(FilterHarness.OrgC, text, StringComparison.Ordinal);

        // The sharing group's member list named ORG_B and ORG_C; only free text (info) may still say them.
        Assert.DoesNotContain("SharingGroupOrg", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ThirdParty_ForwardAs_ShownAsSource()
    {
        var input = FilterHarness.Sample("pymisp_galaxy_1.json");
        var requester = FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.Green, MemberRelation.ThirdParty, orgId: "99");
        var forwarded = FilterHarness.WithMember(requester, member => member with { ForwardAs = new OrganisationRef("Partner view", "00000000-0000-4000-8000-00000000aaaa") });

        var (output, _, _) = FilterHarness.Run(input, FilterHarness.Context(forwarded));

        var evt = JsonNode.Parse(output)!["Event"]!;
        Assert.Equal("Partner view", (string?)evt["Orgc"]!["name"]);
        Assert.Equal("00000000-0000-4000-8000-00000000aaaa", (string?)evt["Org"]!["uuid"]);
    }

    [Fact]
    public void ThirdParty_IndexRows_SourcesHidden()
    {
        var input = FilterHarness.Capture("events_index__admin.json");
        var requester = FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.Green, MemberRelation.ThirdParty, orgId: "99");

        var (output, outcomes, _) = FilterHarness.Run(input, FilterHarness.Context(requester));

        Assert.Contains(outcomes, o => o.Released);
        var text = Encoding.UTF8.GetString(output);
        foreach (var org in new[] { FilterHarness.OrgA, FilterHarness.OrgB, FilterHarness.OrgC, FilterHarness.OrgD })
        {
            Assert.DoesNotContain(org, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ThirdParty_AttributeRowsWithContext_ContextReleasedSourceHidden()
    {
        var (output, outcomes, _) = FilterHarness.Run(AttributeRowWithContext("tlp:clear"), FilterHarness.Context(FilterHarness.Requester("99999999-0000-4000-8000-000000000000", TlpLevel.Green, MemberRelation.ThirdParty, orgId: "99")));

        Assert.True(Assert.Single(outcomes).Released);
        var evt = JsonNode.Parse(output)!["response"]!["Attribute"]![0]!["Event"]!;
        Assert.Equal("Hub", (string?)evt["Orgc"]!["name"]);
        Assert.Equal("0", (string?)evt["orgc_id"]);
        Assert.Equal("tlp:clear", (string?)evt["Tag"]![0]!["name"]);
        var text = Encoding.UTF8.GetString(output);
        Assert.DoesNotContain(FilterHarness.OrgC, text, StringComparison.Ordinal);
        Assert.DoesNotContain("ORG_C", text, StringComparison.Ordinal);
        Assert.DoesNotContain("extends_uuid", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Member_AttributeRowWhoseContextIsMoreRestrictive_Withheld()
    {
        var (output, outcomes, _) = FilterHarness.Run(AttributeRowWithContext("tlp:red"), FilterHarness.Context(FilterHarness.Requester()));

        Assert.False(Assert.Single(outcomes).Released);
        Assert.DoesNotContain("198.51.100.7", Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }

    /// <summary>An /attributes/restSearch row of ORG_C's event as MISP 2.5.1 writes it with includeContext (MispAttribute::__fetchEventsForAttributeContext).</summary>
    internal static byte[] AttributeRowWithContext(string contextTag) => Encoding.UTF8.GetBytes($$$"""
        {"response":{"Attribute":[{"id":"5","uuid":"aaaaaaaa-0000-4000-8000-000000000001","event_id":"4","type":"ip-dst","category":"Network activity","value":"198.51.100.7","to_ids":true,"timestamp":"1795342533",
          "Event":{"id":"4","orgc_id":"3","org_id":"3","date":"2026-11-20","threat_level_id":"2","info":"report","published":true,"uuid":"1bfc1897-0000-4000-8000-000000000004","analysis":"1","timestamp":"1795342533",
            "distribution":"3","publish_timestamp":"1795342533","sharing_group_id":"0","extends_uuid":"cccccccc-0000-4000-8000-000000000009",
            "Tag":[{"local":false,"id":"1","name":"{{{contextTag}}}","colour":"#ffffff","numerical_value":null}],"Orgc":{"id":"3","name":"ORG_C","uuid":"{{{FilterHarness.OrgC}}}","local":true}},
          "Tag":[{"id":"1","name":"tlp:clear","colour":"#ffffff","inherited":1}]}]}}
        """);

    private static IEnumerable<(JsonObject Holder, string Key, JsonNode? Value)> Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    yield return (obj, key, value);
                    foreach (var inner in Walk(value))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var inner in Walk(item))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }
}
