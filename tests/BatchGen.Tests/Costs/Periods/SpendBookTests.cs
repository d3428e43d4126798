using BatchGen.Core.Costs;
using BatchGen.Core.Costs.Periods;

namespace BatchGen.Tests.Costs.Periods;

public sealed class SpendBookTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PeriodCaps _caps = new(PerDayUsd: 10m, PerMonthUsd: 25m);

    [Fact]
    public async Task TryHold_TwoBooksOnOneFileAtOnce_NeverHoldMoreThanTheDailyCap()
    {
        using var a = SpendBook.Open(_dir.Path);
        using var b = SpendBook.Open(_dir.Path);

        var granted = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? a : b).TryHold(i % 2 == 0 ? "batch-a" : "batch-b", "2026-11-28", 0.45m, _caps) is null)));

        granted.Count(g => g).ShouldBe(22); // 22 x 0.45 = 9.90 <= 10 < 23 x 0.45
        a.TotalUsd("2026-11-28").ShouldBe(9.90m);
    }

    [Fact]
    public void TryHold_MonthCap_CountsEveryDayOfTheMonth()
    {
        using var book = SpendBook.Open(_dir.Path);
        book.Settle("batch", null, 0m, "2026-11-01", 9m);
        book.Settle("batch", null, 0m, "2026-11-02", 9m);

        book.TryHold("batch", "2026-11-03", 8m, _caps).ShouldNotBeNull().ShouldContain("monthly cap of $25.00 (2026-11");
        book.TryHold("batch", "2026-11-03", 7m, _caps with { PerMonthUsd = null }).ShouldBeNull();
        book.TryHold("batch", "2026-12-01", 9m, _caps).ShouldBeNull();
    }

    [Fact]
    public void Settle_ChargedLessThanHeld_FreesTheRest()
    {
        using var book = SpendBook.Open(_dir.Path);
        book.TryHold("batch", "2026-11-28", 4m, _caps).ShouldBeNull();

        book.Settle("batch", "2026-11-28", 4m, "2026-11-28", 1.5m);

        book.TotalUsd("2026-11-28").ShouldBe(1.5m);
    }

    [Fact]
    public void ClearHoldings_AfterACrash_DropsOnlyThatBatchsHoldings()
    {
        using (var crashed = SpendBook.Open(_dir.Path))
        {
            crashed.TryHold("a", "2026-11-28", 4m, _caps).ShouldBeNull();
            crashed.TryHold("b", "2026-11-28", 3m, _caps).ShouldBeNull();
        }

        using var book = SpendBook.Open(_dir.Path);
        book.ClearHoldings("a");

        book.TotalUsd("2026-11-28").ShouldBe(3m);
    }

    [Fact]
    public void LatestUnfinished_TwoBatches_ReturnsTheNewestNotFinished()
    {
        using var book = SpendBook.Open(_dir.Path);
        var zone = "Europe/Paris";
        book.RegisterBatch(new BatchRecord("/out/n-2026-11-26", "/m.yaml", DateTimeOffset.Parse("2026-11-26T02:00+01:00", System.Globalization.CultureInfo.InvariantCulture), zone, DateTimeOffset.UnixEpoch.AddDays(1), Finished: false));
        book.RegisterBatch(new BatchRecord("/out/n-2026-11-27", "/m.yaml", DateTimeOffset.Parse("2026-11-27T02:00+01:00", System.Globalization.CultureInfo.InvariantCulture), zone, DateTimeOffset.UnixEpoch.AddDays(2), Finished: false));
        book.RegisterBatch(new BatchRecord("/out/n-2026-11-27", "/m.yaml", DateTimeOffset.Parse("2026-11-27T02:00+01:00", System.Globalization.CultureInfo.InvariantCulture), zone, DateTimeOffset.UnixEpoch.AddDays(2), Finished: true));

        book.LatestUnfinished("/m.yaml").ShouldNotBeNull().Directory.ShouldBe("/out/n-2026-11-26");
        book.LatestUnfinished("/other.yaml").ShouldBeNull();
    }

    [Fact]
    public void PeriodBudget_ReservationCommittedNextDay_CountsOnTheDayOfTheCharge()
    {
        using var book = SpendBook.Open(_dir.Path);
        var now = DateTimeOffset.Parse("2026-11-28T23:59:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var period = new PeriodBudget(book, "batch", _caps, TimeZoneInfo.Utc, () => now);
        var gate = new BudgetGate(null, new Dictionary<string, decimal>(), 0m, new Dictionary<string, decimal>()) { Settled = period.Settle };
        var reservation = gate.TryReserve("magnific", 2m).ShouldNotBeNull();

        period.TryReserve(reservation).ShouldBeNull();
        now = now.AddMinutes(2);
        gate.Commit(reservation, 2m);

        book.TotalUsd("2026-11-28").ShouldBe(0m);
        book.TotalUsd("2026-11-29").ShouldBe(2m);
    }

    [Fact]
    public void Id_ReopenedAndOpenedTwiceAtOnce_StaysTheSame()
    {
        SpendBook.OpenExisting(_dir.Path).ShouldBeNull("no spend file is made by looking for one");
        File.Exists(Path.Combine(_dir.Path, SpendBook.FileName)).ShouldBeFalse();
        string id;
        using (var first = SpendBook.Open(_dir.Path))
        {
            id = first.Id;
            using var second = SpendBook.Open(_dir.Path);
            second.Id.ShouldBe(id);
        }

        id.ShouldMatch("^[0-9a-f]{32}$");
        using var reopened = SpendBook.OpenExisting(_dir.Path).ShouldNotBeNull();
        reopened.Id.ShouldBe(id);
        using var other = new TempDirectory();
        using var elsewhere = SpendBook.Open(other.Path);
        elsewhere.Id.ShouldNotBe(id, "two spend files have two ids");
    }

    [Fact]
    public void Id_FileMadeBeforeIds_GetsOneOnNextOpenAndKeepsItsSpend()
    {
        var path = Path.Combine(_dir.Path, SpendBook.FileName);
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            // The schema of a spend file written by a version without ids, with one day's spend.
            create.CommandText = """
                CREATE TABLE spend (batch TEXT NOT NULL, day TEXT NOT NULL, spent_micros INTEGER NOT NULL DEFAULT 0,
                    reserved_micros INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (batch, day));
                CREATE TABLE batches (dir TEXT PRIMARY KEY, manifest TEXT NOT NULL, stamp TEXT NOT NULL, time_zone TEXT NOT NULL,
                    started_utc TEXT NOT NULL, finished INTEGER NOT NULL DEFAULT 0);
                INSERT INTO spend VALUES ('out/a', '2026-11-28', 2500000, 400000), ('out/a', '2026-11-27', 0, 300000), ('out/b', '2026-11-28', 1000000, 0),
                    ('/home/u/batches/out/a/', '2026-11-26', 1000000, 0), ('out/ab', '2026-11-26', 7000000, 0);
                """;
            create.ExecuteNonQuery();
        }

        string id;
        using (var book = SpendBook.Open(_dir.Path))
        {
            id = book.Id;
            id.ShouldNotBeNullOrWhiteSpace();
            // The batch named relative and absolute by two runs is one batch; 'out/ab' is another.
            book.SpentByDay("/elsewhere/out/a").ShouldBe([("2026-11-26", 1.0m), ("2026-11-28", 2.5m)], "only spent, per day, days with nothing spent left out");
            book.SpentByDay("out/missing").ShouldBeEmpty();
        }

        using var again = SpendBook.Open(_dir.Path);
        again.Id.ShouldBe(id);
    }

    public void Dispose() => _dir.Dispose();
}
