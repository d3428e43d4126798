using System.Globalization;
using System.Text.Json;
using BatchGen.Core.Costs;
using BatchGen.IntegrationTests.Nightly;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;
using BatchGen.Ledger.Postgres;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Fleet;

/// <summary>
/// `batchgen status --ledger postgres://...` of a batch under period caps: today's and this month's spent and held over
/// every batch in the database (the fleet's tables, read without joining the fleet), the real CLI as a child process.
/// </summary>
public sealed class FleetPeriodStatusTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private const string Caps = "budget:\n  max_cost_per_day: 6\n  max_cost_per_month: 50\n";

    [Fact]
    public async Task Status_TwoFleetBatchesAndHeldReservations_ShowsTheDatabasesDayAndMonthAgainstTheCaps()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path, "--time-scale", "0.01", "--seed", "23");
        var providers = RunFixtures.WriteProvidersFile(dir, sim.BaseAddress, concurrency: 2);
        var env = RunFixtures.KeyEnvironment();
        env["BATCHGEN_NOW"] = "2026-11-28T02:00:00+01:00";
        var manifestA = NightlyFixtures.WriteManifest(dir, "psa", 3, "out/{name}", Caps);
        var manifestB = NightlyFixtures.WriteManifest(dir, "psb", 3, "out/{name}", Caps);
        foreach (var (manifest, machine) in new[] { (manifestA, "machine1"), (manifestB, "machine2") })
        {
            var run = await CliProcess.RunAsync(dir.Path, env, ["run", manifest, "--ledger", database.Url, "--providers", providers, "--progress", "none", "--out", Path.Combine(dir.Path, machine, Path.GetFileNameWithoutExtension(manifest))]);
            output.WriteLine(run.StdOut + run.StdErr);
            run.ExitCode.ShouldBe(0, run.StdErr);
        }

        var spent = Money(await FleetFixtures.ReadJobsAsync(database.Url, "psa")) + Money(await FleetFixtures.ReadJobsAsync(database.Url, "psb"));
        spent.ShouldBeGreaterThan(0m);
        // Runs in flight elsewhere: a hold today, one earlier this month, and a batch reservation without a period hold.
        database.Cluster.Psql(database.Name, """
            INSERT INTO batchgen.fleet_reservations (batch_id, job_id, provider, amount, period_day) VALUES
              (987654, 'held-today', 'magnific', 0.45, '2026-11-28'),
              (987654, 'held-earlier', 'magnific', 0.30, '2026-11-03'),
              (987654, 'no-period', 'magnific', 1.00, NULL),
              (987654, 'last-month', 'magnific', 2.00, '2026-10-31');
            """);
        string Workers() => database.Cluster.Psql(database.Name, "SELECT count(*) || '/' || COALESCE(max(heartbeat_at)::text, '-') FROM batchgen.fleet_workers;").Trim();
        var workersBefore = Workers();
        env["BATCHGEN_NOW"] = "2026-11-28T10:00:00+01:00";

        var json = await CliProcess.RunAsync(dir.Path, env, ["status", manifestA, "--ledger", database.Url, "--json"]);
        var text = await CliProcess.RunAsync(dir.Path, env, ["status", "psb", "--ledger", database.Url]);
        output.WriteLine(json.StdOut + json.StdErr + text.StdOut + text.StdErr);

        json.ExitCode.ShouldBe(0, json.StdErr);
        using var doc = JsonDocument.Parse(json.StdOut);
        doc.RootElement.GetProperty("jobs").GetInt32().ShouldBe(3);
        var caps = doc.RootElement.GetProperty("period_caps");
        caps.GetProperty("source").GetString().ShouldBe("postgres");
        caps.GetProperty("covers").GetString().ShouldBe($"all batches in the database '{database.Name}' of PostgreSQL at 127.0.0.1:{database.Cluster.Port}");
        caps.GetProperty("spend_file").ValueKind.ShouldBe(JsonValueKind.Null);
        caps.GetProperty("time_zone").GetString().ShouldBe("Europe/Paris");
        caps.GetProperty("recorded").GetBoolean().ShouldBeTrue();
        var today = caps.GetProperty("today");
        today.GetProperty("date").GetString().ShouldBe("2026-11-28");
        today.GetProperty("cap_usd").GetDecimal().ShouldBe(6m);
        today.GetProperty("spent_usd").GetDecimal().ShouldBe(spent, "both batches, as their ledgers charged them");
        today.GetProperty("held_usd").GetDecimal().ShouldBe(0.45m);
        var month = caps.GetProperty("this_month");
        month.GetProperty("cap_usd").GetDecimal().ShouldBe(50m);
        month.GetProperty("spent_usd").GetDecimal().ShouldBe(spent);
        month.GetProperty("held_usd").GetDecimal().ShouldBe(0.75m);
        var recorded = decimal.Parse(database.Cluster.Psql(database.Name, "SELECT COALESCE(sum(spent), 0) FROM batchgen.fleet_period_spend WHERE day = '2026-11-28';").Trim(), CultureInfo.InvariantCulture);
        recorded.ShouldBe(spent);
        await using (var source = Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
        {
            var (day, monthTotal) = await BatchGen.Fleet.Postgres.PostgresPeriodCaps.TotalsAsync(source, new DateOnly(2026, 11, 28), CancellationToken.None);
            today.GetProperty("total_usd").GetDecimal().ShouldBe(day, "the totals the caps check adds up");
            month.GetProperty("total_usd").GetDecimal().ShouldBe(monthTotal);
        }

        Workers().ShouldBe(workersBefore, "status never joins the fleet");
        text.ExitCode.ShouldBe(0, text.StdErr);
        text.StdOut.ShouldContain($"period caps (all batches in the database '{database.Name}' of PostgreSQL at 127.0.0.1:{database.Cluster.Port}; days in Europe/Paris):\n");
        text.StdOut.ShouldContain($"\n  today 2026-11-28: {Usd(spent + 0.45m)} of the $6.00 daily cap spent or held ({Usd(spent)} spent, $0.45 held)\n");
        text.StdOut.ShouldContain($"\n  this month 2026-11: {Usd(spent + 0.75m)} of the $50.00 monthly cap spent or held ({Usd(spent)} spent, $0.75 held)\n");
        (json.StdOut + text.StdOut + text.StdErr).ShouldNotContain(database.Cluster.Password, Case.Sensitive);
    }

    [Fact]
    public async Task Status_FleetTablesNotCreatedYet_SaysNoPeriodSpendRecordedAndCreatesNothing()
    {
        using var dir = new TempDirectory();
        var name = database.Cluster.CreateDatabase("nofleet");
        try
        {
            var url = database.Cluster.Url(name);
            var manifest = NightlyFixtures.WriteManifest(dir, "quiet", 2, "out/{name}", "budget:\n  max_cost_per_day: 6\n");
            await using (var ledger = await PostgresLedger.OpenAsync(PostgresAddress.Parse(url), new PostgresBatch("quiet"), TimeProvider.System, CancellationToken.None))
            {
                await ledger.SetMetaAsync("manifest", manifest, CancellationToken.None);
            }

            var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["BATCHGEN_NOW"] = "2026-11-28T10:00:00+01:00" };
            var text = await CliProcess.RunAsync(dir.Path, env, ["status", "quiet", "--ledger", url]);
            var json = await CliProcess.RunAsync(dir.Path, env, ["status", "quiet", "--ledger", url, "--json"]);
            output.WriteLine(text.StdOut + text.StdErr + json.StdOut);

            text.ExitCode.ShouldBe(0, text.StdErr);
            text.StdOut.ShouldContain($"period caps (daily $6.00): no period spend recorded yet (all batches in the database '{name}' of PostgreSQL at 127.0.0.1:{database.Cluster.Port})\n");
            using var doc = JsonDocument.Parse(json.StdOut);
            var caps = doc.RootElement.GetProperty("period_caps");
            caps.GetProperty("recorded").GetBoolean().ShouldBeFalse();
            caps.GetProperty("problem").ValueKind.ShouldBe(JsonValueKind.Null);
            caps.GetProperty("today").GetProperty("cap_usd").GetDecimal().ShouldBe(6m);
            caps.GetProperty("this_month").GetProperty("cap_usd").ValueKind.ShouldBe(JsonValueKind.Null);
            database.Cluster.Psql(name, "SELECT to_regclass('batchgen.fleet_period_spend') IS NULL AND to_regclass('batchgen.fleet_reservations') IS NULL;").Trim().ShouldBe("t", "status created no fleet table");
        }
        finally
        {
            database.Cluster.DropDatabase(name);
        }
    }

    private static decimal Money(IEnumerable<BatchGen.Core.Ledger.LedgerJob> jobs) => BatchMoney.FromJobs(jobs, new HashSet<string>(StringComparer.Ordinal)).SpentUsd;

    private static string Usd(decimal value) => BatchGen.Core.Text.HumanText.Usd(value);
}
