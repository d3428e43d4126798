namespace BatchGen.Core.Providers;

/// <summary>
/// Optional adapter capability: list the account's recent tasks, so a submit whose reply was lost can be
/// reconciled instead of resubmitted (Magnific's list endpoint).
/// </summary>
public interface ITaskLister
{
    /// <summary>The tasks the provider lists with their states; null when the list could not be fetched.</summary>
    Task<IReadOnlyList<(string RemoteId, RemoteState State)>?> ListTasksAsync(CancellationToken cancellationToken);
}
