namespace TlpGateway.Exports;

/// <summary>The restSearch formats the gateway renders itself from filtered JSON (SPEC section 7).</summary>
internal enum ExportFormat
{
    Csv,
    Text,
    Stix2,
}

/// <summary>How MISP 2.5.1 answers each export (<c>Event::$validFormats</c>, <c>RestResponseComponent</c>, <c>app/Lib/Export</c>).</summary>
internal static class ExportFormats
{
    /// <summary>The format a <c>returnFormat</c> value names, or null (compared as the request model lowercases it).</summary>
    public static ExportFormat? Parse(string? name) => name switch
    {
        "csv" => ExportFormat.Csv,
        "text" => ExportFormat.Text,
        "stix2" => ExportFormat.Stix2,
        _ => null,
    };

    /// <summary>The <c>Content-Type</c> MISP answers with (CakePHP's type for the export's response type, UTF-8).</summary>
    public static string ContentType(ExportFormat format) => format switch
    {
        ExportFormat.Csv => "text/csv; charset=UTF-8",
        ExportFormat.Text => "text/plain; charset=UTF-8",
        _ => "application/json; charset=UTF-8",
    };

    /// <summary>The extension of MISP's download file name (<c>RestSearchComponent::getFilename</c>: the response type).</summary>
    public static string FileExtension(ExportFormat format) => format switch
    {
        ExportFormat.Csv => "csv",
        ExportFormat.Text => "text",
        _ => "json",
    };

    /// <summary>
    /// Whether the gateway asks for <c>to_ids</c> 1 and <c>published</c> 1 unless the request sets
    /// them. The community's rule (behaviour section 7) fixes them for every export, so a feed holds
    /// only what is meant for detection: decision, where MISP 2.5.1 itself adds them only for
    /// <c>text</c> (<c>CsvExport</c> and <c>StixExport</c> are <c>non_restrictive_export</c>).
    /// </summary>
    public static bool Restrictive(ExportFormat format) => format is ExportFormat.Csv or ExportFormat.Text or ExportFormat.Stix2;
}
