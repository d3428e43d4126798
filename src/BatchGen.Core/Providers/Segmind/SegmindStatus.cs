namespace BatchGen.Core.Providers.Segmind;

/// <summary>Segmind v2 request statuses: QUEUED, PROCESSING, COMPLETED, FAILED (and EXPIRED, treated as failed).</summary>
internal static class SegmindStatus
{
    public const string Completed = "COMPLETED";

    public static RemoteState Map(string? status) => status?.ToUpperInvariant() switch
    {
        "QUEUED" or "PENDING" => RemoteState.Queued,
        "COMPLETED" or "SUCCEEDED" or "SUCCESS" => RemoteState.Succeeded,
        "FAILED" or "ERROR" or "EXPIRED" or "CANCELLED" => RemoteState.Failed,
        _ => RemoteState.Running,
    };
}
