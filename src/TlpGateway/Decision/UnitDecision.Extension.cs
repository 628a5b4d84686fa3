using TlpGateway.Filtering;
using TlpGateway.Shapes;

namespace TlpGateway.Decision;

/// <summary>
/// An event's <c>extends_uuid</c> (SPEC section 3, no side channels): it names another event, which
/// the requester may not be allowed to receive, or even to know of. It stays for the organisation that
/// made the extending event, and for anyone else only where the gateway confirmed the extended event
/// reaches them; otherwise it leaves as MISP writes an event that extends none (<c>""</c>).
/// </summary>
internal sealed partial class UnitDecision
{
    /// <summary>The extended event to look up before <paramref name="holder"/> (an event or index row) can be delivered, or null.</summary>
    private string? ExtensionLookup(Node holder, bool hide) =>
        !hide && _context.KnownEvents is { } known && ExtendedUuid(holder) is { } uuid && !Requester.IsOwner(Orgc(holder)) && !known.ContainsKey(uuid)
            ? uuid
            : null;

    /// <summary>Empties the <c>extends_uuid</c> at <paramref name="index"/> unless its reader may know the event it names.</summary>
    private void JudgeExtension(Node holder, int index)
    {
        if (ExtendedUuid(holder) is not { } uuid || Requester.IsOwner(Orgc(holder))
            || _context.KnownEvents?.GetValueOrDefault(uuid) is { Receivable: true })
        {
            return;
        }

        _edits.ReplaceValue(holder.Props[index], "\"\""u8);
    }

    /// <summary>The UUID an <c>extends_uuid</c> names; null where it names none (absent, <c>""</c> or <c>null</c>).</summary>
    private static string? ExtendedUuid(Node holder) =>
        holder.Text(Key.ExtendsUuid) is { Length: > 0 } uuid ? uuid : null;
}
