using System.Globalization;
using BatchGen.Core.Costs;
using BatchGen.Core.Costs.Periods;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline.Fleet;
using BatchGen.Fleet.Postgres;
using BatchGen.IntegrationTests.Nightly;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Fleet;

/// <summary>
/// A batch that spent part of the day on a SQLite ledger (its spend file) and then moved to PostgreSQL brings that spend
/// into the fleet's period caps, once per spend file, whoever joins and however often.
/// </summary>
public sealed class FleetPeriodCarryTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private const decimal DayCap = 6m;

    [Fact]
    public async Task PerDayCap_BatchMovedFromSqliteMidDay_FleetSpendsOnlyWhatTheDayHasLeft()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", "23");
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2);
        var env = RunFixtures.KeyEnvironment();
        env["BATCHGEN_NOW"] = "2026-11-28T02:00:00+01:00";
        var manifest = NightlyFixtures.WriteManifest(dir, "moved", 24, "out/{name}", "budget:\n  max_cost_per_day: 6\n");
        var batches = Path.Combine(dir.Path, "batches");
        var outDir = Path.Combine(batches, "moved");
        var plan = await CliProcess.RunAsync(dir.Path, null, ["plan", manifest, "--providers", providers, "--json"]);
        plan.ExitCode.ShouldBe(0, plan.StdErr);
        using (var json = System.Text.Json.JsonDocument.Parse(plan.StdOut))
        {
            // The batch must be worth more than the day's cap plus what it spends on SQLite, or the test proves nothing.
            json.RootElement.GetProperty("estimated_cost_usd").GetDecimal().ShouldBeGreaterThan(DayCap + 3m);
        }

        // Part of the batch on the laptop's SQLite ledger: stopped by its own cap at $3.
        var local = await CliProcess.RunAsync(dir.Path, env, ["run", manifest, "--providers", providers, "--progress", "none", "--out", outDir, "--max-cost", "3"]);
        output.WriteLine($"SQLite run exit {local.ExitCode}: {local.StdErr}");
        local.ExitCode.ShouldBe(3, local.StdErr);
        var spentLocally = BatchMoney.FromJobs(await NightlyFixtures.ReadLedgerAsync(outDir), new HashSet<string>(StringComparer.Ordinal)).SpentUsd;
        spentLocally.ShouldBeGreaterThan(1m);
        using (var book = SpendBook.Open(batches))
        {
            book.SpentByDay(outDir).ShouldBe([("2026-11-28", spentLocally)]);
        }

        // Copied without the spend file beside it, as a copy made by a batchgen before this carry (or of a ledger
        // moved elsewhere first) is: the worker that joins on this machine carries it.
        var spendFile = Path.Combine(batches, SpendBook.FileName);
        File.Exists(spendFile + "-wal").ShouldBeFalse("the runs checkpoint the spend file when they close it");
        File.Move(spendFile, spendFile + ".aside");
        var copy = await CliProcess.RunAsync(dir.Path, env, ["ledger", "copy", Path.Combine(outDir, "ledger.db"), database.Url]);
        File.Move(spendFile + ".aside", spendFile);
        copy.ExitCode.ShouldBe(0, copy.StdErr);
        copy.StdOut.ShouldNotContain("carried $");
        DaySpend("moved", "2026-11-28").ShouldBe(0m);

        // The rest on the fleet, same batch directory, under the same daily cap.
        string[] fleetRun = ["run", manifest, "--ledger", database.Url, "--providers", providers, "--progress", "none", "--out", outDir, "--log-level", "info"];
        var worker = await CliProcess.RunAsync(dir.Path, env, fleetRun);
        output.WriteLine($"fleet run exit {worker.ExitCode}: {worker.StdErr}");
        worker.ExitCode.ShouldBe(3, worker.StdErr);
        worker.StdErr.ShouldContain("the daily cap of $6.00 (2026-11-28, all batches in the database '");
        worker.StdErr.ShouldNotContain(new Uri(database.Url).UserInfo.Split(':')[1], Case.Sensitive);
        var money = await MoneyAsync();
        output.WriteLine($"after the fleet run: spent {money.SpentUsd} held {money.ReservedUsd}; locally {spentLocally}");
        (money.SpentUsd + money.ReservedUsd).ShouldBeLessThanOrEqualTo(DayCap, "the batch passed the daily cap across the move");
        money.SpentUsd.ShouldBeGreaterThan(spentLocally, "the fleet spent what the day had left");
        DaySpend("moved", "2026-11-28").ShouldBe(money.SpentUsd, "the fleet's period spend is what the batch's ledger spent that day");
        worker.StdErr.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"carried ${spentLocally:0.00} this batch spent before"));
        worker.StdErr.ShouldContain(Path.Combine(batches, SpendBook.FileName));

        // A restarted worker carries nothing again.
        var restarted = await CliProcess.RunAsync(dir.Path, env, fleetRun);
        output.WriteLine($"restarted exit {restarted.ExitCode}: {restarted.StdErr}");
        restarted.ExitCode.ShouldBe(3, restarted.StdErr);
        restarted.StdErr.ShouldNotContain("carried $");
        var after = await MoneyAsync();
        (after.SpentUsd + after.ReservedUsd).ShouldBeLessThanOrEqualTo(DayCap);
        DaySpend("moved", "2026-11-28").ShouldBe(after.SpentUsd);

        async Task<BatchMoney> MoneyAsync() =>
            BatchMoney.FromJobs(await FleetFixtures.ReadJobsAsync(database.Url, "moved"), new HashSet<string>(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LedgerCopy_BatchMovedFromALaptopMidDay_CopyCarriesItsSpendAndAServerWorkerStaysUnderTheCap()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", "29");
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2);
        var env = RunFixtures.KeyEnvironment();
        env["BATCHGEN_NOW"] = "2026-10-14T02:00:00+02:00"; // every test of the class on its own day: the caps count all batches
        var manifest = NightlyFixtures.WriteManifest(dir, "laptop", 24, "out/{name}", "budget:\n  max_cost_per_day: 6\n");
        var laptop = Path.Combine(dir.Path, "laptop", "laptop");
        var local = await CliProcess.RunAsync(dir.Path, env, ["run", manifest, "--providers", providers, "--progress", "none", "--out", laptop, "--max-cost", "3"]);
        local.ExitCode.ShouldBe(3, local.StdErr);
        var spentLocally = BatchMoney.FromJobs(await NightlyFixtures.ReadLedgerAsync(laptop), new HashSet<string>(StringComparer.Ordinal)).SpentUsd;
        spentLocally.ShouldBeGreaterThan(1m);

        var copy = await CliProcess.RunAsync(dir.Path, env, ["ledger", "copy", laptop, database.Url]);
        output.WriteLine($"copy exit {copy.ExitCode}: {copy.StdOut} {copy.StdErr}");
        copy.ExitCode.ShouldBe(0, copy.StdErr);
        copy.StdOut.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"carried ${spentLocally:0.00} this batch spent before on its SQLite ledger into the fleet's period caps (2026-10-14 ${spentLocally:0.00}) from {Path.Combine(dir.Path, "laptop", SpendBook.FileName)}"));
        DaySpend("laptop", "2026-10-14").ShouldBe(spentLocally, "the copy brought the day's spend before any worker ran");

        // The server: another directory, its own (empty) spend file; the laptop's spend counts all the same.
        var server = await CliProcess.RunAsync(dir.Path, env, ["run", manifest, "--ledger", database.Url, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, "server", "laptop"), "--log-level", "info"]);
        output.WriteLine($"server exit {server.ExitCode}: {server.StdErr}");
        server.ExitCode.ShouldBe(3, server.StdErr);
        var money = BatchMoney.FromJobs(await FleetFixtures.ReadJobsAsync(database.Url, "laptop"), new HashSet<string>(StringComparer.Ordinal));
        output.WriteLine($"after the server run: spent {money.SpentUsd} held {money.ReservedUsd}; locally {spentLocally}");
        (money.SpentUsd + money.ReservedUsd).ShouldBeLessThanOrEqualTo(DayCap, "the batch passed the daily cap across the move");
        money.SpentUsd.ShouldBeGreaterThan(spentLocally);
        DaySpend("laptop", "2026-10-14").ShouldBe(money.SpentUsd);
        server.StdErr.ShouldNotContain("carried $");

        // Copied again (--force), from the same spend file: nothing is added twice.
        var again = await CliProcess.RunAsync(dir.Path, env, ["ledger", "copy", laptop, database.Url, "--force"]);
        again.ExitCode.ShouldBe(0, again.StdErr);
        again.StdOut.ShouldNotContain("carried $");
        DaySpend("laptop", "2026-10-14").ShouldBe(money.SpentUsd);
    }

    [Fact]
    public async Task CarryPeriodSpendAsync_FourWorkersAtOnceThenARestartThenMoreLocalSpendAndASecondFile_EachCountedOnce()
    {
        const long batchId = 9_101;
        var first = new DateOnly(2026, 9, 15); // a day no other test of the class spends on
        IReadOnlyList<(DateOnly, decimal)> bookA = [(first.AddDays(-1), 1.00m), (first, 2.50m)];
        var workers = new List<PostgresFleet>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                workers.Add(await PostgresFleet.JoinAsync(database.ConnectionString, new FleetOptions { BatchId = batchId }, CancellationToken.None));
            }

            var carried = await Task.WhenAll(workers.Select(w => Task.Run(() => w.CarryPeriodSpendAsync("book-a", bookA, CancellationToken.None))));

            carried.Count(c => c.Count > 0).ShouldBe(1, "exactly one worker carried the spend file's figures");
            carried.Single(c => c.Count > 0).ShouldBe(bookA);
            Spend(first).ShouldBe(2.50m);
            Spend(first.AddDays(-1)).ShouldBe(1.00m);

            // A restarted worker: nothing new.
            await using (var restarted = await PostgresFleet.JoinAsync(database.ConnectionString, new FleetOptions { BatchId = batchId }, CancellationToken.None))
            {
                (await restarted.CarryPeriodSpendAsync("book-a", bookA, CancellationToken.None)).ShouldBeEmpty();
            }

            // The batch spent more under that file later the same day (run on SQLite again): only the difference is added;
            // another machine's spend file carries its own.
            (await workers[0].CarryPeriodSpendAsync("book-a", [(first.AddDays(-1), 1.00m), (first, 3.00m)], CancellationToken.None)).ShouldBe([(first, 0.50m)]);
            (await workers[1].CarryPeriodSpendAsync("book-b", [(first, 1.25m)], CancellationToken.None)).ShouldBe([(first, 1.25m)]);
            Spend(first).ShouldBe(4.25m);

            // The carried spend counts in the holds: $1.00 more would pass a $5 daily cap.
            var hold = new SharedPeriodHold(new PeriodCaps(5m, null), first);
            var answer = await workers[2].Budget.TryReserveAsync(new SharedReservation("j1", "magnific", 1.00m, null, null, hold), CancellationToken.None);
            answer.Verdict.ShouldNotBe(SharedBudgetVerdict.Reserved);
            answer.Reason.ShouldNotBeNull().ShouldContain("$4.25 spent or held that day");
            (await workers[2].Budget.TryReserveAsync(new SharedReservation("j2", "magnific", 0.75m, null, null, hold), CancellationToken.None)).Verdict.ShouldBe(SharedBudgetVerdict.Reserved);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }

        decimal Spend(DateOnly day) => decimal.Parse(
            database.Cluster.Psql(database.Name, $"SELECT COALESCE(sum(spent), 0) FROM batchgen.fleet_period_spend WHERE batch_id = {batchId} AND day = '{day:yyyy-MM-dd}';").Trim(),
            CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task CarryCopiedPeriodSpendAsync_PostgresUnreachable_OneLineNamingTheServerAndNothingCarried()
    {
        await using var gate = new TcpGate(database.Cluster.Port);
        var viaGate = database.ConnectionString.Replace($"Port={database.Cluster.Port}", $"Port={gate.Port}", StringComparison.Ordinal);
        viaGate.ShouldNotBe(database.ConnectionString);
        gate.Close();

        var ex = await Should.ThrowAsync<FleetUnavailableException>(() => PostgresFleet.CarryCopiedPeriodSpendAsync(
            viaGate, 9_201, $"PostgreSQL at 127.0.0.1:{gate.Port}", "book-x", [(new DateOnly(2026, 8, 3), 2m)], TimeProvider.System, CancellationToken.None));

        ex.Message.ShouldStartWith($"PostgreSQL at 127.0.0.1:{gate.Port} is unreachable (");
        ex.Message.ShouldNotContain(new Uri(database.Url).UserInfo.Split(':')[1], Case.Sensitive);
        if (database.Cluster.Psql(database.Name, "SELECT to_regclass('batchgen.fleet_period_carried') IS NOT NULL;").Trim() == "t")
        {
            database.Cluster.Psql(database.Name, "SELECT count(*) FROM batchgen.fleet_period_carried WHERE batch_id = 9201;").Trim().ShouldBe("0");
        }
    }

    /// <summary>The fleet's period spend of the batch <paramref name="name"/> on <paramref name="day"/>.</summary>
    [Fact]
    public async Task PerDayCap_SimulatedRunOnPostgres_CountsInTheSimulatedSpendFileNeverInTheFleetsCaps()
    {
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["BATCHGEN_NOW"] = "2026-09-09T02:00:00+02:00" };
        // 10 jobs at $0.45 under a $5.00 daily cap: the rehearsal fits, and must leave the fleet's real caps untouched.
        var manifest = NightlyFixtures.WriteManifest(dir, "rehearsed", 10, "out/{name}", "budget:\n  max_cost_per_day: 5\n");
        var batches = Path.Combine(dir.Path, "batches");

        var run = await CliProcess.RunAsync(dir.Path, env, ["run", manifest, "--simulate", "--ledger", database.Url, "--progress", "none", "--out", Path.Combine(batches, "rehearsed")]);
        output.WriteLine(run.StdOut + run.StdErr);

        run.ExitCode.ShouldBe(0, run.StdErr);
        NightlyFixtures.Spent(run.StdOut).ShouldBe(4.50m);
        (await FleetFixtures.ReadJobsAsync(database.Url, "rehearsed")).Count.ShouldBe(10, "the batch ran on PostgreSQL");
        DaySpend("rehearsed", "2026-09-09").ShouldBe(0m, "simulated money counted in the fleet's period caps");
        database.Cluster.Psql(database.Name, "SELECT count(*) FROM batchgen.fleet_reservations WHERE period_day IS NOT NULL;").Trim().ShouldBe("0");
        File.Exists(Path.Combine(batches, SpendBook.FileName)).ShouldBeFalse("the real spend file");
        using var book = SpendBook.Open(batches, simulated: true);
        book.TotalUsd("2026-09-09").ShouldBe(4.50m, "the rehearsal is capped among rehearsals");
    }

    private decimal DaySpend(string name, string day) => decimal.Parse(
        database.Cluster.Psql(database.Name, $"SELECT COALESCE(sum(s.spent), 0) FROM batchgen.fleet_period_spend s JOIN batchgen.batches b ON b.id = s.batch_id WHERE s.day = '{day}' AND b.name = '{name}';").Trim(),
        CultureInfo.InvariantCulture);
}
