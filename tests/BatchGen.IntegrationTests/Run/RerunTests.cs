using System.Text.Json;
using BatchGen.IntegrationTests.Support;
using Microsoft.Data.Sqlite;

namespace BatchGen.IntegrationTests.Run;

/// <summary>
/// <c>run</c> again on a finished batch (real CLI, a <c>batchgen sim</c> child, real SQLite ledger): nothing is asked of
/// the providers and nothing is written when nothing changed; a deleted video is downloaded again without a new task; a
/// video that leads out of the output directory through a symbolic link is refused (exit 2) before anything
/// is asked or written.
/// </summary>
public sealed class RerunTests
{
    [Fact]
    public async Task Rerun_FinishedBatch_NoApiRequestNoLedgerEventNoFileWritten()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", "31");
        var args = Arguments(dir, sim, jobs: 6);
        (await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), args)).ExitCode.ShouldBe(0);
        var requests = await RequestsAsync(sim);
        var events = await EventCountAsync(dir);
        var files = WriteTimes(Path.Combine(dir.Path, "out"));

        var again = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), args);

        again.ExitCode.ShouldBe(0, again.StdErr);
        again.StdOut.ShouldContain("6 jobs: 6 succeeded");
        (await RequestsAsync(sim)).ShouldBe(requests, "a finished batch asks the providers nothing");
        (await EventCountAsync(dir)).ShouldBe(events, "nothing changed, so nothing is recorded");
        WriteTimes(Path.Combine(dir.Path, "out")).ShouldBe(files, "no video and no report is written again");
    }

    [Fact]
    public async Task Rerun_VideoDeleted_DownloadedAgainWithoutANewTask()
    {
        using var dir = new TempDirectory();
        // A slower simulated clock than the other tests: the recorded result URL must still be valid when the re-run
        // downloads the video again, however busy the machine.
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.1", "--seed", "32");
        var args = Arguments(dir, sim, jobs: 2, providers: ["aimlapi"]);
        (await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), args)).ExitCode.ShouldBe(0);
        var job = (await RunCommandTests.ReadLedgerAsync(dir)).First();
        var video = Path.Combine(dir.Path, "out", job.FilePath!);
        var bytes = await File.ReadAllBytesAsync(video);
        File.Delete(video);
        var submits = await sim.TotalSubmitsAsync();

        var again = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), args);

        again.ExitCode.ShouldBe(0, again.StdOut + again.StdErr);
        File.Exists(video).ShouldBeTrue("the deleted video is downloaded again");
        (await File.ReadAllBytesAsync(video)).ShouldBe(bytes);
        (await sim.TotalSubmitsAsync()).ShouldBe(submits, "downloaded again, never generated again");
        (await RunCommandTests.ReadLedgerAsync(dir)).ShouldAllBe(j => j.State == Core.Ledger.JobState.Succeeded);
    }

    [Fact]
    public async Task Rerun_VideoLinkedOutside_RefusedAndNothingWrittenThroughTheLink()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", "33");
        var args = Arguments(dir, sim, jobs: 2, providers: ["aimlapi"]);
        (await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), args)).ExitCode.ShouldBe(0);
        // A video moves out of the output directory and a link to it takes its place: following the link gives the same
        // size, time and inode as recorded, so only the link check can tell.
        var job = (await RunCommandTests.ReadLedgerAsync(dir)).First();
        var video = Path.Combine(dir.Path, "out", job.FilePath!);
        var outside = Path.Combine(dir.Path, "elsewhere");
        Directory.CreateDirectory(outside);
        File.Move(video, Path.Combine(outside, "moved.mp4"));
        File.CreateSymbolicLink(video, Path.Combine(outside, "moved.mp4"));
        var outsideFiles = WriteTimes(outside);
        var requests = await RequestsAsync(sim);

        var again = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), args);

        again.ExitCode.ShouldBe(2, again.StdErr);
        again.StdErr.ShouldContain($"{job.FilePath} in the output directory is a symbolic link to");
        WriteTimes(outside).ShouldBe(outsideFiles, "nothing is written through a link that leads out");
        (await RequestsAsync(sim)).ShouldBe(requests, "refused before anything is asked of the providers");
    }

    private static string[] Arguments(TempDirectory dir, SimulatorProcess sim, int jobs, IReadOnlyList<string>? providers = null)
    {
        var manifest = RunFixtures.WriteManifest(dir, "rerun", jobs, providers);
        var providersFile = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress);
        return ["run", manifest, "--providers", providersFile, "--progress", "none", "--out", Path.Combine(dir.Path, "out")];
    }

    /// <summary>Every request the simulator answered (submits, polls, downloads, refusals), all providers together.</summary>
    private static async Task<long> RequestsAsync(SimulatorProcess sim)
    {
        using var stats = await sim.StatsAsync();
        return stats.RootElement.GetProperty("providers").EnumerateObject().Sum(p =>
            Number(p.Value, "submit_attempts") + Number(p.Value, "polls") + Number(p.Value, "downloads") + Number(p.Value, "rate_limited"));
    }

    private static long Number(JsonElement provider, string name) =>
        provider.TryGetProperty(name, out var value) ? value.GetInt64() : throw new InvalidOperationException($"simulator stats lack '{name}'");

    private static async Task<long> EventCountAsync(TempDirectory dir) =>
        (long)(await QueryAsync(dir, "SELECT COUNT(*) FROM events;")).Single()!;

    private static async Task<List<object?>> QueryAsync(TempDirectory dir, string sql)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dir.Path, "out", "ledger.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<object?>();
        while (await reader.ReadAsync())
        {
            values.Add(await reader.IsDBNullAsync(0) ? null : reader.GetValue(0));
        }

        return values;
    }

    /// <summary>Every file under <paramref name="root"/> (the ledger's own files apart) with its last write time.</summary>
    private static Dictionary<string, DateTime> WriteTimes(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("ledger.db", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(root, f), File.GetLastWriteTimeUtc, StringComparer.Ordinal);
}
