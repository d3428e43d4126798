using System.Globalization;
using BatchGen.Core.Ledger;
using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Costs.Periods;

/// <summary>
/// The spend file next to the batches (<c>.batchgen-spend.db</c>): what every batch spent and holds per day, and the
/// batches started under that directory. SQLite in WAL mode with full sync: durable, crash-safe, and safe between
/// processes (each check-and-hold is one <c>BEGIN IMMEDIATE</c> transaction). Amounts are integer micro-dollars.
/// </summary>
public sealed class SpendBook : IDisposable
{
    /// <summary>The file name, in the directory that holds the batches.</summary>
    public const string FileName = ".batchgen-spend.db";

    /// <summary>
    /// The spend file of simulated runs (<c>--simulate</c>), in the same directory: their money is not real, so it never
    /// counts against the caps of real batches, and their batches are never resumed as real ones (nor the reverse).
    /// </summary>
    public const string SimulatedFileName = ".batchgen-spend.simulated.db";

    /// <summary>The spend file's name for real or simulated runs.</summary>
    public static string FileNameFor(bool simulated) => simulated ? SimulatedFileName : FileName;

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    private SpendBook(string path, SqliteConnection connection, string id)
    {
        Path = path;
        _connection = connection;
        Id = id;
    }

    public string Path { get; }

    /// <summary>
    /// This file's own random id, made on its first open (a file made by an earlier version gets one on its next open)
    /// and kept for its life: a fleet carries this file's spend into PostgreSQL once per batch under it.
    /// </summary>
    public string Id { get; }

    static SpendBook() => SQLitePCL.Batteries.Init();

