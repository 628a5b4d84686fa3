using System.Diagnostics;

namespace TlpGateway.Telemetry;

/// <summary>The gateway's own spans: admission and the filter, tagged with the member and the decision.</summary>
internal static class GatewayActivities
{
    public const string SourceName = "TlpGateway";

    public static readonly ActivitySource Source = new(SourceName);

    public const string MemberTag = "tlpgateway.member";
    public const string DecisionTag = "tlpgateway.decision";
}
