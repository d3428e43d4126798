using System.Text;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Images;

/// <summary>
/// Local images end to end: the CLI in its own process, the simulator in another (Pixwith's pre_url flow, image URLs
/// fetched at submit), s3rver as the image store. Each image is uploaded once per place across interrupts and resumes.
/// </summary>
public sealed class LocalImageRunTests(ITestOutputHelper output)
{
    private const int Images = 3;

    [Fact]
    public async Task Run_PixwithPreUrl_InterruptedThenKilledThenResumed_EachImageUploadedOnce()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.05", "--seed", "3", "--scenario", RunFixtures.WriteIdempotentScenario(dir));
        var names = WriteShots(dir);
        var manifest = dir.Write("frames.yaml", "version: 1\nname: frames\ndefaults:\n  prompt: a cat\n  provider: pixwith\n  resolution: 540p\n  image: shots/*.png\nmatrix:\n  num_outputs: [1, 2, 3]\n");
        // Providers that honour Idempotency-Key: a kill mid-submit is resolved by the resume, so every job can be checked.
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2, idempotentSubmits: true);
        string[] args = ["run", manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out")];
        var env = RunFixtures.KeyEnvironment();

        await using (var first = CliProcess.Start(dir.Path, env, args))
        {
            await RunFixtures.WaitForLedgerAsync(dir, jobs => jobs.Any(j => j.State != JobState.Pending), RunFixtures.StateTimeout);
            await first.SignalAsync("INT");
            await first.WaitForExitAsync(RunFixtures.StopTimeout);
        }

        await using (var second = CliProcess.Start(dir.Path, env, args))
        {
            await RunFixtures.WaitForLedgerAsync(dir, jobs => jobs.Count(j => j.State is JobState.Submitted or JobState.Running or JobState.Succeeded) >= 4, RunFixtures.StateTimeout);
            await ChildProcesses.KillTreeAsync(second.Process);
        }

        var final = await CliProcess.RunAsync(dir.Path, env, args);
        output.WriteLine(final.StdOut + final.StdErr);

        final.ExitCode.ShouldBe(0, final.StdErr);
        var jobs = await ReadJobsAsync(dir);
        jobs.Count.ShouldBe(Images * 3);
        jobs.ShouldAllBe(j => j.State == JobState.Succeeded);
        using var stats = await sim.StatsAsync();
        var uploads = stats.RootElement.GetProperty("image_uploads");
        foreach (var sha in names.Values)
        {
            uploads.GetProperty(sha + ".png").GetInt32().ShouldBe(1, $"image {sha} was uploaded more than once");
        }

        uploads.EnumerateObject().Count().ShouldBe(Images);
        stats.RootElement.GetProperty("providers").GetProperty("pixwith").GetProperty("validation_errors").GetInt32().ShouldBe(0, "every image URL resolved to uploaded bytes");
        (await ReadUploadsAsync(dir)).Where(u => !u.Pending).Select(u => (u.Sha256, u.Provider)).Order().ShouldBe(names.Values.Order().Select(s => (s, "pixwith")));
    }

    [Fact]
    public async Task Run_AllFiveProvidersWithImageStoreOnS3rver_EachImageStoredOnceAndUploadedOnceToPixwith()
    {
        using var dir = new TempDirectory();
        await using var s3 = await S3rverProcess.StartAsync("frames");
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.05", "--seed", "5", "--scenario", RunFixtures.WriteIdempotentScenario(dir));
        var names = WriteShots(dir);
        var yaml = new StringBuilder("version: 1\nname: frames\n");
        yaml.Append("image_store:\n  endpoint: ").Append(s3.Endpoint).Append("\n  bucket: frames\n  prefix: in/\n  region: us-east-1\n");
        yaml.Append("defaults:\n  prompt: a cat\n  duration: 5\n  resolution: 540p\n  image: shots/*.png\n");
        yaml.Append("matrix:\n  provider: [").Append(string.Join(", ", ProviderNames.All)).Append("]\n");
        var manifest = dir.Write("frames.yaml", yaml.ToString());
        // Providers that honour Idempotency-Key: a kill mid-submit is resolved by the resume, so every job can be checked.
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2, idempotentSubmits: true);
        string[] args = ["run", manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out")];
        var env = new Dictionary<string, string>(RunFixtures.KeyEnvironment(), StringComparer.Ordinal);
        foreach (var (key, value) in S3rverProcess.ChildEnvironment)
        {
            env[key] = value;
        }

        await using (var first = CliProcess.Start(dir.Path, env, args))
        {
            await RunFixtures.WaitForLedgerAsync(dir, jobs => jobs.Count(j => j.State != JobState.Pending) >= 3, RunFixtures.StateTimeout);
            await ChildProcesses.KillTreeAsync(first.Process);
        }

        var final = await CliProcess.RunAsync(dir.Path, env, args);
        output.WriteLine(final.StdOut + final.StdErr);

        final.ExitCode.ShouldBe(0, final.StdErr);
        var jobs = await ReadJobsAsync(dir);
        jobs.Count.ShouldBe(Images * ProviderNames.All.Count);
        jobs.ShouldAllBe(j => j.State == JobState.Succeeded);
        foreach (var sha in names.Values)
        {
            s3.StoredCount($"in/{sha}.png").ShouldBe(1, $"in/{sha}.png stored {s3.StoredCount($"in/{sha}.png")} times; log:\n{s3.RecentOutput}");
        }

        s3.StoredCounts().Keys.Count(k => k.StartsWith("in/", StringComparison.Ordinal)).ShouldBe(Images);
        using var stats = await sim.StatsAsync();
        stats.RootElement.GetProperty("image_uploads").EnumerateObject().ShouldAllBe(p => p.Value.GetInt32() == 1);
        foreach (var provider in stats.RootElement.GetProperty("providers").EnumerateObject())
        {
            provider.Value.GetProperty("validation_errors").GetInt32().ShouldBe(0, $"{provider.Name}: an image URL did not resolve");
        }

        var uploads = (await ReadUploadsAsync(dir)).Where(u => !u.Pending).ToList();
        uploads.Count(u => u.Provider == "image_store").ShouldBe(Images);
        uploads.Count(u => u.Provider == "pixwith").ShouldBe(Images);
    }

    [Fact]
    public async Task Run_ImageUrlThatDoesNotResolve_RefusedBeforeAnySubmit()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.02");
        var missing = new Uri(sim.BaseAddress, "cdn/pixwith/none/x.png");
        var manifest = dir.Write("m.yaml", $"version: 1\nname: bad\ndefaults:\n  prompt: a cat\n  resolution: 540p\n  image_url: {missing}\nmatrix:\n  provider: [pixwith, segmind]\n");
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);

        var result = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), ["run", manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "out")]);

        result.ExitCode.ShouldBe(2, result.StdErr);
        result.StdErr.ShouldContain($"{manifest}:6:14: image_url: '{missing}' answered HTTP 404");
        (await sim.TotalSubmitsAsync()).ShouldBe(0);
    }

    [Theory]
    [InlineData("pixwith", "api/task/create", "Api-Key", "{\"model_id\":\"2-27\",\"prompt\":\"a cat\",\"image_urls\":[\"IMAGE\"],\"options\":{\"prompt_optimization\":false,\"num_outputs\":1,\"resolution\":\"540p\",\"aspect_ratio\":\"16:9\",\"duration\":5}}", "Invalid image url")]
    [InlineData("segmind", "v2/pixverse-5-video", "x-api-key", "{\"prompt\":\"a cat\",\"image_url\":\"IMAGE\",\"duration\":5,\"quality\":\"540p\"}", "Invalid image url")]
    public async Task Simulator_SubmitWithUnresolvableLoopbackImage_ValidationErrorInTheProvidersShape(string provider, string path, string keyHeader, string body, string expected)
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path);
        var image = new Uri(sim.BaseAddress, "cdn/pixwith/none/x.png");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sim.BaseAddress, $"{provider}/{path}"))
        {
            Content = new StringContent(body.Replace("IMAGE", image.ToString(), StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(keyHeader, "test-key");

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        text.ShouldContain(expected);
        using var stats = await sim.StatsAsync();
        stats.RootElement.GetProperty("providers").GetProperty(provider).GetProperty("submits").GetInt32().ShouldBe(0, text);
        stats.RootElement.GetProperty("providers").GetProperty(provider).GetProperty("validation_errors").GetInt32().ShouldBe(1, text);
    }

    /// <summary>Three distinct PNGs under shots/; their SHA-256 by file name.</summary>
    private static Dictionary<string, string> WriteShots(TempDirectory dir)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        Directory.CreateDirectory(Path.Combine(dir.Path, "shots"));
        for (var i = 0; i < Images; i++)
        {
            var bytes = TestImages.Png(64, 36, (byte)(10 + i));
            var name = $"shot{i}.png";
            File.WriteAllBytes(Path.Combine(dir.Path, "shots", name), bytes);
            names[name] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        }

        return names;
    }

    private static async Task<List<LedgerJob>> ReadJobsAsync(TempDirectory dir)
    {
        await using var ledger = await SqliteLedger.OpenReadOnlyAsync(Path.Combine(dir.Path, "out", "ledger.db"), TimeProvider.System, CancellationToken.None);
        var jobs = new List<LedgerJob>();
        await foreach (var job in ledger.ReadJobsAsync(CancellationToken.None))
        {
            jobs.Add(job);
        }

        return jobs;
    }

    private static async Task<IReadOnlyList<UploadRecord>> ReadUploadsAsync(TempDirectory dir)
    {
        await using var ledger = await SqliteLedger.OpenReadOnlyAsync(Path.Combine(dir.Path, "out", "ledger.db"), TimeProvider.System, CancellationToken.None);
        return await ledger.ReadUploadsAsync(CancellationToken.None).ToListAsync();
    }
}
