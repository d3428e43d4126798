using System.Net.Http.Headers;
using System.Text;
using BatchGen.Cli.Logging;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BatchGen.Cli.Notify;

/// <summary>
/// Posts the end-of-run JSON to every <c>--notify</c> URL: up to 3 tries with backoff, at most
/// <see cref="DefaultBudget"/> per URL. A failure is logged (host only: a webhook URL is a secret) and never changes the
/// exit code.
/// </summary>
internal sealed class Notifier(HttpClient http, LogSink log, TimeProvider timeProvider)
{
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(30);

    public async Task SendAsync(IReadOnlyList<string> urls, string body, TimeSpan budget)
    {
        foreach (var url in urls.Distinct(StringComparer.Ordinal))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                log.WriteAlways(LogLevel.Warning, "notify_failed", $"warning: notification not sent: '{Shorten(url)}' is not an http(s) URL");
                continue;
            }

            try
            {
                await Pipeline(budget).ExecuteAsync(async ct =>
                {
                    using var content = new StringContent(body, Encoding.UTF8);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync(uri, content, ct).ConfigureAwait(false);
                    response.EnsureSuccessStatusCode();
                }, CancellationToken.None).ConfigureAwait(false);
                log.Write(LogLevel.Information, "notify_sent", $"notification sent to {uri.Host}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
            {
                log.WriteAlways(LogLevel.Warning, "notify_failed", $"warning: notification to {uri.Host} failed ({ex.Message.ReplaceLineEndings(" ")}); the run's exit code is unchanged");
            }
        }
    }

    private ResiliencePipeline Pipeline(TimeSpan budget) => new ResiliencePipelineBuilder { TimeProvider = timeProvider }
        .AddTimeout(budget)
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromSeconds(1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>(),
        })
        .AddTimeout(TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, budget.Ticks / 3)))
        .Build();

    private static string Shorten(string url) => url.Length <= 30 ? url : url[..30] + "...";
}
