using BatchGen.Core.Ledger;
using BatchGen.Core.Storage;

namespace BatchGen.Tests.Ledger;

/// <summary>The stored_objects records: written with their event, read with each output, dropped for another file or a new result.</summary>
public sealed class LedgerStoredObjectsTests : LedgerTestBase
{
    private static readonly DateTimeOffset StoredAt = new(2026, 11, 28, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AppendAsync_OutputWithObject_ReadBackByReadersToo()
    {
        var job = LedgerTestJobs.Create(1);
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([job], default);
            await ledger.AppendAsync(Succeeded(job.Id, "aa"), default);
            await ledger.AppendAsync(Succeeded(job.Id, "aa") with { Outputs = [Stored("aa")] }, default);
        }

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var output = (await reader.GetJobAsync(job.Id, default))!.Outputs.ShouldHaveSingleItem();
        output.ObjectKey.ShouldBe("p/a.mp4");
        output.ObjectUrl.ShouldBe("s3://b/p/a.mp4");
        output.StoredAt.ShouldBe(StoredAt);
    }

    [Fact]
    public async Task AppendAsync_FileChangedSinceUpload_ObjectNoLongerCounts()
    {
        var job = LedgerTestJobs.Create(1);
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync([job], default);
        await ledger.AppendAsync(Succeeded(job.Id, "aa") with { Outputs = [Stored("aa")] }, default);

        await ledger.AppendAsync(Succeeded(job.Id, "bb"), default);

        (await ledger.GetJobAsync(job.Id, default))!.Outputs.Single().ObjectKey.ShouldBeNull();
    }

    [Fact]
    public async Task AppendAsync_ReplaceOutputs_ForgetsStoredObjects()
    {
        var job = LedgerTestJobs.Create(1);
        await using var ledger = await CreateSut();
        await ledger.SyncJobsAsync([job], default);
        await ledger.AppendAsync(Succeeded(job.Id, "aa") with { Outputs = [Stored("aa")] }, default);

        await ledger.AppendAsync(new LedgerEvent { JobId = job.Id, State = JobState.Generated, ReplaceOutputs = true, Outputs = [new LedgerOutput { Index = 1, ResultUrl = "https://cdn/new" }] }, default);
        await ledger.AppendAsync(Succeeded(job.Id, "aa"), default);

        (await ledger.GetJobAsync(job.Id, default))!.Outputs.Single().ObjectKey.ShouldBeNull();
    }

    [Fact]
    public void OutputStoreMeta_RoundTripsAddressesOnly()
    {
        var options = new OutputStoreOptions(new S3StoreSettings("videos", "night/") { Endpoint = new Uri("http://127.0.0.1:9000/"), Region = "eu-west-1", ForcePathStyle = true })
        {
            KeepLocal = false,
            LinkLifetime = TimeSpan.FromHours(12),
        };

        var json = OutputStoreMeta.ToJson(options);

        OutputStoreMeta.FromJson(json).ShouldBe(options);
        json.ShouldNotContain("secret", Case.Insensitive);
        OutputStoreMeta.FromJson("not json").ShouldBeNull();
    }

    private static LedgerEvent Succeeded(string jobId, string sha) => new()
    {
        JobId = jobId,
        State = JobState.Succeeded,
        Outputs = [new LedgerOutput { Index = 1, FilePath = "a.mp4", Bytes = 10, Sha256 = sha }],
    };

    private static LedgerOutput Stored(string sha) => new()
    {
        Index = 1, FilePath = "a.mp4", Bytes = 10, Sha256 = sha, ObjectKey = "p/a.mp4", ObjectUrl = "s3://b/p/a.mp4", StoredAt = StoredAt,
    };
}
