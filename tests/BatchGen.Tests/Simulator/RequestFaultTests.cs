using System.Text.Json;
using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator;

public sealed class RequestFaultTests
{
    private const string Path = "/magnific/v1/ai/image-to-video/pixverse-v5-5";
    private static readonly object Body = new { prompt = "p", image_url = "https://example.com/a.png" };

    private static Task<SimTestHost> StartAsync(FaultScenario faults) =>
        SimTestHost.StartAsync(s => s.Providers["magnific"].Faults = faults);

    [Theory]
    [InlineData(500, "Internal Server Error")]
    [InlineData(502, "Bad Gateway")]
    [InlineData(503, "Service Unavailable. Please try again later.")]
    public async Task ServerError_IsInTheProviderShapeAndCreatesNoTask(int code, string message)
    {
        var faults = code switch
        {
            500 => new FaultScenario { Http500 = 1 },
            502 => new FaultScenario { Http502 = 1 },
            _ => new FaultScenario { Http503 = 1 },
        };
        await using var sim = await StartAsync(faults);
        var (status, json, _) = await sim.PostAsync(Path, Body, ("x-magnific-api-key", "k"), ("Idempotency-Key", "job-1"));

        status.ShouldBe(code);
        json!["message"]!.GetValue<string>().ShouldBe(message);
        var stats = sim.Host.GetStats();
        stats.Providers["magnific"].Submits.ShouldBe(0);
        stats.Providers["magnific"].SubmitAttempts.ShouldBe(1);
        stats.Providers["magnific"].ServerErrors.ShouldBe(1);
    }

    [Fact]
    public async Task ConnectionReset_OnSubmit_DropsTheReplyButCreatesTheTask()
    {
        await using var sim = await StartAsync(new FaultScenario { ConnectionReset = 1 });
        await Should.ThrowAsync<HttpRequestException>(() => sim.PostAsync(Path, Body, ("x-magnific-api-key", "k"), ("Idempotency-Key", "job-1")));

        var stats = sim.Host.GetStats();
        stats.Providers["magnific"].Submits.ShouldBe(1);
        stats.Providers["magnific"].ConnectionResets.ShouldBe(1);
        stats.IdempotencyKeys["job-1"].ShouldBe(1);
    }

    [Fact]
    public async Task MalformedJson_Is200WithABrokenBody()
    {
        await using var sim = await StartAsync(new FaultScenario { MalformedJson = 1 });
        using var request = new HttpRequestMessage(HttpMethod.Get, Path.TrimStart('/'));
        request.Headers.Add("x-magnific-api-key", "k");
        using var response = await sim.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(200);
        Should.Throw<JsonException>(() => JsonDocument.Parse(text));
    }

    [Fact]
    public async Task SlowResponse_StillAnswersAfterTheDelay()
    {
        await using var sim = await StartAsync(new FaultScenario { SlowResponse = 1, SlowResponseSeconds = 30 });
        var reply = sim.GetAsync(Path, ("x-magnific-api-key", "k"));
        // The reply is held on the simulator's clock: it comes once that clock has moved past the delay. The clock is
        // moved until it does (the delay's timer may not exist yet when the test first moves it), bounded in time.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (sim.Host.GetStats().Providers["magnific"].SlowResponses == 0)
        {
            await Task.Delay(10, timeout.Token);
        }

        reply.IsCompleted.ShouldBeFalse("the reply waits for the simulator's clock");
        while (!reply.IsCompleted)
        {
            timeout.Token.ThrowIfCancellationRequested();
            sim.Clock.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(reply, Task.Delay(10, timeout.Token));
        }

        var (status, _, _) = await reply;
        status.ShouldBe(200);
        sim.Host.GetStats().Providers["magnific"].SlowResponses.ShouldBe(1);
    }

    [Fact]
    public async Task ModerationFault_FailsTheTaskInTheProviderStatus()
    {
        await using var sim = await StartAsync(new FaultScenario { TaskModeration = 1 });
        var (_, created, _) = await sim.PostAsync(Path, Body, ("x-magnific-api-key", "k"));
        sim.FinishAll();
        var (_, done, _) = await sim.GetAsync($"{Path}/{created!["data"]!["task_id"]}", ("x-magnific-api-key", "k"));
        done!["data"]!["status"]!.GetValue<string>().ShouldBe("FAILED");
        done["data"]!["generated"]!.AsArray().ShouldBeEmpty();
        sim.Host.GetStats().Providers["magnific"].ModeratedTasks.ShouldBe(1);
    }

    [Fact]
    public async Task NeverFinishingTask_StaysInProgress()
    {
        await using var sim = await StartAsync(new FaultScenario { TaskNeverFinishes = 1 });
        var (_, created, _) = await sim.PostAsync(Path, Body, ("x-magnific-api-key", "k"));
        sim.Clock.Advance(TimeSpan.FromDays(1));
        var (_, done, _) = await sim.GetAsync($"{Path}/{created!["data"]!["task_id"]}", ("x-magnific-api-key", "k"));
        done!["data"]!["status"]!.GetValue<string>().ShouldBe("IN_PROGRESS");
    }
}
