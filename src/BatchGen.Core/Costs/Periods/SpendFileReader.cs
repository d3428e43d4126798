using System.Globalization;
using BatchGen.Core.Ledger;
using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Costs.Periods;

/// <summary>
/// Reads a spend file (<see cref="SpendBook"/>) without writing it and without ever creating one: what every batch
/// under its directory spent and holds today and this month, the same rows <see cref="SpendBook.TryHold"/> adds up.
/// Tables or rows other than <c>spend</c> are ignored.
/// </summary>
public static class SpendFileReader
{
    static SpendFileReader() => SQLitePCL.Batteries.Init();

    /// <summary>
    /// The standing on <paramref name="day"/> (and its month) from the spend file in <paramref name="directory"/>; null
    /// when there is no such file. An unreadable file is a <see cref="LedgerException"/> naming it.
    /// </summary>
    public static PeriodStanding? Read(string directory, DateOnly day, bool simulated = false)
    {
        var path = Path.Combine(Path.GetFullPath(directory), SpendBook.FileNameFor(simulated));
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var connection = new SqliteConnection(LedgerOpener.ReadOnlyConnectionString(path, pooling: false));
            connection.Open();
            LedgerOpener.ApplyReaderPragmas(connection);
            using var command = connection.CreateCommand();
            // One statement: one snapshot, so a holding moved to spent is seen whole or not at all.
            command.CommandText = """
                SELECT COALESCE(SUM(CASE WHEN day = $d THEN spent_micros END), 0),
                       COALESCE(SUM(CASE WHEN day = $d THEN reserved_micros END), 0),
                       COALESCE(SUM(spent_micros), 0),
                       COALESCE(SUM(reserved_micros), 0)
                FROM spend WHERE day LIKE $m || '%'
                """;
            command.Parameters.AddWithValue("$d", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$m", day.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            using var reader = command.ExecuteReader();
            reader.Read();
            return new PeriodStanding(
                day,
                new PeriodAmounts(Usd(reader.GetInt64(0)), Usd(reader.GetInt64(1))),
                new PeriodAmounts(Usd(reader.GetInt64(2)), Usd(reader.GetInt64(3))));
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidCastException)
        {
            throw LedgerException.Create(path, $"the spend file could not be read: {ex.Message.ReplaceLineEndings(" ")}", "runs under a period cap need it readable and writable", ex);
        }
    }

    private static decimal Usd(long micros) => micros / 1_000_000m;
}
