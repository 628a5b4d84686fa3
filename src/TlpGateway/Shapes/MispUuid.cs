using System.Buffers;
using System.Text;

namespace TlpGateway.Shapes;

/// <summary>
/// A UUID as MISP writes one: 36 characters, hexadecimal digits in groups of 8-4-4-4-12 joined by
/// dashes, either case. <see cref="Guid.TryParseExact(string, string, out Guid)"/> with "D" is not
/// this test: it takes a sign or <c>0x</c> inside a group (<c>+cbd1912-...</c>), a string MISP
/// never writes and that the gateway would then take for a UUID where it is not one (a value left
/// unmasked in the audit trail, a member's organisation that can never match).
/// </summary>
internal static class MispUuid
{
    public const int Length = 36;

    public static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        if (text.Length != Length)
        {
            return false;
        }

        for (var i = 0; i < Length; i++)
        {
            if (i is 8 or 13 or 18 or 23 ? text[i] != '-' : !char.IsAsciiHexDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same test over a name as written in MISP's answer (UTF-8 bytes: a UUID is ASCII).</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> text)
    {
        Span<char> chars = stackalloc char[Length];
        return text.Length == Length && Ascii.ToUtf16(text, chars, out _) == OperationStatus.Done && IsWellFormed(chars);
    }
}
