using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchGen.Tests.Downloads;

/// <summary>
/// A real Kestrel server on 127.0.0.1 serving test videos: <c>/video/{name}</c> with Range support,
/// <c>/cut/{name}</c> that drops the connection half-way the first time, <c>/short/{name}</c> that always sends
/// 100 bytes less than its Content-Length, <c>/chunks/{name}</c> that sends the body in pieces of odd sizes (each
/// flushed), <c>/hold/{name}</c> that sends the first half and then waits until the client goes away, and
/// <c>/status/{code}</c>. Logs every request's path and Range header.
/// </summary>
internal sealed class TestVideoServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _videos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);

    private TestVideoServer(WebApplication app) => _app = app;

    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<TestVideoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new TestVideoServer(builder.Build());
        server.Map();
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address + "/");
        return server;
    }

    public Uri Add(string name, byte[] video)
    {
        _videos[name] = video;
        return new Uri(BaseAddress, $"video/{name}");
    }

    public Uri Url(string path) => new(BaseAddress, path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map()
    {
        _app.Use(async (context, next) =>
        {
            Requests.Enqueue($"{context.Request.Path} {context.Request.Headers.Range}".TrimEnd());
            await next(context);
        });
        _app.MapGet("/video/{name}", (string name) => Results.Bytes(_videos[name], "video/mp4", enableRangeProcessing: true));
        _app.MapGet("/cut/{name}", async (string name, HttpContext context) =>
        {
            if (_hits.AddOrUpdate(name, 1, (_, n) => n + 1) > 1)
            {
                return Results.Bytes(_videos[name], "video/mp4", enableRangeProcessing: true);
            }

            await SendPartAsync(context, _videos[name], _videos[name].Length / 2);
            return Results.Empty;
        });
        _app.MapGet("/short/{name}", async (string name, HttpContext context) =>
        {
            await SendPartAsync(context, _videos[name], _videos[name].Length - 100);
            return Results.Empty;
        });
        _app.MapGet("/chunks/{name}", async (string name, HttpContext context) =>
        {
            var video = _videos[name];
            context.Response.ContentType = "video/mp4";
            context.Response.ContentLength = video.Length;
            var sizes = new[] { 1, 4095, 7919, 65_537, 100_003, 3, 262_145 };
            for (int offset = 0, i = 0; offset < video.Length; offset += sizes[i++ % sizes.Length])
            {
                await context.Response.Body.WriteAsync(video.AsMemory(offset, Math.Min(sizes[i % sizes.Length], video.Length - offset)));
                await context.Response.Body.FlushAsync();
            }

            return Results.Empty;
        });
        _app.MapGet("/hold/{name}", async (string name, HttpContext context) =>
        {
            var video = _videos[name];
            context.Response.ContentType = "video/mp4";
            context.Response.ContentLength = video.Length;
            await context.Response.Body.WriteAsync(video.AsMemory(0, video.Length / 2));
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        });
        _app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
    }

    private static async Task SendPartAsync(HttpContext context, byte[] video, int count)
    {
        context.Response.ContentType = "video/mp4";
        context.Response.ContentLength = video.Length;
        await context.Response.Body.WriteAsync(video.AsMemory(0, count));
        await context.Response.Body.FlushAsync();
        context.Abort();
    }
}
