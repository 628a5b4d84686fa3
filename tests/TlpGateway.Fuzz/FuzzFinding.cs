namespace TlpGateway.Fuzz;

/// <summary>The filter broke a rule the oracle checks: afl-fuzz keeps the input as a crash.</summary>
internal sealed class FuzzFinding(string message) : Exception(message);
