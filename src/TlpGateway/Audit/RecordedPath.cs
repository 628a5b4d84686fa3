using System.Buffers;
using System.Text;
using TlpGateway.Shapes;

namespace TlpGateway.Audit;

/// <summary>
/// A request path as the gateway records it, in the audit trail and in the spans it exports: what
/// was asked of which endpoint, never what was searched for. MISP reads parameters from the path as
/// well as the body (<c>/attributes/restSearch/value:evil.example</c>, <c>/events/view/{id}</c>), and a
/// searched value is the searcher's intelligence; a key can ride there too (<c>apikey:</c>).
/// </summary>
/// <remarks>
/// Segment by segment (a percent-encoded <c>/</c> or <c>:</c> stays inside its segment, which is then
/// masked whole): the controller and action, the first two segments that are not empty, are kept
/// when they are names (letters, digits, <c>_</c>, <c>-</c>, MISP's extension); a named parameter keeps
/// its name and its value becomes <c>*</c>; any other segment is kept only when it is an id (digits)
/// or a UUID, else it becomes <c>*</c>, and after a <c>restSearch</c> action always: there the
/// segments are the search's ordered parameters (<c>/attributes/restSearch/json/4111111111111111</c>
/// searches that value). A path with nothing to mask is returned as it is.
/// </remarks>
internal static class RecordedPath
{
    private const string Mask = "*";

    public static string Of(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return path ?? string.Empty;
        }

        if (!NeedsMask(path))
        {
            return path;
        }

        var recorded = new StringBuilder(path.Length);
        var index = 0;
        var search = false;
        foreach (var segment in path.Split('/'))
        {
            recorded.Append(Recorded(segment, index, search)).Append('/');
            search |= index == 1 && IsSearch(segment);
            index += segment.Length > 0 ? 1 : 0;
        }

        return recorded.ToString(0, recorded.Length - 1);
    }

    private static bool NeedsMask(string path)
    {
        var index = 0;
        var search = false;
        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan()[range];
            if (!IsKept(segment, index, search))
            {
                return true;
            }

            search |= index == 1 && IsSearch(segment);
            index += segment.Length > 0 ? 1 : 0;
        }

        return false;
    }

    // Counting the segments that are not empty, 0 and 1 are the controller and action.
    private static bool IsKept(ReadOnlySpan<char> segment, int index, bool search) =>
        segment.Length == 0 || (!search && IsId(segment)) || (index <= 1 && IsName(segment));

    /// <summary>MISP's restSearch action (any case, as MISP's dispatcher reads it), whose passed segments are searched values.</summary>
    private static bool IsSearch(ReadOnlySpan<char> segment) => WithoutExtension(segment).Equals("restSearch", StringComparison.OrdinalIgnoreCase);

    private static string Recorded(string segment, int index, bool search)
    {
        if (IsKept(segment, index, search))
        {
            return segment;
        }

        var colon = segment.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && IsName(segment.AsSpan(0, colon)) ? segment[..(colon + 1)] + Mask : Mask;
    }

    /// <summary>A controller's, action's or parameter's name: letters, digits, <c>_</c>, <c>-</c>, <c>[]</c>; a controller or action may end with MISP's extension.</summary>
    private static bool IsName(ReadOnlySpan<char> segment)
    {
        segment = WithoutExtension(segment);
        return segment.Length is > 0 and <= 64 && char.IsAsciiLetter(segment[0]) && !segment.ContainsAnyExcept(NameCharacters);
    }

    /// <summary>An id (digits) or a UUID, as the audit trail may name them, with or without MISP's extension.</summary>
    private static bool IsId(ReadOnlySpan<char> segment)
    {
        segment = WithoutExtension(segment);
        return (segment.Length is > 0 and <= 20 && !segment.ContainsAnyExceptInRange('0', '9')) || MispUuid.IsWellFormed(segment);
    }

    private static ReadOnlySpan<char> WithoutExtension(ReadOnlySpan<char> segment)
    {
        foreach (var extension in Extensions)
        {
            if (segment.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return segment[..^extension.Length];
            }
        }

        return segment;
    }

    private static readonly string[] Extensions = [".json", ".xml", ".csv"];

    private static readonly SearchValues<char> NameCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-[]");
}
