using System.Globalization;
using BatchGen.Core.Costs;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Nightly;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Fleet;

/// <summary>
/// Two `batchgen run --ledger postgres://...` workers of two batches, each as if on its own machine (its own spend file),
/// run at once under one daily cap: together they spend no more than it, because the cap is held in PostgreSQL.
/// </summary>
public sealed class FleetPeriodCapTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task PerDayCap_TwoBatchesOnTwoMachinesAtOnce_SpendNoMoreThanTheCapTogether()
    {
        using var dir = new TempDirectory();
        using var listener = new NotificationListener();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", "17");
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2);
        var env = RunFixtures.KeyEnvironment();
        env["BATCHGEN_NOW"] = "2026-11-28T02:00:00+01:00";
        string[] Args(string name, string machine)
        {
            var manifest = NightlyFixtures.WriteManifest(dir, name, 10, "out/{name}", "budget:\n  max_cost_per_day: 6\n");
            return ["run", manifest, "--ledger", database.Url, "--providers", providers, "--progress", "none", "--notify", listener.Url, "--out", Path.Combine(dir.Path, machine, name)];
        }

        var argsA = Args("capa", "machine1");
        var argsB = Args("capb", "machine2");
        var estimate = await EstimateAsync(dir, argsA[1], providers);
        output.WriteLine($"one batch's estimate: {estimate}");
        // The cap must be above one batch and below two, or the test proves nothing.
        estimate.ShouldBeLessThan(6m);
        (estimate * 2).ShouldBeGreaterThan(6m);

        var a = CliProcess.Start(dir.Path, env, argsA);
        var b = CliProcess.Start(dir.Path, env, argsB);
        int codeA, codeB;
        try
        {
            codeA = await a.WaitForExitAsync(TimeSpan.FromMinutes(3));
            codeB = await b.WaitForExitAsync(TimeSpan.FromMinutes(3));
            output.WriteLine($"A exit {codeA}: {a.StdErr}\nB exit {codeB}: {b.StdErr}");
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }

        var jobsA = await FleetFixtures.ReadJobsAsync(database.Url, "capa");
        var jobsB = await FleetFixtures.ReadJobsAsync(database.Url, "capb");
        var moneyA = BatchMoney.FromJobs(jobsA, new HashSet<string>(StringComparer.Ordinal));
        var moneyB = BatchMoney.FromJobs(jobsB, new HashSet<string>(StringComparer.Ordinal));
        output.WriteLine($"A spent {moneyA.SpentUsd} reserved {moneyA.ReservedUsd}; B spent {moneyB.SpentUsd} reserved {moneyB.ReservedUsd}");
        (moneyA.SpentUsd + moneyA.ReservedUsd + moneyB.SpentUsd + moneyB.ReservedUsd).ShouldBeLessThanOrEqualTo(6m, "the two machines together passed the daily cap");
        (moneyA.SpentUsd + moneyB.SpentUsd).ShouldBeGreaterThan(estimate, "the cap was reached by both batches together");
        jobsA.Concat(jobsB).Count(j => j.State == JobState.Pending).ShouldBeGreaterThan(0, "jobs above the cap were held");
        new[] { codeA, codeB }.ShouldAllBe(c => c == 0 || c == 3);
        var refused = (codeA == 3 ? a.StdErr : string.Empty) + (codeB == 3 ? b.StdErr : string.Empty);
        refused.ShouldContain("the daily cap of $6.00 (2026-11-28, all batches in the database '");
        refused.ShouldNotContain(new Uri(database.Url).UserInfo.Split(':')[1], Case.Sensitive);
        var recorded = decimal.Parse(database.Cluster.Psql(database.Name, "SELECT COALESCE(sum(spent), 0) FROM batchgen.fleet_period_spend WHERE day = '2026-11-28';").Trim(), CultureInfo.InvariantCulture);
        recorded.ShouldBe(moneyA.SpentUsd + moneyB.SpentUsd, "the period spend in PostgreSQL is what the ledgers spent");

        // The notifications' spent today count both batches (the fleet's database), never one machine's spend file.
        var today = listener.Bodies.Select(body =>
        {
            using var notice = System.Text.Json.JsonDocument.Parse(body);
            return notice.RootElement.GetProperty("budget").GetProperty("spent_today_usd").GetDecimal();
        }).ToList();
        today.Count.ShouldBe(2);
        today.ShouldAllBe(t => t <= 6m);
        today.ShouldContain(recorded, "the worker that finished last saw both batches settled");
    }

    [Fact]
    public async Task TryReserveAsync_PostgresCutDuringAPeriodHold_NothingHeldUntilBackThenOnceAndTheWorkerStopsSubmitting()
    {
        await using var gate = new TcpGate(database.Cluster.Port);
        var viaGate = database.ConnectionString.Replace($"Port={database.Cluster.Port}", $"Port={gate.Port}", StringComparison.Ordinal);
        viaGate.ShouldNotBe(database.ConnectionString);
        var options = new BatchGen.Fleet.Postgres.FleetOptions { BatchId = 9_001, OutageTime = TimeSpan.FromSeconds(60), LeaseTime = TimeSpan.FromSeconds(30) };
        await using var fleet = await BatchGen.Fleet.Postgres.PostgresFleet.JoinAsync(viaGate, options, CancellationToken.None);
        var hold = new BatchGen.Core.Costs.Periods.SharedPeriodHold(new BatchGen.Core.Costs.Periods.PeriodCaps(5m, null), new DateOnly(2026, 9, 1));
        string Held() => database.Cluster.Psql(database.Name, "SELECT count(*) || ' ' || COALESCE(max(period_day)::text, '-') FROM batchgen.fleet_reservations WHERE batch_id = 9001;").Trim();

        gate.Close();
        var reserve = fleet.Budget.TryReserveAsync(new BatchGen.Core.Pipeline.Fleet.SharedReservation("cut1", "magnific", 1.00m, null, null, hold), CancellationToken.None);
        using (var waited = new CancellationTokenSource(RunFixtures.StateTimeout))
        {
            // Tried (and refused) a few times: the hold is waiting for the server, not granted without it.
            while (gate.Refused < 3 && !reserve.IsCompleted)
            {
                await Task.Delay(100, waited.Token);
            }
        }

        reserve.IsCompleted.ShouldBeFalse("a hold was answered while PostgreSQL was unreachable");
        Held().ShouldBe("0 -");
        fleet.OutageNotice.ShouldNotBeNull("the outage is remembered: this worker submits nothing new");
        gate.Open();
        (await reserve.WaitAsync(RunFixtures.StateTimeout)).Verdict.ShouldBe(BatchGen.Core.Pipeline.Fleet.SharedBudgetVerdict.Reserved);
        Held().ShouldBe("1 2026-09-01");
    }

    private static async Task<decimal> EstimateAsync(TempDirectory dir, string manifest, string providers)
    {
        var plan = await CliProcess.RunAsync(dir.Path, null, ["plan", manifest, "--providers", providers, "--json"]);
        plan.ExitCode.ShouldBe(0, plan.StdErr);
        using var json = System.Text.Json.JsonDocument.Parse(plan.StdOut);
        return json.RootElement.GetProperty("estimated_cost_usd").GetDecimal();
    }
}
