namespace TlpGateway.Tlp;

/// <summary>TLP 2.0 levels, ordered from least to most restrictive (SPEC section 3).</summary>
internal enum TlpLevel
{
    Clear = 0,
    Green = 1,
    Amber = 2,
    AmberStrict = 3,
    Red = 4,
}
