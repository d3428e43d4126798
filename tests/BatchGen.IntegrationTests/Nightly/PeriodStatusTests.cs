using System.Text.Json;
using BatchGen.Core.Costs;
using BatchGen.Core.Costs.Periods;
using BatchGen.IntegrationTests.Support;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Nightly;

/// <summary>
/// `batchgen status` of nightly batches under `max_cost_per_day` / `max_cost_per_month`, rehearsed with `--simulate` (so
/// counted in the simulated runs' own spend file; a real batch beside them: NightlyRunTests), the real CLI as a child
/// process with a fixed BATCHGEN_NOW: today's and this month's spent and held, against the caps, over
/// every batch in the directory; a missing or unreadable spend file is one line and nothing else changes.
/// </summary>
public sealed class PeriodStatusTests(ITestOutputHelper output)
{
    private const string Caps = "budget:\n  max_cost_per_day: 5\n  max_cost_per_month: 40\n";

    [Fact]
    public async Task Status_TwoBatchesTodayAndOneYesterday_ShowsTheDaysAndTheMonthsSpendOfEveryBatchAgainstTheCaps()
    {
        using var dir = new TempDirectory();
        var manifest = NightlyFixtures.WriteManifest(dir, "capped", 3, "out/{name}-{datetime}", Caps);
        var yesterday = await RunAsync(dir, manifest, "2026-11-27T02:00:00+01:00");
        var first = await RunAsync(dir, manifest, "2026-11-28T02:00:00+01:00");
        var second = await RunAsync(dir, manifest, "2026-11-28T03:00:00+01:00");
        var spentToday = await SpentAsync(first) + await SpentAsync(second);
        var spentMonth = spentToday + await SpentAsync(yesterday);
        spentToday.ShouldBeGreaterThan(0m);
        var env = Now("2026-11-28T10:00:00+01:00");

        var json = await CliProcess.RunAsync(dir.Path, env, ["status", second, "--json"]);
        var text = await CliProcess.RunAsync(dir.Path, env, ["status", Path.Combine(first, "ledger.db")]);
        output.WriteLine(json.StdOut + json.StdErr + text.StdOut + text.StdErr);

        json.ExitCode.ShouldBe(0, json.StdErr);
        using var doc = JsonDocument.Parse(json.StdOut);
        doc.RootElement.GetProperty("jobs").GetInt32().ShouldBe(3, "the rest of status is still there");
        var caps = doc.RootElement.GetProperty("period_caps");
        var outDir = Path.Combine(dir.Path, "out");
        caps.GetProperty("source").GetString().ShouldBe("spend_file");
        caps.GetProperty("spend_file").GetString().ShouldBe(Path.Combine(outDir, SpendBook.SimulatedFileName));
        caps.GetProperty("covers").GetString().ShouldBe($"all simulated batches in {outDir}");
        caps.GetProperty("time_zone").GetString().ShouldBe("Europe/Paris");
        caps.GetProperty("recorded").GetBoolean().ShouldBeTrue();
        caps.GetProperty("problem").ValueKind.ShouldBe(JsonValueKind.Null);
        var today = caps.GetProperty("today");
        today.GetProperty("date").GetString().ShouldBe("2026-11-28");
        today.GetProperty("cap_usd").GetDecimal().ShouldBe(5m);
        today.GetProperty("spent_usd").GetDecimal().ShouldBe(spentToday, "both batches of the day, as their ledgers charged them");
        today.GetProperty("held_usd").GetDecimal().ShouldBe(0m);
        today.GetProperty("total_usd").GetDecimal().ShouldBe(spentToday);
        var month = caps.GetProperty("this_month");
        month.GetProperty("month").GetString().ShouldBe("2026-11");
        month.GetProperty("cap_usd").GetDecimal().ShouldBe(40m);
        month.GetProperty("spent_usd").GetDecimal().ShouldBe(spentMonth, "yesterday's batch counts in the month");
        using (var book = SpendBook.Open(outDir, simulated: true))
        {
            book.TotalUsd("2026-11-28").ShouldBe(spentToday, "the figures the caps check adds up");
            book.TotalUsd("2026-11").ShouldBe(spentMonth);
        }

        // The first batch's status (named by its ledger file) counts the second batch too.
        text.ExitCode.ShouldBe(0, text.StdErr);
        text.StdOut.ShouldContain($"period caps (all simulated batches in {outDir}; days in Europe/Paris):\n  today 2026-11-28: {Usd(spentToday)} of the $5.00 daily cap spent or held ({Usd(spentToday)} spent, $0.00 held)\n");
        text.StdOut.ShouldContain($"\n  this month 2026-11: {Usd(spentMonth)} of the $40.00 monthly cap spent or held ({Usd(spentMonth)} spent, $0.00 held)\n");
    }

