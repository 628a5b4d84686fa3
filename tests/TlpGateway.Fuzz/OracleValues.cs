using System.Text.Json;
using TlpGateway.Filtering;

namespace TlpGateway.Fuzz;

/// <summary>What an answer must not hold: <see cref="Strings"/> anywhere in it, <see cref="Values"/> as a whole string value.</summary>
internal sealed record OracleVerdict(IReadOnlyList<string> Strings, IReadOnlyList<string> Values);

/// <summary>
/// Holds what the filter wrote to the short names of hidden sources (<c>BSI</c>, <c>NCSC</c>, a name without a
/// letter): none may be a whole string value of it, decoded (<c>"B\u0053I"</c> is <c>BSI</c>) and compared
/// case-insensitively. Free text that holds one (<c>"BSI advisory"</c>) is another value, and passes.
/// </summary>
internal static class OracleValues
{
    /// <summary>Throws <see cref="FuzzFinding"/> when <paramref name="written"/> (whole, or the start of an answer ended as an error) holds one of <paramref name="values"/>.</summary>
    public static void Check(byte[] written, bool whole, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        var names = values.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var reader = new Utf8JsonReader(written, isFinalBlock: whole, new JsonReaderState(new JsonReaderOptions { MaxDepth = JsonTokenizer.MaxDepth }));
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.String && Decoded(ref reader) is { } value && names.Contains(value))
                {
                    throw new FuzzFinding("the filter wrote \"" + value + "\", the name of a source hidden from the requester, as a value");
                }
            }
        }
        catch (JsonException)
        {
            // An answer ended as an error stops anywhere; what was read of it before is checked.
        }
    }

    // A string escaping half a UTF-16 pair cannot be decoded: it is no name of the input's, decoded as the oracle reads them.
    private static string? Decoded(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
