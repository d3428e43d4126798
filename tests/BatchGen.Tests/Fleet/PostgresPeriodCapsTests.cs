using System.Collections.Concurrent;
using BatchGen.Core.Costs.Periods;
using BatchGen.Core.Pipeline.Fleet;
using BatchGen.Fleet.Postgres;

namespace BatchGen.Tests.Fleet;

/// <summary>
/// The period caps of fleet workers, held in PostgreSQL: every worker and every batch of the database counts against
/// one daily and one monthly cap. Each test uses its own month, as the class's database is shared by its tests.
/// </summary>
public sealed class PostgresPeriodCapsTests(FleetTestDatabase db) : IClassFixture<FleetTestDatabase>
{
    private static SharedPeriodHold Hold(string day, decimal? perDay, decimal? perMonth = null) =>
        new(new PeriodCaps(perDay, perMonth), DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));

    private static Task<SharedBudgetAnswer> ReserveAsync(PostgresFleet fleet, string job, decimal amount, SharedPeriodHold hold) =>
        fleet.Budget.TryReserveAsync(new SharedReservation(job, "magnific", amount, null, null, hold), CancellationToken.None);

    [Fact]
    public async Task TryReserveAsync_FourBatchesTwoWorkersEachRacing_NeverPassTheDailyCapAndReachIt()
    {
        // Reservations of one batch queue on its budget row, so the batches are what race: four of them, two workers each.
        var workers = new List<PostgresFleet>();
        for (var b = 0; b < 4; b++)
        {
            var batch = db.NewBatch();
            workers.Add(await db.JoinAsync(batch));
            workers.Add(await db.JoinAsync(batch));
        }

        try
        {
            // Four days raced at once: four crossings of the cap per run, each a chance for an overshoot to show.
            var holds = Enumerable.Range(10, 4).Select(d => Hold($"2026-03-{d}", perDay: 10.00m, perMonth: 100m)).ToArray();
            var granted = new ConcurrentBag<DateOnly>();
            var answers = new ConcurrentBag<SharedBudgetAnswer>();
            using var done = new CancellationTokenSource();
            var samples = new ConcurrentBag<decimal>();
            // Watches the totals while the workers race: spent plus held never passes the cap, at any moment.
            var watcher = Task.Run(async () =>
            {
                for (var i = 0; i < 2_000 && !done.IsCancellationRequested; i++)
                {
                    samples.Add((await workers[0].SharedBudget.ReadPeriodAsync(holds[i % holds.Length].Day, CancellationToken.None)).Day);
                }
            });

            // 8 workers x 60 reserves of 0.35, 120 a day against 10.00: 28 fit a day (9.80), the 29th would pass it.
            var racers = workers.SelectMany((w, wi) => Enumerable.Range(0, 1).Select(t => Task.Run(async () =>
            {
                for (var j = 0; j < 60; j++)
                {
                    var job = $"w{wi}-t{t}-j{j}";
                    var hold = holds[j % holds.Length];
                    var answer = await ReserveAsync(w, job, 0.35m, hold);
                    answers.Add(answer);
                    if (answer.Verdict == SharedBudgetVerdict.Reserved)
                    {
                        granted.Add(hold.Day);
                        if (j % 3 == 0)
                        {
                            // Charged at its estimate, settled by the batch's other worker: the hold moves to spent.
                            await workers[wi ^ 1].Budget.SettleAsync(job, 0.35m, CancellationToken.None);
                        }
                    }
                }
            }))).ToArray();
            await Task.WhenAll(racers).WaitAsync(TimeSpan.FromMinutes(2));
            await done.CancelAsync();
            await watcher.WaitAsync(TimeSpan.FromMinutes(1));

            foreach (var hold in holds)
            {
                granted.Count(d => d == hold.Day).ShouldBe(28, $"grants on {hold.Day}");
                var (day, month) = await workers[2].SharedBudget.ReadPeriodAsync(hold.Day, CancellationToken.None);
                day.ShouldBe(9.80m, $"spent plus held on {hold.Day}");
                month.ShouldBe(39.20m);
            }

            samples.ShouldNotBeEmpty();
            samples.ShouldAllBe(s => s <= 10.00m);
            var refusals = answers.Where(a => a.Verdict != SharedBudgetVerdict.Reserved).ToList();
            refusals.Count.ShouldBe(480 - (4 * 28));
            refusals.ShouldAllBe(a => a.Verdict == SharedBudgetVerdict.RefusedPeriod);
            refusals[0].Reason.ShouldNotBeNull();
            refusals[0].Reason!.ShouldStartWith("the daily cap of $10.00 (2026-03-1");
            refusals[0].Reason!.ShouldContain(", all batches in the database '");
            refusals[0].Reason!.ShouldContain("would be passed: $9.80 spent or held that day, $0.35 more");
            db.Scalar("SELECT count(DISTINCT batch_id) FROM batchgen.fleet_period_spend WHERE day BETWEEN '2026-03-10' AND '2026-03-13';").ShouldBe("4");
        }
        finally
        {
            foreach (var w in workers)
            {
                await w.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SettleAsync_ChargedOnceByWhicheverWorker_SecondSettleAndReleaseChangeNothing()
    {
        var batch = db.NewBatch();
        await using var a = await db.JoinAsync(batch);
        await using var b = await db.JoinAsync(batch);
        var day = DateOnly.Parse("2026-04-10", System.Globalization.CultureInfo.InvariantCulture);
        // A job in flight when the batch's first worker seeded: held on the day without a check.
        await a.Budget.SeedAsync(new Dictionary<string, decimal>(), new Dictionary<string, (string, decimal)> { ["old"] = ("magnific", 0.50m) }, day, CancellationToken.None);
        var hold = Hold("2026-04-10", perDay: 3.00m);
        (await ReserveAsync(a, "j1", 1.00m, hold)).Verdict.ShouldBe(SharedBudgetVerdict.Reserved);
        (await ReserveAsync(a, "j2", 1.00m, hold)).Verdict.ShouldBe(SharedBudgetVerdict.Reserved);
        (await ReserveAsync(b, "j3", 1.00m, hold)).Verdict.ShouldBe(SharedBudgetVerdict.RefusedPeriod, "0.50 + 1.00 + 1.00 held, 1.00 more passes 3.00");

        await b.Budget.SettleAsync("j1", 0.80m, CancellationToken.None); // taken over by b: charged less than held
        await a.Budget.SettleAsync("j1", 0.80m, CancellationToken.None); // a second settle of the job finds nothing
        await a.Budget.SettleAsync("j2", null, CancellationToken.None);  // released: not charged
        await a.Budget.SettleAsync("j2", 1.00m, CancellationToken.None); // already settled: no charge counted
        await b.Budget.SettleAsync("old", 0.40m, CancellationToken.None);
        db.Scalar($"SELECT spent FROM batchgen.fleet_period_spend WHERE batch_id = {batch} AND day = '2026-04-10';").ShouldBe("1.20");
        db.Scalar($"SELECT count(*) FROM batchgen.fleet_reservations WHERE batch_id = {batch};").ShouldBe("0");
        (await a.SharedBudget.ReadPeriodAsync(day, CancellationToken.None)).Day.ShouldBe(1.20m);

        (await ReserveAsync(b, "j3", 1.80m, hold)).Verdict.ShouldBe(SharedBudgetVerdict.Reserved, "1.20 + 1.80 = 3.00 fits");
        (await ReserveAsync(b, "j3", 1.80m, hold)).Verdict.ShouldBe(SharedBudgetVerdict.Reserved, "the job's own earlier hold is replaced, not counted twice");
        (await ReserveAsync(b, "j4", 0.01m, hold)).Verdict.ShouldBe(SharedBudgetVerdict.RefusedPeriod);
    }

    [Fact]
    public async Task TryReserveAsync_MonthCap_CountsEveryDayOfTheMonthAndEveryBatch()
    {
        await using var a = await db.JoinAsync(db.NewBatch());
        await using var b = await db.JoinAsync(db.NewBatch());
        (await ReserveAsync(a, "m1", 2.00m, Hold("2026-05-01", null, 5.00m))).Verdict.ShouldBe(SharedBudgetVerdict.Reserved);
        await a.Budget.SettleAsync("m1", 2.00m, CancellationToken.None);
        (await ReserveAsync(b, "m2", 2.50m, Hold("2026-05-31", null, 5.00m))).Verdict.ShouldBe(SharedBudgetVerdict.Reserved);

        var refused = await ReserveAsync(b, "m3", 1.00m, Hold("2026-05-15", null, 5.00m));
        refused.Verdict.ShouldBe(SharedBudgetVerdict.RefusedPeriod);
        refused.Reason.ShouldNotBeNull();
        refused.Reason!.ShouldStartWith("the monthly cap of $5.00 (2026-05, all batches in the database '");
        refused.Reason!.ShouldEndWith("would be passed: $4.50 spent or held that month, $1.00 more");

        (await ReserveAsync(b, "m3", 0.50m, Hold("2026-05-20", null, 5.00m))).Verdict.ShouldBe(SharedBudgetVerdict.Reserved, "4.50 + 0.50 = 5.00 fits");
        (await ReserveAsync(a, "m4", 4.00m, Hold("2026-06-01", null, 5.00m))).Verdict.ShouldBe(SharedBudgetVerdict.Reserved, "June starts afresh");
        (await ReserveAsync(a, "m5", 4.00m, Hold("2026-02-28", null, 5.00m))).Verdict.ShouldBe(SharedBudgetVerdict.Reserved, "and February ended before");
        (await a.SharedBudget.ReadPeriodAsync(DateOnly.Parse("2026-05-02", System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None)).ShouldBe((0m, 5.00m));
    }

    [Fact]
    public async Task SharedPeriodCaps_DayOfTheManifestTimeZone_SplitsHoldsAtLocalMidnight()
    {
        await using var fleet = await db.JoinAsync(db.NewBatch());
        var now = DateTimeOffset.Parse("2026-07-31T14:30:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var caps = new SharedPeriodCaps(new PeriodCaps(1.00m, 1.50m), TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"), () => now);

        // 23:30 in Tokyo on July 31 (UTC is also the 31st): the day and the month are full after 1.00.
        (await ReserveAsync(fleet, "t1", 1.00m, caps.HoldNow())).Verdict.ShouldBe(SharedBudgetVerdict.Reserved);
        var refused = await ReserveAsync(fleet, "t2", 0.50m, caps.HoldNow());
        refused.Verdict.ShouldBe(SharedBudgetVerdict.RefusedPeriod);
        refused.Reason!.ShouldStartWith("the daily cap of $1.00 (2026-07-31,");

        // 00:30 in Tokyo is August 1 while UTC is still July 31: a new day and a new month there.
        now = now.AddHours(1);
        caps.Today().ShouldBe(new DateOnly(2026, 8, 1));
        (await ReserveAsync(fleet, "t2", 0.50m, caps.HoldNow())).Verdict.ShouldBe(SharedBudgetVerdict.Reserved);
        db.Scalar("SELECT string_agg(job_id || '=' || period_day::text, ',' ORDER BY job_id) FROM batchgen.fleet_reservations WHERE job_id LIKE 't_';")
            .ShouldBe("t1=2026-07-31,t2=2026-08-01");
    }

    [Fact]
    public async Task TryReserveAsync_WithoutPeriodCaps_HoldsNothingAgainstThem()
    {
        var batch = db.NewBatch();
        await using var fleet = await db.JoinAsync(batch);
        (await fleet.Budget.TryReserveAsync(new SharedReservation("n1", "magnific", 5.00m, null, null), CancellationToken.None)).ShouldBe(SharedBudgetAnswer.Reserved);
        await fleet.Budget.SettleAsync("n1", 5.00m, CancellationToken.None);
        db.Scalar($"SELECT count(*) FROM batchgen.fleet_period_spend WHERE batch_id = {batch};").ShouldBe("0");
    }
}
