using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator;

/// <summary>
/// A simulator with a state directory keeps its tasks across a restart: the same task answers, its result URLs (of the
/// old port) still serve the same bytes, Idempotency-Keys still replay, counters and credits carry on.
/// </summary>
public sealed class StateJournalTests : IDisposable
{
    private static readonly (string, string) Key = ProviderCalls.Key("pixwith");
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _clock = new(SimTestHost.Start);

    private string StateDirectory => Path.Combine(_dir.Path, ".simulator");

    [Fact]
    public async Task Restart_WithStateDirectory_TaskSurvivesAndItsOldUrlServesTheSameBytes()
    {
        string taskId;
        string oldUrl;
        byte[] before;
        await using (var first = await StartAsync())
        {
            taskId = ProviderCalls.IdOf("pixwith", (await SubmitAsync(first, "job-1")).Json!);
            _clock.Advance(TimeSpan.FromSeconds(5));
            var poll = await PollAsync(first, taskId);
            poll.Json!["data"]!["result_urls"]!.AsArray().Count.ShouldBe(2);
            oldUrl = poll.Json!["data"]!["result_urls"]![1]!.GetValue<string>();
            before = await first.Client.GetByteArrayAsync(new Uri(oldUrl));
        }

        await using var second = await StartAsync();
        var again = await PollAsync(second, taskId);

        again.Status.ShouldBe(200);
        again.Json!["data"]!["status"]!.GetValue<int>().ShouldBe(2);
        var moved = new UriBuilder(oldUrl) { Port = second.Host.BaseAddress.Port }.Uri;
        (await second.Client.GetByteArrayAsync(moved)).ShouldBe(before);
        var stats = second.Host.GetStats();
        stats.Providers["pixwith"].Submits.ShouldBe(1);
        stats.IdempotencyKeys.ShouldBe(new Dictionary<string, int> { ["job-1"] = 1 });
    }

    [Fact]
    public async Task Restart_SubmitWithTheSameIdempotencyKey_ReplaysTheTaskAndANewSubmitGetsANewId()
    {
        string taskId;
        await using (var first = await StartAsync(honourIdempotencyKey: true))
        {
            taskId = ProviderCalls.IdOf("pixwith", (await SubmitAsync(first, "job-1")).Json!);
        }

        await using var second = await StartAsync(honourIdempotencyKey: true);
        var replay = ProviderCalls.IdOf("pixwith", (await SubmitAsync(second, "job-1")).Json!);
        var other = ProviderCalls.IdOf("pixwith", (await SubmitAsync(second, "job-2")).Json!);

        replay.ShouldBe(taskId);
        other.ShouldNotBe(taskId);
        second.Host.GetStats().IdempotencyKeys.OrderBy(kv => kv.Key).ShouldBe([new("job-1", 1), new("job-2", 1)]);
    }

    [Fact]
    public async Task Restart_SubmitWithoutKeyWhoseBodyWasSeenBefore_GetsANewTaskNotTheOldId()
    {
        string taskId;
        await using (var first = await StartAsync())
        {
            taskId = ProviderCalls.IdOf("pixwith", (await SubmitAsync(first, null)).Json!);
        }

        await using var second = await StartAsync();
        var again = ProviderCalls.IdOf("pixwith", (await SubmitAsync(second, null)).Json!);

        again.ShouldNotBe(taskId);
        second.Host.GetStats().SubmitsWithoutKey.ShouldBe(2);
    }

    [Fact]
    public async Task Start_JournalWithATornLastLine_DropsItAndKeepsTheRest()
    {
        await using (var first = await StartAsync())
        {
            await SubmitAsync(first, "job-1");
        }

        await File.AppendAllTextAsync(Path.Combine(StateDirectory, TaskJournal.TasksFileName), "{\"provider\":\"pixw");
        await using (var second = await StartAsync())
        {
            second.Host.GetStats().Providers["pixwith"].Submits.ShouldBe(1);
            await SubmitAsync(second, "job-2");
        }

        await using var third = await StartAsync();
        third.Host.GetStats().IdempotencyKeys.Keys.Order().ShouldBe(["job-1", "job-2"]);
    }

    [Fact]
    public async Task Start_JournalWithADamagedMiddleLine_RefusesWithFileAndLine()
    {
        Directory.CreateDirectory(StateDirectory);
        await File.WriteAllTextAsync(Path.Combine(StateDirectory, TaskJournal.TasksFileName), "not json\n{}\n");

        var ex = await Should.ThrowAsync<SimulatorConfigException>(StartAsync());

        ex.Message.ShouldStartWith(Path.Combine(StateDirectory, TaskJournal.TasksFileName) + ":1: not a simulator task record");
    }

    [Fact]
    public async Task Start_StateDirectoryInUse_Refused()
    {
        await using var first = await StartAsync();

        var ex = await Should.ThrowAsync<SimulatorConfigException>(StartAsync());

        ex.Message.ShouldContain("another simulator may be using it");
    }

    public void Dispose() => _dir.Dispose();

    private async Task<SimTestHost> StartAsync(bool honourIdempotencyKey = false) =>
        await SimTestHost.StartAsync(_clock, StateDirectory, s => s.Providers["pixwith"].HonourIdempotencyKey = honourIdempotencyKey);

    private static Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> SubmitAsync(SimTestHost sim, string? idempotencyKey)
    {
        var body = new
        {
            prompt = "a cat surfing",
            model_id = "2-27",
            image_urls = new[] { "https://example.com/cat.png" },
            options = new { prompt_optimization = false, num_outputs = 2, resolution = "540p", aspect_ratio = "16:9", duration = 5 },
        };
        return idempotencyKey is null
            ? sim.PostAsync("/pixwith/api/task/create", body, Key)
            : sim.PostAsync("/pixwith/api/task/create", body, Key, ("Idempotency-Key", idempotencyKey));
    }

    private static Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> PollAsync(SimTestHost sim, string id) =>
        ProviderCalls.PollAsync(sim, "pixwith", id, Key);
}
