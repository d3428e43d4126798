using System.Net;
using BatchGen.Core.Ledger;
using BatchGen.Core.Webhooks;
using BatchGen.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchGen.Cli.Webhooks;

/// <summary>
/// The webhook receiver <c>run</c> starts when a <c>webhook:</c> section is set: Kestrel on the <c>listen</c> address,
/// <c>POST .../{provider}</c> (any prefix, so a proxy may strip or keep <c>/hooks</c>). Each delivery is checked by its
/// provider's <see cref="IWebhookSource"/> (bad signature 401, malformed 400, unknown provider 404), recorded by the
/// <see cref="WebhookInbox"/> and only then acknowledged (200); a ledger that cannot record it answers 503 so the
/// provider delivers it again.
/// </summary>
internal sealed partial class WebhookReceiver : IAsyncDisposable
{
    /// <summary>Largest delivery body accepted (a task object is a few hundred bytes).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>http://HOST:PORT/hooks: the receiver's own base address (the callback base when no public_url is set).</summary>
    public Uri Address { get; }

    /// <exception cref="WebhookReceiverException">The address cannot be bound.</exception>
    public static async Task<WebhookReceiver> StartAsync(IPEndPoint listen, WebhookInbox inbox, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var builder = EmbeddedWebHost.CreateBuilder(typeof(WebhookReceiver).Assembly.GetName().Name!);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.Listen(listen);
        });
        var app = builder.Build();
        var handler = new Handler(inbox, time, logger);
        app.MapPost("/{**path}", handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new WebhookReceiverException($"webhook.listen: cannot listen on {listen}: {ex.Message}", ex);
        }

        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var host = listen.Address.Equals(IPAddress.Any) ? "127.0.0.1"
            : listen.Address.Equals(IPAddress.IPv6Any) ? "[::1]"
            : listen.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{listen.Address}]"
            : listen.Address.ToString();
        return new WebhookReceiver(app, new Uri($"http://{host}:{bound.Port}/hooks"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private sealed partial class Handler(WebhookInbox inbox, TimeProvider time, ILogger logger)
    {
        public async Task HandleAsync(HttpContext http, string? path)
        {
            var provider = (path ?? string.Empty).TrimEnd('/').Split('/')[^1];
            if (inbox.SourceOf(provider) is not { } source)
            {
                await ReplyAsync(http, StatusCodes.Status404NotFound, "no webhook receiver for this path").ConfigureAwait(false);
                return;
            }

            byte[] body;
            try
            {
                body = await ReadBodyAsync(http).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex)
            {
                await ReplyAsync(http, ex.StatusCode, "unreadable body").ConfigureAwait(false);
                return;
            }

            var headers = http.Request.Headers;
            var check = source.Check(name => headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null, body, time.GetUtcNow());
            switch (check)
            {
                case { Verdict: WebhookVerdict.Unauthorized }:
                    LogRejected(provider, http.Connection.RemoteIpAddress?.ToString() ?? "?");
                    await ReplyAsync(http, StatusCodes.Status401Unauthorized, "bad or missing signature").ConfigureAwait(false);
                    return;
                case { Verdict: WebhookVerdict.Accepted, Delivery: { } delivery }:
                    await AcceptAsync(http, delivery).ConfigureAwait(false);
                    return;
                default:
                    LogMalformed(provider);
                    await ReplyAsync(http, StatusCodes.Status400BadRequest, "not a task status").ConfigureAwait(false);
                    return;
            }
        }

        private async Task AcceptAsync(HttpContext http, WebhookDelivery delivery)
        {
            try
            {
                // Not cancelled by a dropped connection: once started, the record is written (the repeat is a duplicate).
                await inbox.AcceptAsync(delivery, CancellationToken.None).ConfigureAwait(false);
            }
            catch (LedgerException ex)
            {
                LogNotRecorded(delivery.Provider, delivery.RemoteId, ex.Message);
                await ReplyAsync(http, StatusCodes.Status503ServiceUnavailable, "not recorded; deliver again").ConfigureAwait(false);
                return;
            }
            catch (ObjectDisposedException)
            {
                // The run is closing its ledger: the provider delivers again, the next run's polls find the task anyway.
                await ReplyAsync(http, StatusCodes.Status503ServiceUnavailable, "shutting down").ConfigureAwait(false);
                return;
            }

            await ReplyAsync(http, StatusCodes.Status200OK, "ok").ConfigureAwait(false);
        }

        private static async Task<byte[]> ReadBodyAsync(HttpContext http)
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
            return buffer.ToArray();
        }

        private static Task ReplyAsync(HttpContext http, int status, string text)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "text/plain";
            return http.Response.WriteAsync(text, http.RequestAborted);
        }

        [LoggerMessage(EventId = 62, EventName = "webhook_rejected", Level = LogLevel.Warning, Message = "{Provider}: webhook delivery from {Remote} refused: bad or missing signature (401)")]
        private partial void LogRejected(string provider, string remote);

        [LoggerMessage(EventId = 63, EventName = "webhook_malformed", Level = LogLevel.Warning, Message = "{Provider}: signed webhook delivery is not a task status; refused (400)")]
        private partial void LogMalformed(string provider);

        [LoggerMessage(EventId = 64, EventName = "webhook_not_recorded", Level = LogLevel.Error, Message = "{Provider}: webhook for task {RemoteId} could not be recorded ({Reason}); answered 503 so it is delivered again")]
        private partial void LogNotRecorded(string provider, string remoteId, string reason);
    }
}

/// <summary>The receiver cannot start (its address is taken or not local): one line, exit 2.</summary>
internal sealed class WebhookReceiverException(string message, Exception inner) : Exception(message, inner);
