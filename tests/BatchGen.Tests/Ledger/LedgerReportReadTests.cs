using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// What the reports read from a SQLite ledger: every job in id order (sorted by SQLite's sorter over a scan of the
/// table, not walked through the id index), the outputs of each as they were recorded, and the batch's axis names
/// in order of first appearance over the jobs in id order, from the distinct axes of the specs.
/// </summary>
public sealed class LedgerReportReadTests : LedgerTestBase
{
    /// <summary>Ids whose order differs from the order they are inserted in (the first inserted sorts last).</summary>
    private static readonly string[] Ids = ["ff01", "0a02", "c003", "0004", "b005", "a006", "00z7", "e008"];

    [Fact]
    public async Task ReadJobsByIdAsync_IdsInsertedOutOfOrder_EveryJobOnceSortedByIdWithItsOutputs()
    {
        var jobs = Ids.Select((id, i) => LedgerTestJobs.Create(i) with { Id = id }).ToList();
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync(jobs, default);
            foreach (var (job, i) in jobs.Select((j, i) => (j, i)).Where(x => x.i % 2 == 0))
            {
                await ledger.AppendAsync(new LedgerEvent
                {
                    JobId = job.Id,
                    State = JobState.Succeeded,
                    Outputs =
                    [
                        new LedgerOutput { Index = 1, FilePath = $"{job.Id}.mp4", Bytes = 10 + i, Sha256 = "aa" },
                        new LedgerOutput { Index = 2, FilePath = $"{job.Id}-2.mp4", Bytes = 20 + i, Sha256 = "bb", Width = 1280, Height = 720, DurationSeconds = 5.5 },
                    ],
                }, default);
            }
        }

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var byId = await reader.ReadJobsByIdAsync(default).ToListAsync();

        byId.Select(j => j.Id).ShouldBe(Ids.Order(StringComparer.Ordinal));
        byId.Select(j => j.Id).ShouldNotBe(await reader.ReadJobsAsync(default).Select(j => j.Id).ToListAsync(), "the test needs an insertion order other than id order");
        foreach (var job in byId)
        {
            var one = (await reader.GetJobAsync(job.Id, default))!;
            job.State.ShouldBe(one.State);
            job.Spec.Parameters.Prompt.ShouldBe(one.Spec.Parameters.Prompt);
            job.Spec.Axes.ShouldBe(one.Spec.Axes);
            job.Outputs.ShouldBe(one.Outputs);
        }

        var succeeded = byId.Single(j => j.Id == "ff01");
        succeeded.Outputs.ShouldBe([
            new LedgerOutput { Index = 1, FilePath = "ff01.mp4", Bytes = 10, Sha256 = "aa" },
            new LedgerOutput { Index = 2, FilePath = "ff01-2.mp4", Bytes = 20, Sha256 = "bb", Width = 1280, Height = 720, DurationSeconds = 5.5 },
        ]);
        byId.Single(j => j.Id == "0a02").Outputs.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadJobHeadsAsync_EveryJobsSpecAndLastUpdate_AsReadingEveryJob()
    {
        var jobs = Ids.Select((id, i) => LedgerTestJobs.Create(i, full: i % 2 == 0) with { Id = id }).ToList();
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync(jobs, default);
            Time.Advance(TimeSpan.FromMinutes(5));
            await ledger.AppendAsync(new LedgerEvent { JobId = "c003", State = JobState.Failed, ErrorMessage = "boom" }, default);
        }

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var heads = await reader.ReadJobHeadsAsync(default).ToListAsync();
        var full = await reader.ReadJobsAsync(default).ToListAsync();

        heads.Select(h => h.Spec.Id).Order(StringComparer.Ordinal).ShouldBe(Ids.Order(StringComparer.Ordinal));
        foreach (var job in full)
        {
            var head = heads.Single(h => h.Spec.Id == job.Id);
            head.UpdatedAt.ShouldBe(job.UpdatedAt);
            System.Text.Json.JsonSerializer.Serialize(head.Spec).ShouldBe(System.Text.Json.JsonSerializer.Serialize(job.Spec));
        }

        heads.Single(h => h.Spec.Id == "c003").UpdatedAt.ShouldBe(Start.AddMinutes(5));
    }

    [Fact]
    public async Task ReadAxisNamesAsync_SharedListsAndPairs_FirstAppearanceInIdOrder_AsReadingEveryJob()
    {
        // Inserted: prompt+provider (a shared list), then style (a pair: not the job's own field), then seed+prompt.
        // In id order the seed job comes first, then the pair, then the shared list: seed, prompt, style, provider.
        var listed = Job("m1", ("provider", ProviderNames.Magnific), ("prompt", null));
        var paired = Job("c2", ("style", "noir"), ("prompt", null));
        var seeded = Job("a3", ("seed", "7"), ("prompt", null));
        var repeat = Job("z4", ("provider", ProviderNames.Magnific), ("prompt", null));
        await using (var ledger = await CreateSut())
        {
            await ledger.SyncJobsAsync([listed, paired, seeded, repeat], default);
        }

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var names = await reader.ReadAxisNamesAsync(default);

        names.ShouldBe(["seed", "prompt", "style", "provider"]);
        names.ShouldBe(await LedgerAxisNames.FromJobsAsync(reader.ReadJobsByIdAsync(default), default));
    }

    [Fact]
    public async Task ReadAxisNamesAsync_RowsHoldingTheWholeJob_ReadFromTheirAxesObjects()
    {
        CreateOlderLedger(LedgerSchema.VersionAfter("outputs"),
            Job("m1", ("provider", ProviderNames.Magnific), ("prompt", null)),
            Job("a3", ("seed", "7"), ("style", "noir")));

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        var names = await reader.ReadAxisNamesAsync(default);

        names.ShouldBe(["seed", "style", "provider", "prompt"]);
        names.ShouldBe(await LedgerAxisNames.FromJobsAsync(reader.ReadJobsByIdAsync(default), default));
    }

    [Fact]
    public async Task ReadAxisNamesAsync_NoJobs_Empty()
    {
        await using (await CreateSut())
        {
        }

        await using var reader = await SqliteLedger.OpenReadOnlyAsync(LedgerPath, Time, default);
        (await reader.ReadAxisNamesAsync(default)).ShouldBeEmpty();
    }

    [Fact]
    public void FromAxesValues_ValueOfAnotherShape_NotTaken()
    {
        var names = new LedgerAxisNames.FromAxesValues(_ => null);

        names.Add("[\"prompt\"]").ShouldBeTrue();
        names.Add("{\"prompt\": 1}").ShouldBeFalse();
        names.Add("[[1, 2]]").ShouldBeFalse();
        names.Add(3L).ShouldBeFalse("a list this ledger does not hold");
        names.InOrder.ShouldBe(["prompt"]);
    }

    /// <summary>A job with the given axes; a null value is the job's own field of that name (its prompt).</summary>
    private static JobSpec Job(string id, params (string Name, string? Value)[] axes)
    {
        var job = LedgerTestJobs.Create(1) with { Id = id };
        return job with { Axes = [.. axes.Select(a => new KeyValuePair<string, string>(a.Name, a.Value ?? job.Parameters.Prompt))] };
    }
}
