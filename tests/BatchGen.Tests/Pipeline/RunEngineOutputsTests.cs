using System.Security.Cryptography;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Pipeline;

/// <summary>Every output of a job (Pixwith num_outputs) is downloaded, recorded, checked and restored on resume.</summary>
public sealed class RunEngineOutputsTests
{
    [Fact]
    public async Task RunAsync_ThreeOutputs_EachRecordedWithItsFileSizeAndHash()
    {
        await using var h = await PipelineHarness.StartAsync();
        var job = PixwithJob(outputs: 3);

        var summary = await h.RunAsync([job]);

        summary.Count(JobState.Succeeded).ShouldBe(1);
        var row = (await h.JobsByIdAsync())[job.Id];
        row.Outputs.Select(o => o.Index).ShouldBe([1, 2, 3]);
        row.Outputs.Select(o => o.FilePath).ShouldBe(["pixwith/take-0.mp4", "pixwith/take-0-2.mp4", "pixwith/take-0-3.mp4"]);
        foreach (var output in row.Outputs)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(h.OutputDirectory, output.FilePath!));
            output.Bytes.ShouldBe(bytes.Length);
            output.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(bytes)));
            output.ResultUrl.ShouldNotBeNull();
        }

        row.Sha256.ShouldBe(row.Outputs[0].Sha256);
    }

    [Fact]
    public async Task RunAsync_SecondOutputDeleted_DownloadedAgainAloneWithoutResubmit()
    {
        await using var h = await PipelineHarness.StartAsync();
        var job = PixwithJob(outputs: 3);
        await h.RunAsync([job]);
        var before = (await h.JobsByIdAsync())[job.Id];
        File.Delete(Path.Combine(h.OutputDirectory, before.Outputs[1].FilePath!));
        var downloads = h.Stats("pixwith").Downloads;

        var summary = await h.RunAsync([job]);

        summary.Count(JobState.Succeeded).ShouldBe(1);
        var after = (await h.JobsByIdAsync())[job.Id];
        after.Outputs.Select(o => o.Sha256).ShouldBe(before.Outputs.Select(o => o.Sha256));
        File.Exists(Path.Combine(h.OutputDirectory, before.Outputs[1].FilePath!)).ShouldBeTrue();
        h.Stats("pixwith").Downloads.ShouldBe(downloads + 1, "only the missing output is fetched");
        h.CreatedTasks(job.Id).ShouldBe(1);
        (await h.EventsAsync(job.Id)).ShouldContain(e => e.Note != null && e.Note.Contains("take-0-2.mp4 missing or damaged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_OutputDeletedAndTaskGoneAtTheProvider_FailsAsResultGoneSayingSoWithoutResubmit()
    {
        await using var h = await PipelineHarness.StartAsync();
        var job = PixwithJob(outputs: 2);
        await h.RunAsync([job]);
        var before = (await h.JobsByIdAsync())[job.Id];
        File.Delete(Path.Combine(h.OutputDirectory, before.Outputs[1].FilePath!));
        h.Sim.Reset(); // the provider forgot the task (past its retention)

        var summary = await h.RunAsync([job]);

        summary.Count(JobState.Failed).ShouldBe(1);
        var after = (await h.JobsByIdAsync())[job.Id];
        after.ErrorCode.ShouldBe("result_gone");
        after.ErrorClass.ShouldBe(Core.Providers.ErrorClass.Permanent);
        after.ErrorMessage.ShouldNotBeNull();
        after.ErrorMessage.ShouldContain("take-0-2.mp4");
        after.ErrorMessage.ShouldContain($"task {before.RemoteId} no longer offers the video");
        after.ErrorMessage.ShouldContain("retry --all-failed");
        after.Outputs[0].Sha256.ShouldBe(before.Outputs[0].Sha256, "the output still on disk stays recorded");
        h.Stats("pixwith").Submits.ShouldBe(0, "nothing was generated again");
    }

    private static JobSpec PixwithJob(int outputs)
    {
        var job = PipelineHarness.Jobs("pixwith", 1).Single();
        return job with { Parameters = job.Parameters with { NumOutputs = outputs } };
    }
}
