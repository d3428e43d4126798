using BatchGen.Core.Pipeline.Fleet;

namespace BatchGen.Tests.Fleet;

/// <summary>Claims and leases on a real PostgreSQL 15: one owner per job, takeover after expiry, in-flight cap.</summary>
public sealed class PostgresClaimsTests(FleetTestDatabase db) : IClassFixture<FleetTestDatabase>
{
    [Fact]
    public async Task ClaimAsync_ManyWorkersAtOnce_EachJobClaimedByOne()
    {
        var batch = db.NewBatch();
        await db.AddJobsAsync(batch, "segmind", "pending", 120);
        var fleets = new List<PostgresFleetHandle>();
        for (var i = 0; i < 4; i++)
        {
            fleets.Add(new PostgresFleetHandle(await db.JoinAsync(batch)));
        }

        try
        {
            // Four workers claim in batches of 5 at the same time until nothing is left.
            var claimed = await Task.WhenAll(fleets.Select(async f =>
            {
                var mine = new List<string>();
                for (var round = 0; round < 100; round++)
                {
                    var ids = await f.Fleet.Claims.ClaimAsync(new ClaimRequest("segmind", 5, 1000, Submits: true, ClaimAmbiguous: false), CancellationToken.None);
                    if (ids.Count == 0)
                    {
                        break;
                    }

                    mine.AddRange(ids);
                }

                return mine;
            }));

            var all = claimed.SelectMany(c => c).ToList();
            all.Count.ShouldBe(120);
            all.Distinct().Count().ShouldBe(120, "a job was claimed by two workers");
            claimed.Count(c => c.Count > 0).ShouldBeGreaterThan(1, "the work was shared");
        }
        finally
        {
            foreach (var f in fleets)
            {
                await f.Fleet.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ClaimAsync_OwnerStopsHeartbeat_OtherTakesOverAfterExpiryAtTheSameStep()
    {
        var batch = db.NewBatch();
        await db.AddJobsAsync(batch, "magnific", "pending", 3);
        var lease = TimeSpan.FromSeconds(2);
        var dead = await db.JoinAsync(batch, lease);
        await using var alive = await db.JoinAsync(batch, lease);
        var taken = await dead.Claims.ClaimAsync(new ClaimRequest("magnific", 10, 10, true, false), CancellationToken.None);
        taken.Count.ShouldBe(3);
        // The dead worker had submitted one job (remote id recorded) and was submitting another (ambiguous) when it died.
        await db.SetStateAsync(batch, "job000", "submitted");
        await db.SetStateAsync(batch, "job001", "submitting");
        await dead.FreezeAsync();

        (await alive.Claims.ClaimAsync(new ClaimRequest("magnific", 10, 10, true, false), CancellationToken.None)).ShouldBeEmpty("the leases are still live");
        (await alive.Claims.OthersHoldWorkAsync("magnific", CancellationToken.None)).ShouldBeTrue();

        // Bounded wait for the expiry, observed through claims (no fixed sleep decides the outcome). A claim takes the
        // submitted jobs and the pending ones in two statements, each reading the clock: when the leases expire between
        // the two, one claim takes job002 and the next one job000, so what the claims take is gathered.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var takenOver = new List<string>();
        while (takenOver.Count < 2 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
            takenOver.AddRange(await alive.Claims.ClaimAsync(new ClaimRequest("magnific", 10, 10, true, false), CancellationToken.None));
        }

        // The submitted job (re-attached by its remote id) and the pending one; the ambiguous one stays ambiguous.
        takenOver.Order().ShouldBe(["job000", "job002"]);
        (await dead.Claims.ConfirmAsync("job002", CancellationToken.None)).ShouldBeFalse("a worker whose lease was taken over may not submit");
        (await alive.Claims.ConfirmAsync("job002", CancellationToken.None)).ShouldBeTrue();
        (await alive.Claims.OthersHoldWorkAsync("magnific", CancellationToken.None)).ShouldBeFalse("the dead worker's leases are expired");
        await dead.DisposeAsync();
    }

    [Fact]
    public async Task ClaimAsync_InFlightCap_CountsEveryWorkersLeases()
    {
        var batch = db.NewBatch();
        await db.AddJobsAsync(batch, "pixwith", "pending", 20);
        await using var a = await db.JoinAsync(batch);
        await using var b = await db.JoinAsync(batch);
        var first = await a.Claims.ClaimAsync(new ClaimRequest("pixwith", 8, 5, true, false), CancellationToken.None);
        first.Count.ShouldBe(5);
        (await b.Claims.ClaimAsync(new ClaimRequest("pixwith", 8, 5, true, false), CancellationToken.None)).ShouldBeEmpty("5 tasks are in flight already");
        await db.SetStateAsync(batch, first[0], "succeeded");
        await a.Claims.ReleaseAsync(first[0], CancellationToken.None);
        (await b.Claims.ClaimAsync(new ClaimRequest("pixwith", 8, 5, true, false), CancellationToken.None)).Count.ShouldBe(1);
        (await b.Claims.ClaimAsync(new ClaimRequest("pixwith", 8, 5, Submits: false, false), CancellationToken.None)).ShouldBeEmpty("no submits: only accepted tasks");
    }

    [Fact]
    public async Task ReleaseAsync_JobStillPending_ClaimedOnceByEachOtherWorker()
    {
        var batch = db.NewBatch();
        await db.AddJobsAsync(batch, "gmicloud", "pending", 1);
        await using var a = await db.JoinAsync(batch);
        await using var b = await db.JoinAsync(batch);
        var request = new ClaimRequest("gmicloud", 1, 10, true, false);
        (await a.Claims.ClaimAsync(request, CancellationToken.None)).Count.ShouldBe(1);
        await a.Claims.ReleaseAsync("job000", CancellationToken.None);
        (await a.Claims.ClaimAsync(request, CancellationToken.None)).ShouldBeEmpty("a worker does not take back a job it let go");
        (await b.Claims.ClaimAsync(request, CancellationToken.None)).Count.ShouldBe(1);
        await b.Claims.ReleaseAsync("job000", CancellationToken.None);
        (await a.Claims.ClaimAsync(request, CancellationToken.None)).ShouldBeEmpty();
        (await b.Claims.ClaimAsync(request, CancellationToken.None)).ShouldBeEmpty();
    }

    private sealed record PostgresFleetHandle(BatchGen.Fleet.Postgres.PostgresFleet Fleet);
}
