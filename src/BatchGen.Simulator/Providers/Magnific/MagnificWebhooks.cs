using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BatchGen.Simulator;

/// <summary>
/// Delivers Magnific webhooks: one POST per status change (CREATED, IN_PROGRESS, then COMPLETED or FAILED) carrying
/// the task object without <c>data</c>, signed Standard-Webhooks style: headers <c>webhook-id</c>,
/// <c>webhook-timestamp</c> and <c>webhook-signature: v1,base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}"))</c>.
/// Only hosts listed in the scenario (loopback by default) are called. A delivery answered with anything but 2xx (or
/// not answered) is sent again after <see cref="RetryDelaysSeconds"/> (nominal seconds, times the time scale), then
/// given up; the next status of the task waits for it. Every delivery is awaited when the host stops.
/// </summary>
internal sealed class MagnificWebhooks : IAsyncDisposable
{
    /// <summary>Waits before the 2nd, 3rd and 4th attempt of one delivery (nominal seconds): four attempts at most.</summary>
    public static readonly double[] RetryDelaysSeconds = [5, 30, 120];

    private readonly ProviderRuntime provider;
    private readonly HttpClient client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<long, Task> running = new();
    private readonly byte[] secret;
    private long next;

    public MagnificWebhooks(ProviderRuntime provider)
    {
        this.provider = provider;
        secret = SecretBytes(provider.Scenario.WebhookSecret);
    }

    /// <summary>Standard Webhooks: <c>whsec_</c> + base64 is decoded; any other secret is used as UTF-8 bytes.</summary>
    public static byte[] SecretBytes(string secret)
    {
        if (secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            try
            {
                return Convert.FromBase64String(secret[6..]);
            }
            catch (FormatException)
            {
                return Encoding.UTF8.GetBytes(secret);
            }
        }

        return Encoding.UTF8.GetBytes(secret);
    }

    public static string Sign(byte[] secret, string id, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id}.{timestamp}.{body}"))));

    public void Schedule(SimTask task, MagnificApi api)
    {
        if (task.WebhookUrl is null || !Uri.TryCreate(task.WebhookUrl, UriKind.Absolute, out var uri)
            || !provider.Scenario.WebhookHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase))
        {
            return;
        }

        var id = Interlocked.Increment(ref next);
        running[id] = DeliverAllAsync(task, uri, api, id, stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(running.Values).ConfigureAwait(false);
        client.Dispose();
        stopping.Dispose();
    }

    private async Task DeliverAllAsync(SimTask task, Uri uri, MagnificApi api, long id, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var steps = new List<(DateTimeOffset At, TaskPhase Phase)> { (task.CreatedAt, TaskPhase.Queued), (task.StartedAt, TaskPhase.Running) };
            if (task.Fate != TaskFate.NeverFinish)
            {
                steps.Add((task.FinishedAt, task.Fate == TaskFate.Succeed ? TaskPhase.Succeeded : TaskPhase.Failed));
            }

            foreach (var (at, phase) in steps)
            {
                var wait = at - provider.State.Now;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, provider.State.Time, cancellationToken).ConfigureAwait(false);
                }

                await SendAsync(uri, task, phase, api, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: remaining deliveries are dropped.
        }
        finally
        {
            running.TryRemove(id, out _);
        }
    }

    private async Task SendAsync(Uri uri, SimTask task, TaskPhase phase, MagnificApi api, CancellationToken cancellationToken)
    {
        var body = api.TaskObject(task, phase).ToJsonString(SimReply.WireJson);
        var messageId = $"msg_{task.Id}_{MagnificApi.StatusOf(phase).ToLowerInvariant()}";
        for (var attempt = 0; ; attempt++)
        {
            if (await TrySendAsync(uri, body, messageId, cancellationToken).ConfigureAwait(false) || attempt >= RetryDelaysSeconds.Length)
            {
                return;
            }

            await Task.Delay(provider.State.Scaled(RetryDelaysSeconds[attempt]), provider.State.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One attempt, signed with its own timestamp (as a retry is); true when answered 2xx.</summary>
    private async Task<bool> TrySendAsync(Uri uri, string body, string messageId, CancellationToken cancellationToken)
    {
        var timestamp = provider.State.Now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Sign(secret, messageId, timestamp, body));
        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            provider.Counters.Count(response.IsSuccessStatusCode ? Counter.WebhookSent : Counter.WebhookFailed);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            provider.Counters.Count(Counter.WebhookFailed);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            provider.Counters.Count(Counter.WebhookFailed);
        }

        return false;
    }
}
