using BatchGen.Core.Ledger;
using BatchGen.Core.Reviews;

namespace BatchGen.Cli.Review;

/// <summary>
/// Checks, in the background and one at a time, every succeeded video the ledger has no check for (or whose file
/// changed since: checks are keyed by SHA-256), and records the result in the ledger. Without ffmpeg it does nothing.
/// </summary>
internal sealed class VideoCheckRunner(ReviewBatch batch, string ffmpeg)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (jobs, _) = await batch.ReadAsync(cancellationToken).ConfigureAwait(false);
        var done = batch.Store.ReadChecks();
        foreach (var job in jobs.Where(j => j.State == JobState.Succeeded))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (done.TryGetValue(job.Id, out var stored) && string.Equals(stored.Sha256, job.Sha256, StringComparison.Ordinal))
            {
                continue;
            }

            if (batch.VideoPath(job) is not { } path)
            {
                continue;
            }

            var (check, error) = await VideoChecks.RunAsync(ffmpeg, path, cancellationToken).ConfigureAwait(false);
            batch.Store.AppendCheck(job.Id, job.Sha256, check, error);
        }
    }
}
