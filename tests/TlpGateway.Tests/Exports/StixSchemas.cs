using System.Text.Json;
using Json.Schema;

namespace TlpGateway.Tests.Exports;

/// <summary>The OASIS STIX 2.1 JSON schemas (draft 2020-12), each registered under its <c>$id</c> so relative <c>$ref</c>s resolve.</summary>
internal static class StixSchemas
{
    private static readonly Lazy<JsonSchema> BundleSchema = new(Load);

    /// <summary>The errors of <paramref name="bundle"/> against <c>common/bundle.json</c> (and every schema it names); empty when valid.</summary>
    public static IReadOnlyList<string> Errors(JsonElement bundle)
    {
        var results = BundleSchema.Value.Evaluate(bundle, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.SchemaLocation}): {e.Key} {e.Value}"))];
    }

    private static JsonSchema Load()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Exports", "stix2-schemas", "schemas");
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema? bundle = null;
        foreach (var file in Directory.GetFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var schema = JsonSchema.FromFile(file, options);
            options.SchemaRegistry.Register(schema);
            if (file.EndsWith(Path.Combine("common", "bundle.json"), StringComparison.Ordinal))
            {
                bundle = schema;
            }
        }

        return bundle ?? throw new InvalidOperationException("common/bundle.json is missing from the test data.");
    }
}
