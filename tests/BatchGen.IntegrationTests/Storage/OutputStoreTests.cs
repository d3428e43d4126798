using System.Globalization;
using System.Security.Cryptography;
using Amazon.S3.Model;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Storage;

/// <summary>
/// output.store end to end: the real CLI with the embedded simulator, uploading to a real s3rver on loopback. The
/// simulator keeps its tasks in out/.simulator, so reruns find the same tasks (and a removed directory is a provider
/// that no longer has them).
/// </summary>
public sealed class OutputStoreTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private S3rverProcess _s3 = null!;

    private string OutDir => Path.Combine(_dir.Path, "out");

    public async Task InitializeAsync() => _s3 = await S3rverProcess.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_OutputStore_EveryVideoInTheBucketWithMatchingSha256()
    {
        var manifest = WriteManifest("stored", jobs: 5, keepLocal: true);

        var run = await RunAsync(manifest);

        run.ExitCode.ShouldBe(0, run.StdErr);
        var jobs = await RunCommandTests.ReadLedgerAsync(_dir);
        jobs.Count.ShouldBe(5);
        foreach (var job in jobs)
        {
            job.State.ShouldBe(JobState.Succeeded);
            var o = job.Outputs.ShouldHaveSingleItem();
            o.ObjectKey.ShouldBe("night/" + o.FilePath);
            o.ObjectUrl.ShouldBe($"s3://{_s3.Bucket}/night/{o.FilePath}");
            (await ObjectShaAsync(o.ObjectKey!)).ShouldBe(o.Sha256);
            File.Exists(Path.Combine(OutDir, o.FilePath!)).ShouldBeTrue("keep_local: true keeps the local copy");
            _s3.StoredCount(o.ObjectKey!).ShouldBe(1);
        }

        // results.csv links each video to its object with a presigned GET that works and says when it expires.
        var rows = Reports.ResumeReportTests.ReadCsv(Path.Combine(OutDir, "results.csv"));
        rows.Count.ShouldBe(5);
        using var http = new HttpClient();
        foreach (var row in rows)
        {
            var job = jobs.Single(j => j.Id == row["id"]);
            row["object_url"].ShouldBe(job.Outputs[0].ObjectUrl);
            row["object_link"].ShouldContain("X-Amz-Signature=");
            var bytes = await http.GetByteArrayAsync(new Uri(row["object_link"]));
            Convert.ToHexStringLower(SHA256.HashData(bytes)).ShouldBe(job.Sha256);
            var expires = DateTimeOffset.Parse(row["object_link_expires_at"], CultureInfo.InvariantCulture);
            (expires - job.CompletedAt!.Value).ShouldBeInRange(TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));
        }
    }

    [Fact]
    public async Task Run_KeepLocalFalse_LocalFilesRemovedAndRerunNeitherResubmitsNorUploads()
    {
        var manifest = WriteManifest("remote", jobs: 5, keepLocal: false);

        var first = await RunAsync(manifest);

        first.ExitCode.ShouldBe(0, first.StdErr);
        var jobs = await RunCommandTests.ReadLedgerAsync(_dir);
        foreach (var o in jobs.SelectMany(j => j.Outputs))
        {
            File.Exists(Path.Combine(OutDir, o.FilePath!)).ShouldBeFalse($"{o.FilePath} should be removed after its upload");
            (await ObjectShaAsync(o.ObjectKey!)).ShouldBe(o.Sha256);
        }

        var uploads = _s3.StoredCounts();

        var again = await RunAsync(manifest);

        again.ExitCode.ShouldBe(0, again.StdErr);
        _s3.StoredCounts().ShouldBe(uploads, "nothing uploaded again");
        var after = await RunCommandTests.ReadLedgerAsync(_dir);
        after.Select(j => (j.Id, j.RemoteId, j.Attempts)).ShouldBe(jobs.Select(j => (j.Id, j.RemoteId, j.Attempts)), "nothing submitted again");
        after.SelectMany(j => j.Outputs).ShouldAllBe(o => !File.Exists(Path.Combine(OutDir, o.FilePath!)));

        // With no local copy, the contact sheet plays the stored objects and says how long its links work; the
        // export (from the ledger alone) links them too.
        var sheet = await File.ReadAllTextAsync(Path.Combine(OutDir, "contact-sheet.html"));
        sheet.ShouldContain($"{_s3.Endpoint}{_s3.Bucket}/night/");
        sheet.ShouldContain("presigned links valid until");
        var export = await CliProcess.RunAsync(_dir.Path, S3rverProcess.ChildEnvironment, ["export", Path.Combine(OutDir, "ledger.db"), "--format", "jsonl"]);
        export.ExitCode.ShouldBe(0, export.StdErr);
        export.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldAllBe(line => line.Contains("\"object_link\":\"http://127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rerun_ObjectDeletedWithLocalCopy_UploadedAgainFromTheLocalFile()
    {
        var manifest = WriteManifest("reupload", jobs: 2, keepLocal: true);
        (await RunAsync(manifest)).ExitCode.ShouldBe(0);
        var victim = (await RunCommandTests.ReadLedgerAsync(_dir))[0].Outputs[0];
        await DeleteObjectAsync(victim.ObjectKey!);

        var again = await RunAsync(manifest);

        again.ExitCode.ShouldBe(0, again.StdErr);
        _s3.StoredCount(victim.ObjectKey!).ShouldBe(2);
        (await ObjectShaAsync(victim.ObjectKey!)).ShouldBe(victim.Sha256);
    }

    [Fact]
    public async Task Rerun_ObjectDeletedWithoutLocalCopy_DownloadedAgainFromTheProviderAndUploaded()
    {
        var manifest = WriteManifest("redownload", jobs: 2, keepLocal: false);
        (await RunAsync(manifest)).ExitCode.ShouldBe(0);
        var before = await RunCommandTests.ReadLedgerAsync(_dir);
        var victim = before[0].Outputs[0];
        await DeleteObjectAsync(victim.ObjectKey!);

        var again = await RunAsync(manifest);

        again.ExitCode.ShouldBe(0, again.StdErr);
        _s3.StoredCount(victim.ObjectKey!).ShouldBe(2);
        (await ObjectShaAsync(victim.ObjectKey!)).ShouldBe(victim.Sha256);
        var after = await RunCommandTests.ReadLedgerAsync(_dir);
        after.Select(j => (j.RemoteId, j.Attempts)).ShouldBe(before.Select(j => (j.RemoteId, j.Attempts)), "downloaded again, not generated again");
        File.Exists(Path.Combine(OutDir, victim.FilePath!)).ShouldBeFalse();
    }

    [Fact]
    public async Task Rerun_ObjectDeletedNoLocalCopyAndProviderForgotTheTask_JobFailsSayingSo()
    {
        var manifest = WriteManifest("lost", jobs: 1, keepLocal: false);
        (await RunAsync(manifest)).ExitCode.ShouldBe(0);
        var victim = (await RunCommandTests.ReadLedgerAsync(_dir))[0];
        await DeleteObjectAsync(victim.Outputs[0].ObjectKey!);
        Directory.Delete(Path.Combine(OutDir, ".simulator"), recursive: true);

        var again = await RunAsync(manifest);

        again.ExitCode.ShouldBe(1, again.StdErr);
        var job = (await RunCommandTests.ReadLedgerAsync(_dir)).Single();
        job.State.ShouldBe(JobState.Failed);
        job.ErrorCode.ShouldBe("result_gone");
        job.ErrorMessage.ShouldNotBeNull().ShouldContain("no longer offers the video");
        job.RemoteId.ShouldBe(victim.RemoteId, "not submitted again");
    }

    [Fact]
    public async Task Run_S3rverStoppedMidRun_ExitFiveOneLineNothingLostAndRerunCompletes()
    {
        var manifest = WriteManifest("outage", jobs: 5, keepLocal: false, provider: "magnific");
        var providers = _dir.Write("providers.yaml", "providers:\n  magnific: {concurrency: 1}\n");
        string[] args = ["run", manifest, "--simulate", "--time-scale", "0.05", "--progress", "none", "--out", OutDir, "--providers", providers, "--json"];
        CliResult first;
        await using (var child = CliProcess.Start(_dir.Path, S3rverProcess.ChildEnvironment, args))
        {
            await WaitAsync(() => _s3.StoredCounts().Count >= 1, TimeSpan.FromSeconds(120), child);
            await _s3.StopAsync();
            var exit = await child.WaitForExitAsync(TimeSpan.FromMinutes(3));
            first = new CliResult(exit, child.StdOut, child.StdErr);
        }

        output.WriteLine(first.StdErr);
        first.ExitCode.ShouldBe(5, first.StdErr);
        var line = first.StdErr.Split('\n').Single(l => l.Contains("not uploaded to the output store", StringComparison.Ordinal));
        line.ShouldContain("cannot reach the object store");
        line.ShouldContain("rerun to upload them");
        first.StdErr.ShouldNotContain(S3rverProcess.SecretKey);
        using (var json = System.Text.Json.JsonDocument.Parse(first.StdOut))
        {
            json.RootElement.GetProperty("exit_code").GetInt32().ShouldBe(5);
            json.RootElement.GetProperty("not_uploaded").GetInt32().ShouldBeGreaterThan(0);
            json.RootElement.GetProperty("storage_error").GetString().ShouldNotBeNull().ShouldContain("cannot reach the object store");
        }

        var jobs = await RunCommandTests.ReadLedgerAsync(_dir);
        jobs.ShouldAllBe(j => j.State == JobState.Succeeded);
        var pending = jobs.SelectMany(j => j.Outputs).Where(o => o.ObjectKey is null).ToList();
        pending.ShouldNotBeEmpty();
        pending.ShouldAllBe(o => File.Exists(Path.Combine(OutDir, o.FilePath!)), "a video not uploaded keeps its local copy");
        (await StatusStoreAsync()).ShouldBe((5 - pending.Count, pending.Count));

        await _s3.RestartAsync();
        var again = await RunAsync(manifest, "--providers", providers);

        again.ExitCode.ShouldBe(0, again.StdErr);
        var after = await RunCommandTests.ReadLedgerAsync(_dir);
        after.Select(j => (j.RemoteId, j.Attempts)).ShouldBe(jobs.Select(j => (j.RemoteId, j.Attempts)), "nothing submitted again");
        foreach (var o in after.SelectMany(j => j.Outputs))
        {
            (await ObjectShaAsync(o.ObjectKey.ShouldNotBeNull())).ShouldBe(o.Sha256);
            File.Exists(Path.Combine(OutDir, o.FilePath!)).ShouldBeFalse();
        }

        (await StatusStoreAsync()).ShouldBe((5, 0));
    }

    /// <summary>What <c>status --json</c> says about the output store: videos stored and not yet stored.</summary>
    private async Task<(int Stored, int NotStored)> StatusStoreAsync()
    {
        var status = await CliProcess.RunAsync(_dir.Path, S3rverProcess.ChildEnvironment, ["status", Path.Combine(OutDir, "ledger.db"), "--json"]);
        status.ExitCode.ShouldBe(0, status.StdErr);
        using var json = System.Text.Json.JsonDocument.Parse(status.StdOut);
        var store = json.RootElement.GetProperty("output_store");
        store.GetProperty("store").GetString().ShouldBe($"s3://{_s3.Bucket}/night/ at http://127.0.0.1:{_s3.Port}");
        return (store.GetProperty("stored").GetInt32(), store.GetProperty("not_stored").GetInt32());
    }

    [Fact]
    public async Task Run_StoreDownBeforeTheRun_ExitFiveOneLineAndNothingSubmitted()
    {
        var manifest = WriteManifest("down", jobs: 3, keepLocal: true);
        await _s3.StopAsync();

        var run = await RunAsync(manifest);

        output.WriteLine(run.StdErr);
        run.ExitCode.ShouldBe(5, run.StdErr);
        var line = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        line.ShouldContain("output.store");
        line.ShouldContain($"s3://{_s3.Bucket}/night/");
        line.ShouldContain("cannot reach the object store");
        line.ShouldContain("nothing was submitted");
        line.ShouldNotContain(S3rverProcess.SecretKey);
        await AssertNothingSubmittedAsync();
    }

    [Fact]
    public async Task Run_BucketDoesNotExist_ExitFiveNamingTheBucketAndNothingSubmitted()
    {
        var manifest = WriteManifest("nobucket", jobs: 3, keepLocal: true, bucket: "no-such-bucket");

        var run = await RunAsync(manifest);

        run.ExitCode.ShouldBe(5, run.StdErr);
        var line = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        line.ShouldContain("s3://no-such-bucket/night/");
        line.ShouldContain("the bucket does not exist");
        await AssertNothingSubmittedAsync();
    }

    /// <summary>No job reached a provider: no ledger, or one whose jobs have no attempt and no remote id.</summary>
    private async Task AssertNothingSubmittedAsync()
    {
        if (!File.Exists(Path.Combine(OutDir, "ledger.db")))
        {
            return;
        }

        var jobs = await RunCommandTests.ReadLedgerAsync(_dir);
        jobs.ShouldAllBe(j => j.Attempts == 0 && j.RemoteId == null && j.State == JobState.Pending);
    }

    private string WriteManifest(string name, int jobs, bool keepLocal, string? provider = null, string? bucket = null)
    {
        var path = RunFixtures.WriteManifest(_dir, name, jobs, provider is null ? null : [provider]);
        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $$"""
            output:
              store: {endpoint: "{{_s3.Endpoint}}", bucket: {{bucket ?? _s3.Bucket}}, prefix: night, region: us-east-1}
              keep_local: {{(keepLocal ? "true" : "false")}}

            """));
        return path;
    }

    private Task<CliResult> RunAsync(string manifest, params string[] extra) =>
        CliProcess.RunAsync(_dir.Path, S3rverProcess.ChildEnvironment, ["run", manifest, "--simulate", "--progress", "none", "--out", OutDir, .. extra], TimeSpan.FromMinutes(3));

    private async Task<string> ObjectShaAsync(string key)
    {
        using var client = _s3.CreateClient();
        using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = _s3.Bucket, Key = key });
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private async Task DeleteObjectAsync(string key)
    {
        using var client = _s3.CreateClient();
        await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _s3.Bucket, Key = key });
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, CliChild child)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            if (child.Process.HasExited)
            {
                throw new InvalidOperationException($"the run ended before the awaited state:\n{child.StdErr}");
            }

            await Task.Delay(20, cts.Token);
        }
    }
}
