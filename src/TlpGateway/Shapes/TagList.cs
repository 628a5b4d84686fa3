using System.Text.Json;
using TlpGateway.Filtering;
using TlpGateway.Tlp;

namespace TlpGateway.Shapes;

/// <summary>
/// Reads an item's own tags, in the shapes MISP writes them: a list (or PHP object-list) of tag
/// objects (<c>Tag</c>), or of links to them (<c>EventTag</c>, <c>AttributeTag</c>:
/// <c>[{"Tag": {...}}]</c>). A tag must be an object with a string <c>name</c>: anything else ends
/// the answer. Plain ASCII names are read in place, without allocating.
/// </summary>
internal static class TagList
{
    /// <summary>The tag objects of a tag property (<see cref="Role.Tags"/> or <see cref="Role.TagLinks"/>), checked.</summary>
    public static void Check(Node list, Role role)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (!list.IsList)
        {
            throw new FilterException("tags are not a list");
        }

        foreach (var item in list.Items)
        {
            _ = TagOf(item, role);
        }
    }

    /// <summary>The tag object of one element of a tag list.</summary>
    public static Node TagOf(Node element, Role role)
    {
        ArgumentNullException.ThrowIfNull(element);
        var tag = role == Role.TagLinks
            ? element.IsObject && element.Child(Key.Tag) is { IsObject: true } linked ? linked : throw new FilterException("a tag link without a Tag object")
            : element;
        if (!tag.IsObject || tag.IndexOf(Key.Name) is not (>= 0 and var i) || tag.Props[i].ValueKind != JsonTokenType.String)
        {
            throw new FilterException("a tag without a string name");
        }

        return tag;
    }

    /// <summary>Whether an element of a tag list is a local tag (on the link or on the tag).</summary>
    public static bool IsLocal(Node element, Role role) =>
        element.IsSet(Key.Local) || (role == Role.TagLinks && element.Child(Key.Tag) is { } tag && tag.IsSet(Key.Local));

    /// <summary>Takes a tag's name into account.</summary>
    public static void AddTo(ref TlpMarking marking, Node tag)
    {
        var i = tag.IndexOf(Key.Name);
        if (tag.TryGetPlainText(i, out var utf8))
        {
            marking.Add(utf8);
        }
        else
        {
            marking.Add(tag.TextAt(i)!);
        }
    }

    /// <summary>A tag's name in the form the rules compare (<see cref="TagName.Canonical(string)"/>).</summary>
    public static string CanonicalName(Node tag) => TagName.Canonical(tag.TextAt(tag.IndexOf(Key.Name))!);
}
