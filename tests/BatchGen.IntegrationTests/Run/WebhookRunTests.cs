using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Run;

/// <summary>
/// `batchgen run` with a <c>webhook:</c> section, as a child process, against `batchgen sim` (its own process) whose
/// Magnific sends signed status callbacks to the receiver the run starts on 127.0.0.1.
/// </summary>
public sealed class WebhookRunTests(ITestOutputHelper output)
{
    /// <summary>The simulator's default Magnific signing secret (scenario <c>webhook_secret</c>).</summary>
    private const string SimulatorSecret = "whsec_YmF0Y2hnZW4tc2ltdWxhdG9yLXdlYmhvb2s=";

    private const int MagnificJobs = 20;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Run_MagnificWithWebhooks_CompletesByCallbackAndRefusesForgedAndRepeatedDeliveries()
    {
        using var dir = new TempDirectory();
        // One slow GMI job keeps the run (and its receiver) alive while the Magnific jobs finish and the test calls in.
        var scenario = dir.Write("slow-gmi.yaml", "providers:\n  gmicloud:\n    latency: {queue_min_seconds: 1, queue_max_seconds: 1, generation_base_seconds: 2500, generation_per_video_second: 0, jitter: 0}\n");
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--scenario", scenario);
        var manifest = WriteManifest(dir, MagnificJobs, slowGmi: true, "webhook: {listen: \"127.0.0.1:0\"}");
        await using var run = StartRun(dir, manifest, RunFixtures.WriteProvidersFile(dir, sim.BaseAddress));

        var receiver = await ReceiverAsync(run);
        await RunFixtures.WaitForLedgerAsync(dir, jobs => jobs.Count(j => j.Provider == ProviderNames.Magnific && j.State == JobState.Succeeded) == MagnificJobs, RunFixtures.StateTimeout);
        var hook = new Uri(receiver, "hooks/magnific");
        var done = (await RunCommandTests.ReadLedgerAsync(dir)).First(j => j.Provider == ProviderNames.Magnific);
        var completed = $$"""{"generated":["{{done.ResultUrl}}"],"task_id":"{{done.RemoteId}}","status":"COMPLETED"}""";

        // Forged: signed with another secret, unsigned, or altered after signing.
        (await PostAsync(hook, completed, Sign("whsec_" + Convert.ToBase64String(new byte[24]), "msg_forged", completed))).ShouldBe(HttpStatusCode.Unauthorized);
        (await PostAsync(hook, completed, [])).ShouldBe(HttpStatusCode.Unauthorized);
        var altered = completed.Replace("COMPLETED", "FAILED", StringComparison.Ordinal);
        (await PostAsync(hook, altered, Sign(SimulatorSecret, "msg_altered", completed))).ShouldBe(HttpStatusCode.Unauthorized);
        // Signed but not a task: 400, and the receiver keeps working.
        (await PostAsync(hook, "{\"nonsense\":", Sign(SimulatorSecret, "msg_bad", "{\"nonsense\":"))).ShouldBe(HttpStatusCode.BadRequest);
        // A task this run does not know: acknowledged.
        var unknown = """{"generated":[],"task_id":"00000000-0000-0000-0000-000000000000","status":"IN_PROGRESS"}""";
        (await PostAsync(hook, unknown, Sign(SimulatorSecret, "msg_unknown", unknown))).ShouldBe(HttpStatusCode.OK);

        // The same task and status again: acknowledged, and nothing changes.
        var eventsBefore = await EventCountAsync(dir, done.Id);
        var deliveriesBefore = await DeliveryCountAsync(dir);
        (await PostAsync(hook, completed, Sign(SimulatorSecret, "msg_repeat", completed))).ShouldBe(HttpStatusCode.OK);
        (await EventCountAsync(dir, done.Id)).ShouldBe(eventsBefore);
        (await DeliveryCountAsync(dir)).ShouldBe(deliveriesBefore);

        var exit = await run.WaitForExitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(run.StdOut);
        exit.ShouldBe(0, run.StdErr);
        var jobs = await RunCommandTests.ReadLedgerAsync(dir);
        jobs.ShouldAllBe(j => j.State == JobState.Succeeded);
        (await RunCommandTests.ReadLedgerAsync(dir)).Single(j => j.Id == done.Id).Sha256.ShouldBe(done.Sha256);
        using var stats = await sim.StatsAsync();
        var magnific = stats.RootElement.GetProperty("providers").GetProperty(ProviderNames.Magnific);
        var submits = magnific.GetProperty("submit_attempts").GetInt64();
        var polls = magnific.GetProperty("polls").GetInt64();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"magnific: {submits} submits and {polls} polls for {MagnificJobs} jobs; webhooks sent {magnific.GetProperty("webhooks_sent")}"));
        submits.ShouldBeGreaterThanOrEqualTo(MagnificJobs);
        // Completion came by callback: finding each job finished by polling takes at least one poll per job. How few
        // the safety-net polls are depends on timing (1.00-1.35 requests per job here); the figure itself is the load
        // harness's (README "Performance at the limit"), not a test's.
        polls.ShouldBeLessThan(MagnificJobs / 2);
        magnific.GetProperty("webhooks_sent").GetInt64().ShouldBeGreaterThanOrEqualTo(MagnificJobs);
        (await DeliveryCountAsync(dir)).ShouldBeGreaterThanOrEqualTo(MagnificJobs + 1, "every finishing delivery and the unknown task's are recorded");
    }

    [Fact]
    public async Task Run_ReceiverUnreachable_SafetyNetPollsFinishTheBatch()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01");
        // Providers are told to call a port nobody listens on: every delivery fails (after the simulator's retries).
        var manifest = WriteManifest(dir, 8, slowGmi: false, "webhook: {listen: \"127.0.0.1:0\", public_url: \"http://127.0.0.1:1/hooks\"}");
        await using var run = StartRun(dir, manifest, RunFixtures.WriteProvidersFile(dir, sim.BaseAddress));

        var exit = await run.WaitForExitAsync(TimeSpan.FromMinutes(3));

        exit.ShouldBe(0, run.StdErr);
        (await RunCommandTests.ReadLedgerAsync(dir)).ShouldAllBe(j => j.State == JobState.Succeeded);
        using var stats = await sim.StatsAsync();
        var magnific = stats.RootElement.GetProperty("providers").GetProperty(ProviderNames.Magnific);
        magnific.GetProperty("webhooks_sent").GetInt64().ShouldBe(0);
        magnific.GetProperty("webhooks_failed").GetInt64().ShouldBeGreaterThan(0);
        magnific.GetProperty("polls").GetInt64().ShouldBeGreaterThanOrEqualTo(8, "each job was found finished by a poll");
    }

    private static CliChild StartRun(TempDirectory dir, string manifest, string providers)
    {
        var environment = RunFixtures.KeyEnvironment();
        environment["MAGNIFIC_WEBHOOK_SECRET"] = SimulatorSecret;
        return CliProcess.Start(dir.Path, environment, "run", manifest, "--progress", "none", "--out", Path.Combine(dir.Path, "out"), "--providers", providers);
    }

    /// <summary>The receiver's base address, from the line the run prints once it listens.</summary>
    private static async Task<Uri> ReceiverAsync(CliChild run)
    {
        var line = await run.WaitForLineAsync(l => l.StartsWith("Webhooks: receiving on ", StringComparison.Ordinal), RunFixtures.StateTimeout);
        var url = line["Webhooks: receiving on ".Length..].Split(' ')[0];
        return new Uri(new Uri(url).GetLeftPart(UriPartial.Authority) + "/");
    }

    private static string WriteManifest(TempDirectory dir, int magnificJobs, bool slowGmi, string webhook)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 1\nname: hooks");
        yaml.AppendLine("defaults:\n  prompt: \"a cat surfing a wave, take {take}\"\n  image_url: https://example.com/cat.png\n  duration: 5\n  resolution: 540p");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"matrix:\n  provider: [magnific]\n  take: [{string.Join(", ", Enumerable.Range(1, magnificJobs))}]");
        if (slowGmi)
        {
            yaml.AppendLine("include:\n  - {provider: gmicloud, take: 999}");
        }

        yaml.AppendLine(webhook);
        return dir.Write("hooks.yaml", yaml.ToString());
    }

    private static async Task<HttpStatusCode> PostAsync(Uri hook, string body, Dictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hook) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Standard Webhooks headers, as the simulator signs: a whsec_ secret is base64-decoded.</summary>
    private static Dictionary<string, string> Sign(string secret, string id, string body)
    {
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["webhook-id"] = id,
            ["webhook-timestamp"] = timestamp,
            ["webhook-signature"] = "v1," + signature,
        };
    }

    private static async Task<int> EventCountAsync(TempDirectory dir, string jobId)
    {
        await using var ledger = await OpenAsync(dir);
        var count = 0;
        await foreach (var _ in ledger.ReadEventsAsync(jobId, CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    private static async Task<long> DeliveryCountAsync(TempDirectory dir)
    {
        await using var ledger = await OpenAsync(dir);
        return await ledger.CountWebhooksAsync(CancellationToken.None);
    }

    private static Task<SqliteLedger> OpenAsync(TempDirectory dir) =>
        SqliteLedger.OpenReadOnlyAsync(Path.Combine(dir.Path, "out", "ledger.db"), TimeProvider.System, CancellationToken.None);
}
