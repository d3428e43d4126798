namespace BatchGen.Core.Ledger;

/// <summary>A job's state in the ledger. Stored as its lowercase name.</summary>
public enum JobState
{
    /// <summary>Known, not yet submitted (also: held back by the budget, with a reason).</summary>
    Pending,

    /// <summary>The intent to submit is durable; the request may or may not have reached the provider.
    /// Found on resume, this job is ambiguous and is not resubmitted unless asked.</summary>
    Submitting,

    /// <summary>The provider accepted it; its remote task id is durable.</summary>
    Submitted,

    /// <summary>The provider reports it generating.</summary>
    Running,

    /// <summary>The provider finished it; the result URL is known; the file is not yet verified on disk.</summary>
    Generated,

    /// <summary>The video is on disk and verified (size, MP4 boxes, SHA-256 recorded).</summary>
    Succeeded,

    /// <summary>Failed for good (validation, moderation, generation failure, deadline) or after retries ran out.</summary>
    Failed,

    /// <summary>Not submitted because its provider refused the account (bad key, no credits).</summary>
    Blocked,
}
