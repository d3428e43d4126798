using BatchGen.Core.Ledger;

namespace BatchGen.Core.Pipeline;

/// <summary>Resume without an output store: a succeeded job's files are trusted from their recorded stamps.</summary>
internal sealed partial class JobFeeder
{
    /// <summary>
    /// Every succeeded job of the provider: when each recorded output is a regular file inside the output directory
    /// whose size, modification time and inode are as recorded (with its SHA-256 recorded), the job stays as it is
    /// without its file being read or its row parsed. Any other job (a file missing, changed, a link, no stamp, no
    /// output record) is read whole and checked as before (<see cref="RouteAsync"/>): read again, re-stamped, or
    /// downloaded again.
    /// </summary>
    /// <returns>The ids of the jobs routed that way: the pass over the other jobs skips them.</returns>
    private async Task<HashSet<string>> CheckSavedAsync(string provider, ProviderLane? lane)
    {
        var routed = new HashSet<string>(StringComparer.Ordinal);
        var progress = _context.Progress.For(provider);
        await foreach (var saved in _context.Ledger.ReadSavedJobsAsync(provider, _context.StopToken).ConfigureAwait(false))
        {
            if (saved.Outputs.Count > 0 && saved.Outputs.All(Unchanged))
            {
                progress.AddSucceeded(thisRun: false);
                continue;
            }

            routed.Add(saved.Id);
            if (await _context.Ledger.GetJobAsync(saved.Id, _context.StopToken).ConfigureAwait(false) is { InManifest: true } job)
            {
                await RouteAsync(job, lane).ConfigureAwait(false);
            }
        }

        return routed;
    }

    private bool Unchanged(SavedOutput output) =>
        output is { FilePath: { } path, Stamp: { } recorded, HasSha256: true } && _stamps.Read(path) == recorded;
}
