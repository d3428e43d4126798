using BatchGen.Core.Providers;

namespace BatchGen.Core.Webhooks;

/// <summary>
/// A provider that sends status callbacks. The receiver hands it each delivery to <c>/hooks/{Name}</c>; it checks the
/// signature and parses the body. Another provider that adds callbacks plugs in by implementing this on its adapter.
/// </summary>
public interface IWebhookSource
{
    /// <summary>The provider name; also the last segment of its callback path.</summary>
    string Name { get; }

    /// <summary>
    /// Verifies and parses one delivery. Never throws for bad input: a bad or missing signature (or a stale timestamp)
    /// is <see cref="WebhookVerdict.Unauthorized"/>, a verified body that is not a task is <see cref="WebhookVerdict.Malformed"/>.
    /// </summary>
    /// <param name="header">Reads a request header by name (case-insensitive); null when absent.</param>
    WebhookCheck Check(Func<string, string?> header, ReadOnlyMemory<byte> body, DateTimeOffset now);
}

/// <summary>What a delivery turned out to be.</summary>
public enum WebhookVerdict
{
    Accepted,
    Unauthorized,
    Malformed,
}

/// <summary>The verdict and, when accepted, the task it reports.</summary>
public sealed record WebhookCheck(WebhookVerdict Verdict, WebhookDelivery? Delivery = null)
{
    public static readonly WebhookCheck Unauthorized = new(WebhookVerdict.Unauthorized);

    public static readonly WebhookCheck Malformed = new(WebhookVerdict.Malformed);
}

/// <summary>
/// One verified delivery: the task, its status (the provider's text, the deduplication key with the task), the
/// outcome as a poll would have reported it, and the provider's message id when it sends one.
/// </summary>
public sealed record WebhookDelivery(string Provider, string RemoteId, string Status, PollOutcome Outcome, string? MessageId);
