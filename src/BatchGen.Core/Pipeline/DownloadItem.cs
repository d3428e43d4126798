using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// A finished task on its way to disk: its outputs (result URLs and what is recorded about their files), or the bytes
/// of a synchronous reply.
/// </summary>
internal sealed record DownloadItem(JobSpec Spec, string? RemoteId, IReadOnlyList<LedgerOutput> Outputs, ReadOnlyMemory<byte>? InlineVideo)
{
    /// <summary>
    /// Resume: an output whose file is already at its path and verifies (with its recorded SHA-256, when there is one)
    /// is taken as it is, not fetched again. Never for a new result, whose files must come from the new task.
    /// </summary>
    public bool TakeExisting { get; init; }
}
