namespace BatchGen.Core.Providers.Magnific;

/// <summary>Magnific task statuses: CREATED, IN_PROGRESS, COMPLETED, FAILED.</summary>
internal static class MagnificStatus
{
    public static RemoteState Map(string? status) => status?.ToUpperInvariant() switch
    {
        "CREATED" => RemoteState.Queued,
        "COMPLETED" => RemoteState.Succeeded,
        "FAILED" => RemoteState.Failed,
        _ => RemoteState.Running,
    };
}
