namespace TlpGateway.Tlp;

/// <summary>
/// The distribution a MISP server receives (SPEC section 3), pure: capped so the receiving MISP
/// keeps the marking's limit. Levels 0-3 are capped by the item's effective TLP (amber+strict and
/// red → 0, amber → 1, green → 2), never raised; 4 (sharing group) is left as it is; 5 (inherit)
/// stays unless what it would inherit is above its own marking's cap, and then gets that cap.
/// </summary>
internal static class DistributionCap
{
    public const int Inherit = 5;

    /// <summary>The highest of levels 0-3 an item of this marking may reach on a receiving MISP.</summary>
    public static int For(TlpLevel level) => level switch
    {
        TlpLevel.AmberStrict or TlpLevel.Red => 0,
        TlpLevel.Amber => 1,
        TlpLevel.Green => 2,
        _ => 3,
    };

    /// <summary>The distribution to send for an item at <paramref name="distribution"/>.</summary>
    /// <param name="level">The item's effective TLP.</param>
    /// <param name="distribution">Its distribution as MISP wrote it.</param>
    /// <param name="inherited">What a <c>5</c> inherits: its object's, else its event's, as sent (itself resolved), if known.</param>
    public static int Deliver(TlpLevel level, int distribution, int? inherited)
    {
        var cap = For(level);
        return distribution switch
        {
            >= 0 and <= 3 => Math.Min(distribution, cap),
            Inherit when inherited is >= 0 and <= 3 && inherited > cap => cap,
            _ => distribution,
        };
    }

    /// <summary>What an item's children inherit from it: its sent level, or its parent's when it inherits itself.</summary>
    public static int? Effective(int delivered, int? inherited) => delivered == Inherit ? inherited : delivered;
}
