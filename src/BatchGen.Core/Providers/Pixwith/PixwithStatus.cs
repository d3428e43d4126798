namespace BatchGen.Core.Providers.Pixwith;

/// <summary>Pixwith task statuses: 1 processing, 2 completed, 3 failed (numbers, or the same as text).</summary>
internal static class PixwithStatus
{
    public static RemoteState Map(string? status) => status?.ToLowerInvariant() switch
    {
        "0" or "queued" or "pending" => RemoteState.Queued,
        "2" or "completed" or "success" or "succeeded" => RemoteState.Succeeded,
        "3" or "failed" or "error" => RemoteState.Failed,
        _ => RemoteState.Running,
    };
}
