using BatchGen.Core.Downloads;
using BatchGen.Core.Ledger;
using BatchGen.Core.Storage;

namespace BatchGen.Core.Pipeline;

/// <summary>Resume with an output store: a succeeded job is checked in the store, not on disk.</summary>
internal sealed partial class JobFeeder
{
    /// <summary>
    /// Each output of a succeeded job is checked in the store (HEAD: size and SHA-256). One that is not there (never
    /// uploaded, deleted, different) is uploaded from the local copy when that verifies; otherwise the job is
    /// downloaded again from the provider (never regenerated) and uploaded after. A store that cannot be asked
    /// leaves the job as it is (storage problem, exit 5).
    /// </summary>
    /// <returns>True when the job was sent to the download stage.</returns>
    private async Task<bool> CheckStoredAsync(LedgerJob job, StoreSync store)
    {
        var outputs = JobOutputs.Of(job);
        var expected = JobOutputs.Expected(_context, job.Spec);
        var toUpload = new List<LedgerOutput>();
        var found = new List<LedgerOutput>();
        var confirmed = new List<LedgerOutput>();
        var missing = new List<string>();
        try
        {
            foreach (var output in outputs)
            {
                if (output.IsSaved && await store.FindStoredAsync(job.Spec, output).ConfigureAwait(false) is { } stored)
                {
                    if (output.ObjectKey is null)
                    {
                        found.Add(stored);
                    }

                    confirmed.Add(stored);
                    continue;
                }

                var path = JobOutputs.PathOf(job.Spec, output);
                var check = await VideoDownloader.VerifyExistingAsync(
                    _context.Options.OutputDirectory, path, expected, output.Sha256, _context.StopToken, output.Stamp).ConfigureAwait(false);
                if (check.Success && (output.Bytes is null || check.Bytes == output.Bytes))
                {
                    toUpload.Add(output.IsSaved ? output : JobOutputs.Saved(output, check));
                }
                else
                {
                    missing.Add(output.ObjectKey is null
                        ? $"{path} (not uploaded, no valid local copy)"
                        : $"{output.ObjectUrl} (missing or different in the store, no valid local copy)");
                }
            }
        }
        catch (StorageException ex)
        {
            _context.ReportStorageProblem(job.Id, ex.Message);
            _context.Progress.For(job.Provider).AddSucceeded(thisRun: false);
            return false;
        }

        if (found.Count > 0)
        {
            await _context.RecordAsync(new LedgerEvent { JobId = job.Id, State = JobState.Succeeded, Outputs = found, Note = $"{found.Count} output(s) found in the output store and recorded" }).ConfigureAwait(false);
        }

        // Stored with its size and SHA-256 and recorded: with keep_local false, a local copy left by an interrupted
        // run (uploaded, then stopped before removing it) goes now.
        store.RemoveLocal(job.Spec, confirmed);

        if (outputs.Count > 0 && missing.Count == 0)
        {
            if (toUpload.Count > 0)
            {
                await store.StoreAsync(job.Spec, toUpload, note: $"{toUpload.Count} output(s) missing from the store uploaded again from the local copy").ConfigureAwait(false);
            }

            _context.Progress.For(job.Provider).AddSucceeded(thisRun: false);
            return false;
        }

        await DownloadAgainAsync(job, missing.Count == 0
            ? "no file recorded: downloading again"
            : $"{string.Join(", ", missing)}: downloading again from {job.Provider} (not generating again)").ConfigureAwait(false);
        return true;
    }
}
