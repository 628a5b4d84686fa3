using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TlpGateway.Members;

namespace TlpGateway.Startup;

/// <summary>A mistake that stops the gateway before it serves anything; its message is the one line the operator reads.</summary>
internal sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Turns what stopped the gateway from starting into one line naming the configuration key, or the
/// member and field: an operator reads it at 3 a.m., not a stack trace.
/// </summary>
internal static partial class StartupError
{
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Unwrap(exception) switch
        {
            StartupException ex => ex.Message,
            OptionsValidationException ex => string.Join("; ", ex.Failures.Select(f => Reword(f, ex.OptionsType))),
            MembersFileException ex => ex.Message,
            MembersFileAccessException ex => ex.Message,
            InvalidOperationException ex when ConversionFailure().Match(ex.Message) is { Success: true } match => Conversion(match.Groups["key"].Value, match.Groups["type"].Value),
            IOException ex when ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) => ex.Message + " (another process listens there: choose another --urls)",
            var ex => $"{ex.GetType().Name}: {ex.Message}",
        };
    }

    private static Exception Unwrap(Exception exception)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }

    private static string Conversion(string key, string type) => type switch
    {
        "System.TimeSpan" => $"{key} is not a duration: write hh:mm:ss (e.g. 00:01:40 for 100 seconds), or d.hh:mm:ss",
        "System.Int32" or "System.Int64" => $"{key} is not a whole number",
        "System.Boolean" => $"{key} must be true or false",
        "System.Uri" => $"{key} is not a URL",
        _ => $"{key} cannot be read as {type}",
    };

    // DataAnnotations name the class and property, not the key: the options classes' SectionName gives it.
    private static string Reword(string failure, Type optionsType)
    {
        var match = FieldFailure().Match(failure);
        if (!match.Success)
        {
            return failure;
        }

        var section = optionsType.GetField("SectionName")?.GetValue(null) as string ?? optionsType.Name;
        return $"{section}:{match.Groups["member"].Value}: {match.Groups["error"].Value}";
    }

    [GeneratedRegex(@"Failed to convert configuration value (?:'[^']*' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<member>[^']*)' with the error: '(?<error>.*)'\.?$")]
    private static partial Regex FieldFailure();
}
