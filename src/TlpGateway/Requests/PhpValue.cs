using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TlpGateway.Requests;

/// <summary>
/// How MISP's PHP reads a request value: <c>!empty()</c> truthiness, <c>in_array</c>'s loose
/// comparison with <c>"null"</c>, <c>"0"</c>, <c>false</c> for ordered URL parameters, and the
/// numeric strings PHP 8 compares as numbers. Pure code.
/// </summary>
internal static class PhpValue
{
    private static readonly char[] PhpTrimmed = [' ', '\t', '\n', '\r', '\0', '\v'];

    /// <summary>
    /// PHP's <c>trim</c>: spaces, tabs, line breaks, NUL and vertical tabs only, where .NET's trims every
    /// Unicode space (<c>"\u00A00"</c> stays <c>"\u00A00"</c>, a value PHP reads as truthy).
    /// </summary>
    public static string Trim(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Trim(PhpTrimmed);
    }

    /// <summary>
    /// PHP's <c>!empty($value)</c> for a value decoded from JSON: <c>null</c>, <c>false</c>, <c>0</c>,
    /// <c>0.0</c>, <c>-0</c>, <c>"0"</c>, <c>""</c>, <c>[]</c> and <c>{}</c> are false; anything else
    /// (<c>"false"</c>, <c>"0.0"</c>, <c>" 0"</c>) is true.
    /// </summary>
    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonObject obj => obj.Count > 0,
        JsonValue scalar => scalar.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            JsonValueKind.Number => !IsZeroNumber(scalar.ToJsonString()),
            JsonValueKind.String => IsTruthy(scalar.GetValue<string>()),
            _ => true,
        },
        _ => true,
    };

    /// <summary>PHP's <c>!empty($string)</c>: only <c>""</c> and <c>"0"</c> are false.</summary>
    public static bool IsTruthy(string? value) => value is not (null or "" or "0");

    /// <summary>
    /// Whether <c>_harvestParameters</c> skips an ordered URL parameter: <c>in_array(strtolower($v),
    /// ['null', '0', false, 'false', null])</c> with PHP's loose comparison, so <c>""</c>, <c>"0"</c>,
    /// <c>"0.0"</c>, <c>"-0"</c>, <c>"00"</c> (numeric strings equal to 0), <c>"null"</c> and
    /// <c>"false"</c> in any case are skipped.
    /// </summary>
    public static bool IsSkippedOrderedParameter(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var lower = value.ToLowerInvariant();
        return lower is "" or "null" or "false" or "0" || (IsNumericString(lower) && IsZeroNumber(lower.Trim()));
    }

    /// <summary>PHP 8's <c>is_numeric</c> for a string: optional surrounding whitespace, sign, digits, fraction, exponent.</summary>
    public static bool IsNumericString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return IsNumericString(value.AsSpan());
    }

    /// <inheritdoc cref="IsNumericString(string)"/>
    public static bool IsNumericString(ReadOnlySpan<char> value)
    {
        var trimmed = value.Trim(" \t\n\r\v\f");
        if (trimmed.Length == 0)
        {
            return false;
        }

        var i = 0;
        if (trimmed[i] is '+' or '-')
        {
            i++;
        }

        var digits = 0;
        while (i < trimmed.Length && char.IsAsciiDigit(trimmed[i]))
        {
            i++;
            digits++;
        }

        if (i < trimmed.Length && trimmed[i] == '.')
        {
            i++;
            while (i < trimmed.Length && char.IsAsciiDigit(trimmed[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < trimmed.Length && trimmed[i] is 'e' or 'E')
        {
            i++;
            if (i < trimmed.Length && trimmed[i] is '+' or '-')
            {
                i++;
            }

            var exponent = 0;
            while (i < trimmed.Length && char.IsAsciiDigit(trimmed[i]))
            {
                i++;
                exponent++;
            }

            if (exponent == 0)
            {
                return false;
            }
        }

        return i == trimmed.Length;
    }

    /// <summary>The text of a scalar as PHP would see it after <c>json_decode</c> (true → "1", false/null → ""); null for arrays and objects.</summary>
    public static string? Text(JsonNode? value) => value switch
    {
        null => null,
        JsonValue scalar => scalar.GetValueKind() switch
        {
            JsonValueKind.String => scalar.GetValue<string>(),
            JsonValueKind.True => "1",
            JsonValueKind.False or JsonValueKind.Null => string.Empty,
            _ => scalar.ToJsonString(),
        },
        _ => null,
    };

    private static bool IsZeroNumber(string number) =>
        double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed == 0;
}
