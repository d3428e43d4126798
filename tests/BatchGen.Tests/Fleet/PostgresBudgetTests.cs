using BatchGen.Core.Pipeline.Fleet;

namespace BatchGen.Tests.Fleet;

/// <summary>The shared budget: concurrent reservations from many workers never pass a cap; settlements count once.</summary>
public sealed class PostgresBudgetTests(FleetTestDatabase db) : IClassFixture<FleetTestDatabase>
{
    [Fact]
    public async Task TryReserveAsync_EightWorkersRacing_NeverPassTheCap()
    {
        var batch = db.NewBatch();
        var fleets = new List<BatchGen.Fleet.Postgres.PostgresFleet>();
        for (var i = 0; i < 8; i++)
        {
            fleets.Add(await db.JoinAsync(batch));
        }

        try
        {
            await fleets[0].Budget.SeedAsync(new Dictionary<string, decimal> { ["magnific"] = 2.50m }, new Dictionary<string, (string, decimal)>(), null, CancellationToken.None);
            // 8 workers x 20 jobs at 0.35 each under a 20.00 cap with 2.50 already spent: 50 fit (17.50 / 0.35).
            var verdicts = await Task.WhenAll(fleets.SelectMany((f, w) => Enumerable.Range(0, 20).Select(j =>
                f.Budget.TryReserveAsync(new SharedReservation($"w{w}-j{j}", j % 2 == 0 ? "magnific" : "segmind", 0.35m, 20.00m, null), CancellationToken.None))));
            verdicts.Count(v => v.Verdict == SharedBudgetVerdict.Reserved).ShouldBe(50);
            verdicts.Where(v => v.Verdict != SharedBudgetVerdict.Reserved).ShouldAllBe(v => v.Verdict == SharedBudgetVerdict.RefusedGlobal);
            db.Scalar($"SELECT sum(amount) FROM batchgen.fleet_reservations WHERE batch_id = {batch};").ShouldBe("17.50");
        }
        finally
        {
            foreach (var f in fleets)
            {
                await f.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SettleAsync_ChargedReleasedAndTwice_SpentCountsEachChargeOnce()
    {
        var batch = db.NewBatch();
        await using var a = await db.JoinAsync(batch);
        await using var b = await db.JoinAsync(batch);
        await a.Budget.SeedAsync(new Dictionary<string, decimal>(), new Dictionary<string, (string, decimal)> { ["old"] = ("pixwith", 1.00m) }, null, CancellationToken.None);
        // A second worker's seed finds the rows and changes nothing.
        await b.Budget.SeedAsync(new Dictionary<string, decimal> { ["pixwith"] = 99m }, new Dictionary<string, (string, decimal)>(), null, CancellationToken.None);

        (await a.Budget.TryReserveAsync(new SharedReservation("j1", "pixwith", 1.00m, 3.00m, 2.00m), CancellationToken.None)).Verdict.ShouldBe(SharedBudgetVerdict.Reserved);
        (await b.Budget.TryReserveAsync(new SharedReservation("j2", "pixwith", 1.00m, 3.00m, 2.00m), CancellationToken.None)).Verdict.ShouldBe(SharedBudgetVerdict.RefusedProvider, "pixwith holds 2.00 (old + j1)");
        await b.Budget.SettleAsync("old", 0.80m, CancellationToken.None); // taken over by b, charged less than estimated
        await a.Budget.SettleAsync("old", 0.80m, CancellationToken.None); // a second settle finds nothing
        await a.Budget.SettleAsync("j1", null, CancellationToken.None);   // released: not charged
        db.Scalar($"SELECT spent FROM batchgen.fleet_budget WHERE batch_id = {batch} AND scope = '';").ShouldBe("0.80");
        db.Scalar($"SELECT spent FROM batchgen.fleet_budget WHERE batch_id = {batch} AND scope = 'pixwith';").ShouldBe("0.80");
        (await b.Budget.TryReserveAsync(new SharedReservation("j2", "pixwith", 1.00m, 3.00m, 2.00m), CancellationToken.None)).Verdict.ShouldBe(SharedBudgetVerdict.Reserved);
        (await b.Budget.TryReserveAsync(new SharedReservation("j3", "segmind", 1.50m, 3.00m, null), CancellationToken.None)).Verdict.ShouldBe(SharedBudgetVerdict.RefusedGlobal, "0.80 + 1.00 + 1.50 > 3.00");
    }
}
