using BatchGen.Core.Costs.Periods;
using BatchGen.Core.Ledger;
using Microsoft.Data.Sqlite;

namespace BatchGen.Tests.Costs.Periods;

/// <summary>The read-only view of a spend file that `batchgen status` shows: the same figures the caps check adds up.</summary>
public sealed class SpendFileReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PeriodCaps _caps = new(PerDayUsd: 10m, PerMonthUsd: 25m);

    [Fact]
    public void Read_SpentAndHeldOfSeveralBatchesAndDays_SplitsThemAndAddsUpToTheCapsTotals()
    {
        using (var book = SpendBook.Open(_dir.Path))
        {
            book.Settle("a", null, 0m, "2026-11-02", 3.10m);
            book.Settle("a", null, 0m, "2026-10-31", 7m);
            book.Settle("b", null, 0m, "2026-11-28", 1.25m);
            book.TryHold("b", "2026-11-28", 0.45m, _caps).ShouldBeNull();
            book.TryHold("c", "2026-11-28", 0.30m, _caps).ShouldBeNull();
            book.TryHold("c", "2026-11-27", 0.20m, _caps).ShouldBeNull();

            var standing = SpendFileReader.Read(_dir.Path, new DateOnly(2026, 11, 28)).ShouldNotBeNull();

            standing.Today.ShouldBe(new PeriodAmounts(1.25m, 0.75m));
            standing.ThisMonth.ShouldBe(new PeriodAmounts(4.35m, 0.95m));
            standing.Today.TotalUsd.ShouldBe(book.TotalUsd("2026-11-28"));
            standing.ThisMonth.TotalUsd.ShouldBe(book.TotalUsd("2026-11"));
        }
    }

    [Fact]
    public void Read_ExtraTablesAndRows_Ignored()
    {
        using (var book = SpendBook.Open(_dir.Path))
        {
            book.Settle("a", null, 0m, "2026-11-28", 2m);
        }

        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, SpendBook.FileName)};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE IF NOT EXISTS book (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT OR REPLACE INTO book VALUES ('id', 'abc'); CREATE TABLE later_table (x TEXT); INSERT INTO later_table VALUES ('y');";
            command.ExecuteNonQuery();
        }

        SpendFileReader.Read(_dir.Path, new DateOnly(2026, 11, 28)).ShouldNotBeNull().Today.ShouldBe(new PeriodAmounts(2m, 0m));
    }

    [Fact]
    public void Read_NoSpendFile_NullAndNothingCreated()
    {
        var missing = Path.Combine(_dir.Path, "never-run");

        SpendFileReader.Read(missing, new DateOnly(2026, 11, 28)).ShouldBeNull();
        SpendFileReader.Read(_dir.Path, new DateOnly(2026, 11, 28)).ShouldBeNull();

        Directory.Exists(missing).ShouldBeFalse();
        Directory.GetFiles(_dir.Path).ShouldBeEmpty();
    }

    [Fact]
    public void Read_NotADatabase_LedgerExceptionNamingTheFile()
    {
        var path = Path.Combine(_dir.Path, SpendBook.FileName);
        File.WriteAllText(path, "this is text, not a SQLite database, and long enough to be read as a header");

        var ex = Should.Throw<LedgerException>(() => SpendFileReader.Read(_dir.Path, new DateOnly(2026, 11, 28)));

        ex.Message.ShouldStartWith($"{path}: the spend file could not be read");
    }

    public void Dispose() => _dir.Dispose();
}
