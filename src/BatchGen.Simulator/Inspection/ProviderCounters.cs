namespace BatchGen.Simulator;

/// <summary>Thread-safe counters of one provider, snapshotted into <see cref="ProviderStats"/>.</summary>
internal sealed class ProviderCounters
{
    private long submits;
    private long submitAttempts;
    private long polls;
    private long downloads;
    private long downloadedBytes;
    private long rateLimited;
    private long concurrencyLimited;
    private long authFailures;
    private long validationErrors;
    private long insufficientCredits;
    private long notFound;
    private long serverErrors;
    private long connectionResets;
    private long slowResponses;
    private long malformedJson;
    private long failedTasks;
    private long moderatedTasks;
    private long neverFinishingTasks;
    private long truncatedDownloads;
    private long damagedVideos;
    private long expiredUrls;
    private long expiredResults;
    private long webhooksSent;
    private long webhooksFailed;

    public void Count(Counter counter, long amount = 1)
    {
        switch (counter)
        {
            case Counter.Submit: Interlocked.Add(ref submits, amount); break;
            case Counter.SubmitAttempt: Interlocked.Add(ref submitAttempts, amount); break;
            case Counter.Poll: Interlocked.Add(ref polls, amount); break;
            case Counter.Download: Interlocked.Add(ref downloads, amount); break;
            case Counter.DownloadedBytes: Interlocked.Add(ref downloadedBytes, amount); break;
            case Counter.RateLimited: Interlocked.Add(ref rateLimited, amount); break;
            case Counter.ConcurrencyLimited: Interlocked.Add(ref concurrencyLimited, amount); break;
            case Counter.AuthFailure: Interlocked.Add(ref authFailures, amount); break;
            case Counter.ValidationError: Interlocked.Add(ref validationErrors, amount); break;
            case Counter.InsufficientCredits: Interlocked.Add(ref insufficientCredits, amount); break;
            case Counter.NotFound: Interlocked.Add(ref notFound, amount); break;
            case Counter.ServerError: Interlocked.Add(ref serverErrors, amount); break;
            case Counter.ConnectionReset: Interlocked.Add(ref connectionResets, amount); break;
            case Counter.SlowResponse: Interlocked.Add(ref slowResponses, amount); break;
            case Counter.MalformedJson: Interlocked.Add(ref malformedJson, amount); break;
            case Counter.FailedTask: Interlocked.Add(ref failedTasks, amount); break;
            case Counter.ModeratedTask: Interlocked.Add(ref moderatedTasks, amount); break;
            case Counter.NeverFinishingTask: Interlocked.Add(ref neverFinishingTasks, amount); break;
            case Counter.TruncatedDownload: Interlocked.Add(ref truncatedDownloads, amount); break;
            case Counter.DamagedVideo: Interlocked.Add(ref damagedVideos, amount); break;
            case Counter.ExpiredUrl: Interlocked.Add(ref expiredUrls, amount); break;
            case Counter.ExpiredResult: Interlocked.Add(ref expiredResults, amount); break;
            case Counter.WebhookSent: Interlocked.Add(ref webhooksSent, amount); break;
            case Counter.WebhookFailed: Interlocked.Add(ref webhooksFailed, amount); break;
            default: throw new ArgumentOutOfRangeException(nameof(counter), counter, null);
        }
    }

    public ProviderStats Snapshot() => new()
    {
        Submits = Interlocked.Read(ref submits),
        SubmitAttempts = Interlocked.Read(ref submitAttempts),
        Polls = Interlocked.Read(ref polls),
        Downloads = Interlocked.Read(ref downloads),
        DownloadedBytes = Interlocked.Read(ref downloadedBytes),
        RateLimited = Interlocked.Read(ref rateLimited),
        ConcurrencyLimited = Interlocked.Read(ref concurrencyLimited),
        AuthFailures = Interlocked.Read(ref authFailures),
        ValidationErrors = Interlocked.Read(ref validationErrors),
        InsufficientCredits = Interlocked.Read(ref insufficientCredits),
        NotFound = Interlocked.Read(ref notFound),
        ServerErrors = Interlocked.Read(ref serverErrors),
        ConnectionResets = Interlocked.Read(ref connectionResets),
        SlowResponses = Interlocked.Read(ref slowResponses),
        MalformedJson = Interlocked.Read(ref malformedJson),
        FailedTasks = Interlocked.Read(ref failedTasks),
        ModeratedTasks = Interlocked.Read(ref moderatedTasks),
        NeverFinishingTasks = Interlocked.Read(ref neverFinishingTasks),
        TruncatedDownloads = Interlocked.Read(ref truncatedDownloads),
        DamagedVideos = Interlocked.Read(ref damagedVideos),
        ExpiredUrls = Interlocked.Read(ref expiredUrls),
        ExpiredResults = Interlocked.Read(ref expiredResults),
        WebhooksSent = Interlocked.Read(ref webhooksSent),
        WebhooksFailed = Interlocked.Read(ref webhooksFailed),
    };
}

internal enum Counter
{
    Submit,
    SubmitAttempt,
    Poll,
    Download,
    DownloadedBytes,
    RateLimited,
    ConcurrencyLimited,
    AuthFailure,
    ValidationError,
    InsufficientCredits,
    NotFound,
    ServerError,
    ConnectionReset,
    SlowResponse,
    MalformedJson,
    FailedTask,
    ModeratedTask,
    NeverFinishingTask,
    TruncatedDownload,
    DamagedVideo,
    ExpiredUrl,
    ExpiredResult,
    WebhookSent,
    WebhookFailed,
}
