namespace BatchGen.Core.Pipeline;

/// <summary>
/// What a run's retry did before it started: how many failed jobs it put back in line, and the failed jobs it left as
/// they are, counted by error code (permanent failures under <c>retry --failed</c>, every failure without retry).
/// </summary>
public sealed record RetryReport(RetryFailedMode Mode, int Retried, IReadOnlyDictionary<string, int> LeftFailed)
{
    public static RetryReport None { get; } = new(RetryFailedMode.None, 0, new Dictionary<string, int>());

    public int LeftCount => LeftFailed.Values.Sum();

    /// <summary>
    /// One line for a retry: what was taken up, and what was not and why; null when this run was not a retry. A retry
    /// that does nothing always says why.
    /// </summary>
    public string? Describe()
    {
        if (Mode == RetryFailedMode.None)
        {
            return null;
        }

        var codes = string.Join(", ", LeftFailed.Select(kv => $"{kv.Key} x{kv.Value}"));
        return (Retried, LeftCount) switch
        {
            (0, 0) => "retry: no failed job in the ledger; nothing to retry",
            (_, 0) => $"retry: {Retried} failed job(s) taken up again, each at the latest step that does not pay again",
            (0, _) => $"retry: nothing retried: the {LeftCount} failed job(s) failed for good ({codes}); 'batchgen retry --all-failed' generates them again and pays again",
            _ => $"retry: {Retried} failed job(s) taken up again; {LeftCount} left as they are, failed for good ({codes}); 'batchgen retry --all-failed' generates those again and pays again",
        };
    }
}