    [Fact]
    public async Task Status_SpendFileMissingOrUnreadable_OneLineTheRestUnchangedAndNoFileCreated()
    {
        using var dir = new TempDirectory();
        var manifest = NightlyFixtures.WriteManifest(dir, "capped", 2, "out/{name}-{datetime}", Caps);
        var batch = await RunAsync(dir, manifest, "2026-11-28T02:00:00+01:00");
        var env = Now("2026-11-28T10:00:00+01:00");
        var spendFile = Path.Combine(dir.Path, "out", SpendBook.SimulatedFileName);
        var withFile = await CliProcess.RunAsync(dir.Path, env, ["status", batch]);
        withFile.ExitCode.ShouldBe(0, withFile.StdErr);
        withFile.StdOut.ShouldContain("\n  today 2026-11-28: ");
        foreach (var file in Directory.GetFiles(Path.Combine(dir.Path, "out"), SpendBook.SimulatedFileName + "*"))
        {
            File.Delete(file);
        }

        var missing = await CliProcess.RunAsync(dir.Path, env, ["status", batch]);
        var missingJson = await CliProcess.RunAsync(dir.Path, env, ["status", batch, "--json"]);
        output.WriteLine(withFile.StdOut + missing.StdOut + missing.StdErr + missingJson.StdOut);

        missing.ExitCode.ShouldBe(0, missing.StdErr);
        var line = $"period caps (daily $5.00, monthly $40.00): no period spend recorded yet (no spend file at {spendFile})";
        missing.StdOut.ShouldContain(line);
        WithoutPeriodLines(missing.StdOut).ShouldBe(WithoutPeriodLines(withFile.StdOut), "everything else status shows is unchanged");
        missingJson.ExitCode.ShouldBe(0, missingJson.StdErr);
        using (var doc = JsonDocument.Parse(missingJson.StdOut))
        {
            var caps = doc.RootElement.GetProperty("period_caps");
            caps.GetProperty("recorded").GetBoolean().ShouldBeFalse();
            caps.GetProperty("today").GetProperty("spent_usd").ValueKind.ShouldBe(JsonValueKind.Null);
            caps.GetProperty("today").GetProperty("cap_usd").GetDecimal().ShouldBe(5m);
            doc.RootElement.GetProperty("jobs").GetInt32().ShouldBe(2);
        }

        Directory.GetFiles(Path.Combine(dir.Path, "out"), SpendBook.SimulatedFileName + "*").ShouldBeEmpty("status never creates a spend file");

        await File.WriteAllTextAsync(spendFile, "not a database, just text that is long enough to be read as one");
        var unreadable = await CliProcess.RunAsync(dir.Path, env, ["status", batch]);
        output.WriteLine(unreadable.StdOut + unreadable.StdErr);
        unreadable.ExitCode.ShouldBe(0, unreadable.StdErr);
        unreadable.StdOut.ShouldContain($"period caps (daily $5.00, monthly $40.00): {spendFile}: could not be read (SQLite Error 26: 'file is not a database')\n");
        WithoutPeriodLines(unreadable.StdOut).ShouldBe(WithoutPeriodLines(withFile.StdOut));
    }

