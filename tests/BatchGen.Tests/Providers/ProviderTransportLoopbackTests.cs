using System.Net;
using System.Net.Sockets;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchGen.Tests.Providers;

/// <summary>Transport failures with a real HttpClient and Kestrel on 127.0.0.1: refused, reset mid-body, client timeout.</summary>
public sealed class ProviderTransportLoopbackTests : IAsyncLifetime
{
    private WebApplication? app;
    private Uri? baseUrl;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.MapPost("/api/v1/ie/requestqueue/apikey/requests", async (HttpContext http) =>
        {
            // Promise 1000 bytes, send a few, then drop the connection.
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = 1000;
            await http.Response.WriteAsync("{\"request_id\":", http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
            http.Abort();
        });
        app.MapGet("/api/v1/ie/requestqueue/apikey/requests/{id}", async (HttpContext http) =>
            await Task.Delay(Timeout.InfiniteTimeSpan, http.RequestAborted));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        baseUrl = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task SubmitAsync_ResetMidBody_IsRetryableConnectionMaybeAccepted()
    {
        using var http = new HttpClient();

        var outcome = await CreateSut(baseUrl!, http).SubmitAsync(TestJobs.Job(ProviderNames.GmiCloud), CancellationToken.None);

        var error = outcome.Error.ShouldNotBeNull();
        error.Class.ShouldBe(ErrorClass.Retryable);
        error.Code.ShouldBe("connection");
        error.MayHaveBeenAccepted.ShouldBeTrue();
        error.Message.ShouldNotContain(TestJobs.ApiKey);
    }

    [Fact]
    public async Task PollAsync_HttpClientTimeout_IsRetryableTimeout()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };

        var outcome = await CreateSut(baseUrl!, http).PollAsync("r1", CancellationToken.None);

        outcome.State.ShouldBeNull();
        outcome.Error.ShouldNotBeNull().Code.ShouldBe("timeout");
    }

    [Fact]
    public async Task PollAsync_CallerCancels_ThrowsOperationCanceled()
    {
        using var http = new HttpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Should.ThrowAsync<OperationCanceledException>(() => CreateSut(baseUrl!, http).PollAsync("r1", cts.Token));
    }

    [Fact]
    public async Task SubmitAsync_ConnectionRefused_IsRetryableAndCertainlyNotAccepted()
    {
        // A port bound but never listened on: connecting is refused, and no other test can take the port meanwhile.
        using var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        using var http = new HttpClient();

        var outcome = await CreateSut(new Uri($"http://127.0.0.1:{port}"), http).SubmitAsync(TestJobs.Job(ProviderNames.GmiCloud), CancellationToken.None);

        var error = outcome.Error.ShouldNotBeNull();
        error.Code.ShouldBe("connection");
        error.MayHaveBeenAccepted.ShouldBeFalse();
    }

    private static IProviderAdapter CreateSut(Uri baseUrl, HttpClient http)
    {
        var settings = ProviderCatalog.CreateDefaults()[ProviderNames.GmiCloud];
        settings.BaseUrl = baseUrl;
        return ProviderAdapterFactory.Create(settings, http, TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));
    }
}
