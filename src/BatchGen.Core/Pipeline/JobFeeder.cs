using System.Threading.Channels;
using BatchGen.Core.Downloads;
using BatchGen.Core.Ledger;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// expand -> admit: streams the ledger once per provider (so a slow provider never holds back another) and sends
/// each unfinished job to where it re-enters: its lane to submit or re-attach, or the download stage.
/// </summary>
internal sealed partial class JobFeeder
{
    private readonly RunContext _context;
    private readonly IReadOnlyDictionary<string, ProviderLane> _lanes;
    private readonly ChannelWriter<DownloadItem> _downloads;
    private readonly SavedFileStamps _stamps;

    public JobFeeder(RunContext context, IReadOnlyDictionary<string, ProviderLane> lanes, ChannelWriter<DownloadItem> downloads)
    {
        _context = context;
        _lanes = lanes;
        _downloads = downloads;
        _stamps = new SavedFileStamps(context.Options.OutputDirectory);
    }

    public Task RunAsync() => Task.WhenAll(_context.Providers.Keys.Select(FeedProviderAsync));

    private async Task FeedProviderAsync(string provider)
    {
        _lanes.TryGetValue(provider, out var lane);
        try
        {
            // Without an output store or deep verification, succeeded jobs are checked first from their recorded
            // stamps (one lstat per file, whole rows only for files that differ), then the rest is routed.
            var quick = _context.Store is null && _context.Options.DeepVerify is null;
            var routed = quick ? await CheckSavedAsync(provider, lane).ConfigureAwait(false) : [];
            var jobs = quick
                ? _context.Ledger.ReadJobsExceptAsync(provider, JobState.Succeeded, _context.StopToken)
                : _context.Ledger.ReadJobsAsync(provider, _context.StopToken);
            await foreach (var job in jobs.ConfigureAwait(false))
            {
                if (!job.InManifest || routed.Contains(job.Id))
                {
                    continue;
                }

                await RouteAsync(job, lane).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_context.StopToken.IsCancellationRequested)
        {
            // Stop asked: whatever was not routed stays as it is in the ledger.
        }
        finally
        {
            lane?.Work.Writer.TryComplete();
        }
    }

    /// <summary>Sends the job where it re-enters; true when a lane or the download stage took it (a fleet keeps its lease).</summary>
    internal async Task<bool> RouteAsync(LedgerJob job, ProviderLane? lane)
    {
        switch (job.State)
        {
            case JobState.Pending or JobState.Blocked:
                if (lane is null)
                {
                    await HoldUnavailableAsync(job).ConfigureAwait(false);
                    return false;
                }

                await EnqueueAsync(lane, new WorkItem(job, WorkStart.Submit)).ConfigureAwait(false);
                return true;
            case JobState.Submitting:
                var idempotent = _context.Providers[job.Provider].IdempotentSubmits;
                if ((_context.Options.ResubmitAmbiguous || idempotent) && lane is not null)
                {
                    await _context.RecordAsync(new LedgerEvent
                    {
                        JobId = job.Id,
                        State = JobState.Pending,
                        Note = idempotent
                            ? "ambiguous submit: resubmitting with the same Idempotency-Key (the provider honours it)"
                            : "ambiguous submit: resubmitting as asked (--resubmit-ambiguous)",
                    }).ConfigureAwait(false);
                    await EnqueueAsync(lane, new WorkItem(job with { State = JobState.Pending }, WorkStart.Submit)).ConfigureAwait(false);
                    return true;
                }

                _context.CountAmbiguous();
                return false;
            case JobState.Submitted or JobState.Running when job.RemoteId is not null && lane is not null:
                await EnqueueAsync(lane, new WorkItem(job, WorkStart.Poll)).ConfigureAwait(false);
                return true;
            case JobState.Generated:
                // Files may have been saved before the process died: take them rather than fetch (or lose) them again
                // (a single output here, with a file an older check kept aside; several in the download stage).
                if (JobOutputs.Of(job).Count > 1 || !await AdoptSavedFileAsync(job).ConfigureAwait(false))
                {
                    await _downloads.WriteAsync(ToDownload(job), _context.StopToken).ConfigureAwait(false);
                    return true;
                }

                return false;
            case JobState.Succeeded when _context.Store is { } store:
                return await CheckStoredAsync(job, store).ConfigureAwait(false);
            case JobState.Succeeded:
                return await CheckFileAsync(job).ConfigureAwait(false);
            default:
                return false;
        }
    }

    private async Task EnqueueAsync(ProviderLane lane, WorkItem item)
    {
        await lane.Work.Writer.WriteAsync(item, _context.StopToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A generated job whose file is already on disk and plays is recorded as succeeded. So is one whose paid file was
    /// kept as <c>*.unverified.mp4</c> by an older check (e.g. "frame size ..., expected ..."): it is moved into place.
    /// </summary>
    private async Task<bool> AdoptSavedFileAsync(LedgerJob job)
    {
        var expected = JobOutputs.Expected(_context, job.Spec);
        var check = await VideoDownloader.VerifyExistingAsync(
            _context.Options.OutputDirectory, job.Spec.OutputPath, expected, null, _context.StopToken).ConfigureAwait(false);
        var note = "file found complete on disk after an interruption";
        if (!check.Success)
        {
            check = await VideoDownloader.AdoptKeptAsync(_context.Options.OutputDirectory, job.Spec.OutputPath, expected, _context.StopToken).ConfigureAwait(false);
            note = "kept *.unverified.mp4 re-verified and adopted (not paid again)";
        }

        if (!check.Success)
        {
            return false;
        }

        await _context.RecordAsync(new LedgerEvent
        {
            JobId = job.Id,
            State = JobState.Succeeded,
            FilePath = check.RelativePath,
            Bytes = check.Bytes,
            Sha256 = check.Sha256,
            Video = check.Video,
            Outputs = [JobOutputs.Saved(new LedgerOutput { Index = 1, ResultUrl = job.ResultUrl }, check)],
            Note = note,
        }).ConfigureAwait(false);
        _context.Progress.For(job.Provider).AddSucceeded();
        if (_context.Store is { } store)
        {
            await store.StoreAsync(job.Spec, [JobOutputs.Saved(new LedgerOutput { Index = 1, ResultUrl = job.ResultUrl }, check)]).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// A succeeded job's outputs are checked on disk (present, valid MP4, recorded size and SHA-256). One that is missing
    /// or damaged is downloaded again, never regenerated; the others stay as they are.
    /// </summary>
    private async Task<bool> CheckFileAsync(LedgerJob job)
    {
        var outputs = JobOutputs.Of(job);
        var expected = JobOutputs.Expected(_context, job.Spec);
        var bad = new List<string>();
        var found = new List<LedgerOutput>();
        var restamped = new List<LedgerOutput>();
        foreach (var output in outputs)
        {
            var path = JobOutputs.PathOf(job.Spec, output);
            var check = await VideoDownloader.VerifyExistingAsync(
                _context.Options.OutputDirectory, path, expected, output.Sha256, _context.StopToken, output.Stamp).ConfigureAwait(false);
            if (!check.Success || (output.Bytes is not null && check.Bytes != output.Bytes))
            {
                bad.Add(path);
            }
            else if (!output.IsSaved)
            {
                // Recorded before output records existed (a migrated ledger): the file is there, record it now.
                found.Add(JobOutputs.Saved(output, check));
            }
            else if (check.Stamp is not null && check.Stamp != output.Stamp)
            {
                // Read and verified again (no stamp yet, or touched, copied back, restored): the next resume trusts it.
                restamped.Add(JobOutputs.Saved(output, check));
            }
        }

        if (outputs.Count > 0 && bad.Count == 0)
        {
            if (found.Count > 0 || restamped.Count > 0)
            {
                var note = found.Count > 0
                    ? $"{found.Count} output(s) found on disk and recorded"
                    : $"{restamped.Count} output(s) verified again on disk (size, time or inode not as recorded)";
                await _context.RecordAsync(new LedgerEvent { JobId = job.Id, State = JobState.Succeeded, Outputs = [.. found, .. restamped], Note = note }).ConfigureAwait(false);
            }

            _context.Progress.For(job.Provider).AddSucceeded(thisRun: false);
            return false;
        }

        await DownloadAgainAsync(job, bad.Count == 0
            ? "no file recorded: downloading again"
            : $"{string.Join(", ", bad)} missing or damaged on disk: downloading again").ConfigureAwait(false);
        return true;
    }

    /// <summary>A succeeded job whose output is gone goes back to generated and to the download stage (never paid again).</summary>
    private async Task DownloadAgainAsync(LedgerJob job, string note)
    {
        await _context.RecordAsync(new LedgerEvent { JobId = job.Id, State = JobState.Generated, Note = note }).ConfigureAwait(false);
        await _downloads.WriteAsync(ToDownload(job), _context.StopToken).ConfigureAwait(false);
    }

    private async Task HoldUnavailableAsync(LedgerJob job)
    {
        var reason = _context.BlockedReason(job.Provider)
            ?? _context.UnavailableReason(job.Provider)
            ?? $"{job.Provider}: provider not available";
        _context.Block(job.Provider, reason);
        _context.Progress.For(job.Provider).AddQueued(-1);
        _context.Progress.For(job.Provider).AddBlocked();
        if (job.State == JobState.Blocked && job.ErrorMessage == reason)
        {
            return;
        }

        await _context.RecordAsync(new LedgerEvent
        {
            JobId = job.Id,
            State = JobState.Blocked,
            ErrorClass = Providers.ErrorClass.Account,
            ErrorCode = "unavailable",
            ErrorMessage = reason,
        }).ConfigureAwait(false);
    }

    private static DownloadItem ToDownload(LedgerJob job) =>
        new(job.Spec, job.RemoteId, JobOutputs.Of(job), null) { TakeExisting = true };
}
