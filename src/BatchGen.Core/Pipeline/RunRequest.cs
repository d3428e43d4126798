using BatchGen.Core.Downloads;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Pipeline;

/// <summary>Everything one run works with. The caller owns (and disposes) the ledger, adapters and HTTP clients.</summary>
public sealed class RunRequest
{
    /// <summary>The manifest's jobs, streamed once into the ledger.</summary>
    public required IEnumerable<JobSpec> Jobs { get; init; }

    /// <summary>
    /// The same jobs, enumerable without side effects (<see cref="Jobs"/> may release the manifest once read): when
    /// set, the ledger is asked first whether it was last synced with exactly these jobs, and then is not synced again.
    /// </summary>
    public IEnumerable<JobSpec>? JobsForKey { get; init; }

    public required IReadOnlyDictionary<string, ProviderSettings> Providers { get; init; }

    /// <summary>Adapters of the providers that can be called (their key is set).</summary>
    public required IReadOnlyDictionary<string, IProviderAdapter> Adapters { get; init; }

    /// <summary>Providers that cannot be called, with the reason (e.g. "MAGNIFIC_API_KEY is not set"): their jobs are blocked.</summary>
    public IReadOnlyDictionary<string, string> Unavailable { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Where each provider's local images are uploaded (Pixwith's adapter, the image store for the others). Pixwith's
    /// adapter is used when it is not listed here; a provider with neither fails its local-image jobs.
    /// </summary>
    public IReadOnlyDictionary<string, Images.IImageUploader> ImageUploaders { get; init; } = new Dictionary<string, Images.IImageUploader>();

    public required ILedger Ledger { get; init; }

    public required VideoDownloader Downloader { get; init; }

    public required RunOptions Options { get; init; }

    public RunProgress Progress { get; init; } = new();

    /// <summary>Other workers share this batch (claims, rate limits, budget in PostgreSQL); null: this process alone.</summary>
    public Fleet.IWorkerFleet? Fleet { get; init; }

    /// <summary>Verified webhook deliveries (null = none): providers it covers poll only as a slow safety net.</summary>
    public Webhooks.WebhookInbox? Webhooks { get; init; }

    /// <summary>Uploads verified videos to <c>output.store</c>; null when the manifest has none. The caller owns its store.</summary>
    public OutputUploader? Uploader { get; init; }
}
