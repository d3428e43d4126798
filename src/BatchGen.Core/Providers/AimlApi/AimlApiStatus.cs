namespace BatchGen.Core.Providers.AimlApi;

/// <summary>
/// AI/ML API statuses: the spec's queued/generating/completed/error, the sample's waiting/succeeded, and the
/// active/processing/failed seen by clients.
/// </summary>
internal static class AimlApiStatus
{
    public static RemoteState Map(string? status) => status?.ToLowerInvariant() switch
    {
        "queued" or "waiting" or "pending" => RemoteState.Queued,
        "completed" or "succeeded" or "success" => RemoteState.Succeeded,
        "error" or "failed" or "cancelled" or "canceled" => RemoteState.Failed,
        _ => RemoteState.Running,
    };
}
