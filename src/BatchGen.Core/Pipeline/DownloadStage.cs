using System.Threading.Channels;
using BatchGen.Core.Downloads;
using BatchGen.Core.Ledger;
using BatchGen.Core.Media;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// download -> verify -> record: streams each result to disk (resuming with Range), verifies it, records its
/// SHA-256. An expired URL is refreshed by asking the provider for the task again; a failed download never
/// triggers a new generation.
/// </summary>
internal sealed class DownloadStage
{
    private readonly RunContext _context;
    private readonly IReadOnlyDictionary<string, ResilientProviderClient> _clients;

    public DownloadStage(RunContext context, IReadOnlyDictionary<string, ResilientProviderClient> clients)
    {
        _context = context;
        _clients = clients;
        Items = Channel.CreateBounded<DownloadItem>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait });
    }

    public Channel<DownloadItem> Items { get; }

    public Task RunAsync() =>
        Task.WhenAll(Enumerable.Range(0, _context.Options.DownloadConcurrency).Select(_ => _context.GuardAsync(WorkerAsync)));

    private async Task WorkerAsync()
    {
        await foreach (var item in Items.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await ProcessAndCountAsync(item).ConfigureAwait(false);
        }
    }

    /// <summary>Downloads (or saves) one result, verifies and records it, and counts the outcome.</summary>
    public async Task ProcessAndCountAsync(DownloadItem item)
    {
        var progress = _context.Progress.For(item.Spec.Provider);
        try
        {
            if (await ProcessAsync(item).ConfigureAwait(false))
            {
                progress.AddSucceeded();
            }
            else
            {
                progress.AddFailed();
            }
        }
        catch (OperationCanceledException) when (_context.StopToken.IsCancellationRequested)
        {
            // Left Generated in the ledger: the next run downloads it (a .part file resumes with Range).
        }
    }

    private async Task<bool> ProcessAsync(DownloadItem item)
    {
        var spec = item.Spec;
        var (width, height) = FrameSize.For(spec.Parameters.Resolution, spec.Parameters.AspectRatio);
        var expected = _context.Expected(spec.Parameters.Duration, width, height);
        var outputDirectory = _context.Options.OutputDirectory;

        if (item.InlineVideo is { } video)
        {
            // Never cancelled: these bytes were paid for and exist nowhere else.
            var saved = await _context.Downloader.SaveInlineAsync(video, outputDirectory, spec.OutputPath, expected, CancellationToken.None).ConfigureAwait(false);
            return await RecordAsync(spec.Id, saved).ConfigureAwait(false);
        }

        var urls = item.ResultUrls;
        DownloadOutcome? last = null;
        for (var attempt = 1; attempt <= _context.Options.MaxDownloadAttempts; attempt++)
        {
            if (urls.Count == 0)
            {
                urls = await RefreshAsync(item).ConfigureAwait(false);
                if (urls.Count == 0)
                {
                    break;
                }
            }

            last = await DownloadAllAsync(spec.OutputPath, urls, outputDirectory, expected).ConfigureAwait(false);
            if (last.Success || last.Failure == DownloadFailureKind.VerifyFailed || (!last.Retryable && last.Failure != DownloadFailureKind.Expired))
            {
                break;
            }

            if (last.Failure == DownloadFailureKind.Expired)
            {
                urls = [];
                continue;
            }

            var backoff = TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1) * (0.8 + (Random.Shared.NextDouble() * 0.4)));
            await Task.Delay(backoff, _context.Time, _context.StopToken).ConfigureAwait(false);
        }

        last ??= new DownloadOutcome
        {
            Success = false,
            RelativePath = spec.OutputPath,
            Failure = DownloadFailureKind.Expired,
            Message = $"{spec.Provider}: no result URL could be obtained for task {item.RemoteId}",
            Retryable = true,
        };
        return await RecordAsync(spec.Id, last).ConfigureAwait(false);
    }

    /// <summary>Downloads the first output to the job's path and any further outputs beside it (name-2.mp4, ...).</summary>
    private async Task<DownloadOutcome> DownloadAllAsync(string relativePath, IReadOnlyList<Uri> urls, string outputDirectory, ExpectedVideo expected)
    {
        var first = await _context.Downloader.DownloadAsync(new DownloadRequest(urls[0], outputDirectory, relativePath, expected), _context.HardStopToken).ConfigureAwait(false);
        if (!first.Success)
        {
            return first;
        }

        for (var i = 1; i < urls.Count; i++)
        {
            var extra = ExtraOutputPath(relativePath, i + 1);
            var outcome = await _context.Downloader.DownloadAsync(new DownloadRequest(urls[i], outputDirectory, extra, expected), _context.HardStopToken).ConfigureAwait(false);
            if (!outcome.Success)
            {
                return outcome;
            }
        }

        return first;
    }

    private async Task<IReadOnlyList<Uri>> RefreshAsync(DownloadItem item)
    {
        if (item.RemoteId is null || item.RemoteId.StartsWith("sync:", StringComparison.Ordinal)
            || !_clients.TryGetValue(item.Spec.Provider, out var client))
        {
            // A synchronous reply has no task to ask again: its bytes were lost before they were saved.
            return [];
        }

        var poll = await client.PollAsync(item.RemoteId, _context.StopToken).ConfigureAwait(false);
        _context.Progress.For(item.Spec.Provider).AddRequest();
        _context.ObserveCredits(item.Spec.Provider, poll.RemainingCredits);
        if (poll.State == RemoteState.Succeeded && poll.ResultUrls.Count > 0)
        {
            await _context.RecordAsync(new LedgerEvent
            {
                JobId = item.Spec.Id,
                State = JobState.Generated,
                ResultUrl = poll.ResultUrls[0].ToString(),
                Note = "result URL refreshed",
            }).ConfigureAwait(false);
            return poll.ResultUrls;
        }

        return [];
    }

    private async Task<bool> RecordAsync(string jobId, DownloadOutcome outcome)
    {
        if (outcome.Success)
        {
            await _context.RecordAsync(new LedgerEvent
            {
                JobId = jobId,
                State = JobState.Succeeded,
                FilePath = outcome.RelativePath,
                Bytes = outcome.Bytes,
                Sha256 = outcome.Sha256,
                Video = outcome.Video,
                Note = outcome.Video?.Warning is { } warning ? $"video differs from the request: {warning}" : null,
            }).ConfigureAwait(false);
            return true;
        }

        await _context.RecordAsync(new LedgerEvent
        {
            JobId = jobId,
            State = JobState.Failed,
            HttpStatus = outcome.HttpStatus,
            ErrorClass = outcome.Failure == DownloadFailureKind.VerifyFailed || (outcome.Failure == DownloadFailureKind.Undecodable && !outcome.Retryable)
                ? ErrorClass.Permanent
                : ErrorClass.Retryable,
            ErrorCode = outcome.Failure switch
            {
                DownloadFailureKind.VerifyFailed => "verify_failed",
                DownloadFailureKind.Undecodable => "undecodable",
                DownloadFailureKind.Expired => "expired",
                DownloadFailureKind.Truncated => "truncated",
                DownloadFailureKind.Io => "io_error",
                _ => "download_failed",
            },
            ErrorMessage = $"download: {outcome.Message}",
            FilePath = outcome.Failure == DownloadFailureKind.VerifyFailed ? outcome.RelativePath : null,
        }).ConfigureAwait(false);
        return false;
    }

    internal static string ExtraOutputPath(string relativePath, int index)
    {
        var slash = relativePath.LastIndexOf('/');
        var dot = relativePath.LastIndexOf('.');
        return dot > slash
            ? $"{relativePath[..dot]}-{index}{relativePath[dot..]}"
            : $"{relativePath}-{index}";
    }
}
