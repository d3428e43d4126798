using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Pipeline;

/// <summary>
/// Resume is O(jobs), not O(bytes): a file whose size, modification time and inode match the stamp recorded when it
/// was verified is trusted without being read; any difference makes it verified again (and downloaded again if bad).
/// The "not read" half is proven with a file whose bytes are garbage but whose stamp matches: reading it would fail.
/// </summary>
public sealed class RunEngineStampTests
{
    private static readonly DateTime Stamped = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    [Fact]
    public async Task RunAsync_Succeeded_RecordsEachOutputsStamp()
    {
        await using var h = await PipelineHarness.StartAsync();
        var jobs = PipelineHarness.Jobs(ProviderNames.AimlApi, 2).ToList();

        await h.RunAsync(jobs);

        foreach (var job in (await h.JobsByIdAsync()).Values)
        {
            var output = job.Outputs.ShouldHaveSingleItem();
            var info = new FileInfo(Path.Combine(h.OutputDirectory, output.FilePath!));
            output.Stamp.ShouldNotBeNull(job.Id);
            output.Stamp!.Value.Size.ShouldBe(info.Length);
            Math.Abs(output.FileModifiedNs!.Value - ((info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100)).ShouldBeLessThan(100L);
        }
    }

    [Fact]
    public async Task RunAsync_StampMatches_FileTrustedWithoutReadingIt()
    {
        await using var h = await PipelineHarness.StartAsync();
        var job = PipelineHarness.Jobs(ProviderNames.AimlApi, 1).Single();
        await h.RunAsync([job]);
        var path = Path.Combine(h.OutputDirectory, job.OutputPath);

        // A time the ledger does not know: the next run reads the file, finds it good and records the new stamp.
        File.SetLastWriteTimeUtc(path, Stamped);
        await h.RunAsync([job]);
        var restamped = (await h.JobsByIdAsync())[job.Id].Outputs.Single();
        restamped.FileModifiedNs.ShouldBe((Stamped - DateTime.UnixEpoch).Ticks * 100);
        (await h.EventsAsync(job.Id)).ShouldContain(e => e.Note != null && e.Note.Contains("verified again", StringComparison.Ordinal));

        // Garbage of the same size in the same inode, with the recorded time: trusted, so never read (no download).
        Overwrite(path, Stamped);
        var downloadsBefore = h.Stats(ProviderNames.AimlApi).Downloads;
        var trusted = await h.RunAsync([job]);

        trusted.Count(JobState.Succeeded).ShouldBe(1);
        h.Stats(ProviderNames.AimlApi).Downloads.ShouldBe(downloadsBefore, "a file whose stamp matches is not read, so not found bad");
        h.CreatedTasks(job.Id).ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_StampDiffers_FileReadFoundBadAndDownloadedAgainWithoutResubmit()
    {
        await using var h = await PipelineHarness.StartAsync();
        var job = PipelineHarness.Jobs(ProviderNames.AimlApi, 1).Single();
        await h.RunAsync([job]);
        var path = Path.Combine(h.OutputDirectory, job.OutputPath);
        var recorded = (await h.JobsByIdAsync())[job.Id].Outputs.Single();

        Overwrite(path, Stamped); // same size, another time than the recorded one
        var downloadsBefore = h.Stats(ProviderNames.AimlApi).Downloads;
        var rerun = await h.RunAsync([job]);

        rerun.Count(JobState.Succeeded).ShouldBe(1);
        h.Stats(ProviderNames.AimlApi).Downloads.ShouldBe(downloadsBefore + 1);
        h.CreatedTasks(job.Id).ShouldBe(1, "downloaded again, never generated again");
        var after = (await h.JobsByIdAsync())[job.Id].Outputs.Single();
        after.Sha256.ShouldBe(recorded.Sha256);
        after.FileModifiedNs.ShouldNotBe((Stamped - DateTime.UnixEpoch).Ticks * 100);
    }

    [Fact]
    public async Task RunAsync_FileReplacedByCopyWithSameSizeAndTime_ReadAgainBecauseTheInodeDiffers()
    {
        await using var h = await PipelineHarness.StartAsync();
        var job = PipelineHarness.Jobs(ProviderNames.AimlApi, 1).Single();
        await h.RunAsync([job]);
        var path = Path.Combine(h.OutputDirectory, job.OutputPath);
        File.SetLastWriteTimeUtc(path, Stamped);
        await h.RunAsync([job]); // records the stamp with that time

        // A different file (new inode: written beside it while the old one exists, then renamed over it) with the
        // same size and time, and garbage bytes.
        var size = new FileInfo(path).Length;
        await File.WriteAllBytesAsync(path + ".copy", new byte[size]);
        File.SetLastWriteTimeUtc(path + ".copy", Stamped);
        File.Move(path + ".copy", path, overwrite: true);
        var downloadsBefore = h.Stats(ProviderNames.AimlApi).Downloads;
        await h.RunAsync([job]);

        h.Stats(ProviderNames.AimlApi).Downloads.ShouldBe(downloadsBefore + 1);
        h.CreatedTasks(job.Id).ShouldBe(1);
    }

    /// <summary>Writes zeros over the file in place (same inode, same size) and sets its modification time.</summary>
    private static void Overwrite(string path, DateTime modified)
    {
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Write(new byte[stream.Length]);
        }

        File.SetLastWriteTimeUtc(path, modified);
    }
}