    /// <summary>Opens the spend file in <paramref name="directory"/> when there is one (null when not: nothing is created).</summary>
    public static SpendBook? OpenExisting(string directory) =>
        File.Exists(System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), FileName)) ? Open(directory) : null;

    /// <summary>Opens (creating when new) the spend file in <paramref name="directory"/>: that of simulated runs when <paramref name="simulated"/>.</summary>
    public static SpendBook Open(string directory, bool simulated = false)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), FileNameFor(simulated));
        try
        {
            Directory.CreateDirectory(directory);
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            connection.Open();
            Execute(connection, """
                PRAGMA busy_timeout = 15000;
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS spend (
                    batch TEXT NOT NULL, day TEXT NOT NULL,
                    spent_micros INTEGER NOT NULL DEFAULT 0, reserved_micros INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (batch, day));
                CREATE TABLE IF NOT EXISTS batches (
                    dir TEXT PRIMARY KEY, manifest TEXT NOT NULL, stamp TEXT NOT NULL, time_zone TEXT NOT NULL,
                    started_utc TEXT NOT NULL, finished INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE IF NOT EXISTS book (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """);
            return new SpendBook(path, connection, EnsureId(connection));
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw LedgerException.Create(path, $"the spend file could not be opened ({ex.Message.ReplaceLineEndings(" ")})", "check that the directory is writable");
        }
    }

    /// <summary>
    /// What the batch in <paramref name="batchDirectory"/> spent per day (yyyy-MM-dd, oldest first; holdings left out,
    /// days with nothing spent left out). Rows are keyed by the directory as each run named it (relative or absolute);
    /// every batch of this file lives in the directory holding it, so a row is this batch's when its last path segment
    /// is the batch directory's name.
    /// </summary>
    public IReadOnlyList<(string Day, decimal SpentUsd)> SpentByDay(string batchDirectory)
    {
        var name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(batchDirectory));
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT batch, day, spent_micros FROM spend WHERE spent_micros > 0";
            using var reader = command.ExecuteReader();
            var days = new SortedDictionary<string, long>(StringComparer.Ordinal);
            while (reader.Read())
            {
                if (System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(reader.GetString(0))) == name)
                {
                    days[reader.GetString(1)] = days.GetValueOrDefault(reader.GetString(1)) + reader.GetInt64(2);
                }
            }

            return days.Select(d => (d.Key, d.Value / 1_000_000m)).ToList();
        }
    }

    /// <summary>Total spent and held on <paramref name="day"/> (yyyy-MM-dd) or in a month (yyyy-MM), all batches.</summary>
    public decimal TotalUsd(string dayOrMonth)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(SUM(spent_micros + reserved_micros), 0) FROM spend WHERE day LIKE $p || '%'";
            command.Parameters.AddWithValue("$p", dayOrMonth);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) / 1_000_000m;
        }
    }

    /// <summary>
    /// In one transaction: adds <paramref name="amountUsd"/> to this batch's holding on <paramref name="day"/> unless
    /// the day's or the month's total (all batches) would pass its cap; returns the refusal, or null when held.
    /// </summary>
    public string? TryHold(string batch, string day, decimal amountUsd, PeriodCaps caps)
    {
        ArgumentNullException.ThrowIfNull(caps);
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            var c = CultureInfo.InvariantCulture;
            var dayTotal = Sum(transaction, day);
            if (caps.PerDayUsd is { } perDay && dayTotal + amountUsd > perDay)
            {
                return string.Create(c, $"the daily cap of ${perDay:0.00} ({day}, all batches in {System.IO.Path.GetDirectoryName(Path)}) would be passed: ${dayTotal:0.00} spent or held today, ${amountUsd:0.00} more");
            }

            var month = day[..7];
            var monthTotal = Sum(transaction, month);
            if (caps.PerMonthUsd is { } perMonth && monthTotal + amountUsd > perMonth)
            {
                return string.Create(c, $"the monthly cap of ${perMonth:0.00} ({month}, all batches in {System.IO.Path.GetDirectoryName(Path)}) would be passed: ${monthTotal:0.00} spent or held this month, ${amountUsd:0.00} more");
            }

            Add(transaction, batch, day, 0, Micros(amountUsd));
            transaction.Commit();
            return null;
        }
    }

    /// <summary>Moves a holding to spent (or drops it): charged on <paramref name="chargeDay"/>, held on <paramref name="heldDay"/>.</summary>
    public void Settle(string batch, string? heldDay, decimal heldUsd, string chargeDay, decimal? chargedUsd)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            if (heldDay is not null)
            {
                Add(transaction, batch, heldDay, 0, -Micros(heldUsd));
            }

            if (chargedUsd is { } charged && charged > 0)
            {
                Add(transaction, batch, chargeDay, Micros(charged), 0);
            }

            transaction.Commit();
        }
    }

    /// <summary>A new process of this batch: holdings left by an earlier one (stopped or crashed) are dropped.</summary>
    public void ClearHoldings(string batch)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "UPDATE spend SET reserved_micros = 0 WHERE batch = $b";
            command.Parameters.AddWithValue("$b", batch);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Records (or refreshes) a batch directory of a manifest, with the time its names were rendered for.</summary>
    public void RegisterBatch(BatchRecord batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO batches (dir, manifest, stamp, time_zone, started_utc, finished) VALUES ($d, $m, $s, $z, $t, $f)
                ON CONFLICT (dir) DO UPDATE SET finished = excluded.finished, manifest = excluded.manifest
                """;
            command.Parameters.AddWithValue("$d", batch.Directory);
            command.Parameters.AddWithValue("$m", batch.Manifest);
            command.Parameters.AddWithValue("$s", batch.Stamp.ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$z", batch.TimeZone);
            command.Parameters.AddWithValue("$t", batch.StartedUtc.ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$f", batch.Finished ? 1 : 0);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The newest batch of <paramref name="manifest"/> not yet finished, or null.</summary>
    public BatchRecord? LatestUnfinished(string manifest)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT dir, manifest, stamp, time_zone, started_utc FROM batches WHERE manifest = $m AND finished = 0 ORDER BY started_utc DESC LIMIT 1";
            command.Parameters.AddWithValue("$m", manifest);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var c = CultureInfo.InvariantCulture;
            return new BatchRecord(reader.GetString(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), c),
                reader.GetString(3), DateTimeOffset.Parse(reader.GetString(4), c), Finished: false);
        }
    }

    public void Dispose() => _connection.Dispose();

    private static long Micros(decimal usd) => (long)decimal.Round(usd * 1_000_000m);

    private decimal Sum(SqliteTransaction transaction, string prefix)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(SUM(spent_micros + reserved_micros), 0) FROM spend WHERE day LIKE $p || '%'";
        command.Parameters.AddWithValue("$p", prefix);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) / 1_000_000m;
    }

    private void Add(SqliteTransaction transaction, string batch, string day, long spent, long reserved)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO spend (batch, day, spent_micros, reserved_micros) VALUES ($b, $d, $s, MAX($r, 0))
            ON CONFLICT (batch, day) DO UPDATE SET spent_micros = spent_micros + $s, reserved_micros = MAX(reserved_micros + $r, 0)
            """;
        command.Parameters.AddWithValue("$b", batch);
        command.Parameters.AddWithValue("$d", day);
        command.Parameters.AddWithValue("$s", spent);
        command.Parameters.AddWithValue("$r", reserved);
        command.ExecuteNonQuery();
    }

    /// <summary>The file's id: read, or made once (INSERT OR IGNORE: two processes opening a new file at once keep one).</summary>
    private static string EnsureId(SqliteConnection connection)
    {
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT OR IGNORE INTO book (key, value) VALUES ('id', $id)";
            insert.Parameters.AddWithValue("$id", Guid.NewGuid().ToString("N"));
            insert.ExecuteNonQuery();
        }

        using var read = connection.CreateCommand();
        read.CommandText = "SELECT value FROM book WHERE key = 'id'";
        return (string)read.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>One batch directory in the spend file: its manifest, the time its names were rendered for, and whether it finished.</summary>
public sealed record BatchRecord(string Directory, string Manifest, DateTimeOffset Stamp, string TimeZone, DateTimeOffset StartedUtc, bool Finished);