    [Fact]
    public async Task Status_ManifestGone_ShowsTheCapsAndSpendFileTheLastRunRecorded()
    {
        using var dir = new TempDirectory();
        var manifest = NightlyFixtures.WriteManifest(dir, "moved", 2, "out/{name}-{datetime}", "budget:\n  max_cost_per_month: 30\n");
        var batch = await RunAsync(dir, manifest, "2026-11-28T02:00:00+01:00");
        var spent = await SpentAsync(batch);
        File.Delete(manifest);

        var json = await CliProcess.RunAsync(dir.Path, Now("2026-11-28T10:00:00+01:00"), ["status", batch, "--json"]);
        var text = await CliProcess.RunAsync(dir.Path, Now("2026-11-28T10:00:00+01:00"), ["status", batch]);
        output.WriteLine(json.StdOut + json.StdErr + text.StdOut + text.StdErr);

        json.ExitCode.ShouldBe(0, json.StdErr);
        using var doc = JsonDocument.Parse(json.StdOut);
        var caps = doc.RootElement.GetProperty("period_caps");
        caps.GetProperty("caps_from").GetString().ShouldBe("last_run");
        caps.GetProperty("spend_file").GetString().ShouldBe(Path.Combine(dir.Path, "out", SpendBook.SimulatedFileName));
        caps.GetProperty("today").GetProperty("cap_usd").ValueKind.ShouldBe(JsonValueKind.Null);
        caps.GetProperty("this_month").GetProperty("cap_usd").GetDecimal().ShouldBe(30m);
        caps.GetProperty("this_month").GetProperty("spent_usd").GetDecimal().ShouldBe(spent);
        text.StdOut.ShouldContain("caps as the last run counted them: the manifest does not load):\n");
        text.StdOut.ShouldContain($"\n  today 2026-11-28: {Usd(spent)} spent or held (no daily cap) ({Usd(spent)} spent, $0.00 held)\n");
    }

    [Fact]
    public async Task Status_NoPeriodCapInTheManifest_ShowsNothingNew()
    {
        using var dir = new TempDirectory();
        var manifest = NightlyFixtures.WriteManifest(dir, "plain", 2, "out/{name}-{datetime}", "budget:\n  max_cost: 5\n");
        var batch = await RunAsync(dir, manifest, "2026-11-28T02:00:00+01:00");

        var text = await CliProcess.RunAsync(dir.Path, Now("2026-11-28T10:00:00+01:00"), ["status", batch]);
        var json = await CliProcess.RunAsync(dir.Path, Now("2026-11-28T10:00:00+01:00"), ["status", batch, "--json"]);

        text.ExitCode.ShouldBe(0, text.StdErr);
        text.StdOut.ShouldContain("succeeded");
        text.StdOut.ShouldNotContain("period caps");
        using var doc = JsonDocument.Parse(json.StdOut);
        doc.RootElement.GetProperty("period_caps").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    /// <summary>Runs one batch of <paramref name="manifest"/> "at" <paramref name="now"/> on the simulator; returns its directory.</summary>
    private async Task<string> RunAsync(TempDirectory dir, string manifest, string now)
    {
        var run = await CliProcess.RunAsync(dir.Path, Now(now), ["run", manifest, "--simulate", "--progress", "none"]);
        output.WriteLine(run.StdOut + run.StdErr);
        run.ExitCode.ShouldBe(0, run.StdErr);
        var stamp = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture).ToString("yyyy-MM-dd'T'HHmm", System.Globalization.CultureInfo.InvariantCulture);
        var name = Path.GetFileNameWithoutExtension(manifest);
        var batch = Path.Combine(dir.Path, "out", $"{name}-{stamp}");
        Directory.Exists(batch).ShouldBeTrue(batch);
        return batch;
    }

    /// <summary>What the batch's ledger says it was charged.</summary>
    private static async Task<decimal> SpentAsync(string batch) =>
        BatchMoney.FromJobs(await NightlyFixtures.ReadLedgerAsync(batch), new HashSet<string>(StringComparer.Ordinal)).SpentUsd;

    private static Dictionary<string, string> Now(string now) => new(StringComparer.Ordinal) { ["BATCHGEN_NOW"] = now };

    private static string Usd(decimal value) => BatchGen.Core.Text.HumanText.Usd(value);

    private static string WithoutPeriodLines(string stdout) =>
        string.Join('\n', stdout.Split('\n').Where(l => !l.StartsWith("period caps", StringComparison.Ordinal) && !l.StartsWith("  today ", StringComparison.Ordinal) && !l.StartsWith("  this month ", StringComparison.Ordinal)));
}
