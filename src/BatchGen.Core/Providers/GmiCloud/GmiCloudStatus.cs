namespace BatchGen.Core.Providers.GmiCloud;

/// <summary>GMI Cloud request statuses: queued, dispatched, processing, success, failed, cancelled.</summary>
internal static class GmiCloudStatus
{
    public static RemoteState Map(string? status) => status?.ToLowerInvariant() switch
    {
        "queued" or "dispatched" or "pending" => RemoteState.Queued,
        "success" or "succeeded" or "completed" => RemoteState.Succeeded,
        "failed" or "cancelled" or "canceled" or "error" => RemoteState.Failed,
        _ => RemoteState.Running,
    };
}
