using System.Globalization;
using BatchGen.Core.Ledger;
using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Reviews;

/// <summary>
/// Votes and ratings of a batch, appended to its ledger (tables <c>votes</c> and <c>ratings</c>, append-only by
/// trigger). Each append is its own durable transaction (WAL, synchronous=FULL), so nothing acknowledged to a
/// reviewer is lost if the app or the machine stops. Several stores (review apps, imports) may write one ledger at
/// once: SQLite serialises them, and a run writing the same ledger is not disturbed. The run's lock is not taken.
/// </summary>
public sealed class ReviewStore : IReviewStore
{
    private const int BusyTimeoutMs = 10_000;
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();

    private ReviewStore(string path, SqliteConnection connection, TimeProvider timeProvider)
    {
        Path = path;
        _connection = connection;
        _timeProvider = timeProvider;
    }

    /// <summary>Full path of the ledger file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public string Location => Path;

    /// <summary>Opens an existing ledger for reviews (adding the review tables to an older ledger). Refuses what is not a ledger.</summary>
    public static ReviewStore Open(string ledgerPath, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(ledgerPath);
        ArgumentNullException.ThrowIfNull(timeProvider);
        SQLitePCL.Batteries.Init();
        var full = System.IO.Path.GetFullPath(ledgerPath);
        if (!File.Exists(full))
        {
            throw LedgerException.Create(full, "no ledger here", "run `batchgen run` first, or pass the ledger path (default <output dir>/ledger.db)");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {BusyTimeoutMs};");
            if (LedgerSchema.Inspect(connection, full) == LedgerSchema.Kind.Empty)
            {
                throw LedgerException.Create(full, "is an empty SQLite database, not a BatchGen ledger", "pass a ledger written by batchgen");
            }

            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            LedgerSchema.Migrate(connection, timeProvider.GetUtcNow());
            return new ReviewStore(full, connection, timeProvider);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw LedgerErrors.From(full, ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Appends a vote; returns it with its sequence number and time.</summary>
    public Vote AppendVote(string rater, string? axis, string leftJobId, string rightJobId, VoteWinner winner, string source)
    {
        var time = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO votes (time, rater, axis, left_job_id, right_job_id, winner, source)
                VALUES ($time, $rater, $axis, $left, $right, $winner, $source) RETURNING seq;
                """;
            command.Parameters.AddWithValue("$time", LedgerValues.Time(time));
            command.Parameters.AddWithValue("$rater", rater);
            command.Parameters.AddWithValue("$axis", (object?)axis ?? DBNull.Value);
            command.Parameters.AddWithValue("$left", leftJobId);
            command.Parameters.AddWithValue("$right", rightJobId);
            command.Parameters.AddWithValue("$winner", VoteWinners.Name(winner));
            command.Parameters.AddWithValue("$source", source);
            var seq = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            return new Vote(seq, time, rater, axis, leftJobId, rightJobId, winner, source);
        }
    }

    /// <summary>Appends imported votes in one transaction: all of them or none.</summary>
    public int AppendVotes(IReadOnlyList<ImportedVote> votes, string source)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var time = LedgerValues.Time(_timeProvider.GetUtcNow());
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO votes (time, rater, axis, left_job_id, right_job_id, winner, source)
                VALUES ($time, $rater, $axis, $left, $right, $winner, $source);
                """;
            var rater = command.Parameters.Add("$rater", SqliteType.Text);
            var axis = command.Parameters.Add("$axis", SqliteType.Text);
            var left = command.Parameters.Add("$left", SqliteType.Text);
            var right = command.Parameters.Add("$right", SqliteType.Text);
            var winner = command.Parameters.Add("$winner", SqliteType.Text);
            command.Parameters.AddWithValue("$time", time);
            command.Parameters.AddWithValue("$source", source);
            foreach (var vote in votes)
            {
                rater.Value = vote.Rater;
                axis.Value = (object?)vote.Axis ?? DBNull.Value;
                left.Value = vote.LeftJobId;
                right.Value = vote.RightJobId;
                winner.Value = VoteWinners.Name(vote.Winner);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            return votes.Count;
        }
    }

    /// <summary>Appends a rating; the latest rating of a job by a rater replaces that rater's earlier ones in rankings.</summary>
    public Rating AppendRating(string rater, string jobId, int? stars, bool rejected, IReadOnlyList<string> tags, string? note)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var time = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO ratings (time, rater, job_id, stars, rejected, tags, note)
                VALUES ($time, $rater, $job, $stars, $rejected, $tags, $note) RETURNING seq;
                """;
            command.Parameters.AddWithValue("$time", LedgerValues.Time(time));
            command.Parameters.AddWithValue("$rater", rater);
            command.Parameters.AddWithValue("$job", jobId);
            command.Parameters.AddWithValue("$stars", (object?)stars ?? DBNull.Value);
            command.Parameters.AddWithValue("$rejected", rejected ? 1 : 0);
            command.Parameters.AddWithValue("$tags", tags.Count == 0 ? DBNull.Value : string.Join(',', tags));
            command.Parameters.AddWithValue("$note", string.IsNullOrEmpty(note) ? DBNull.Value : note);
            var seq = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            return new Rating(seq, time, rater, jobId, stars, rejected, tags, note);
        }
    }

    /// <summary>Records the automatic check of a job's video (or why it could not be checked).</summary>
    public void AppendCheck(string jobId, string? sha256, VideoCheck? check, string? error)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO video_checks (time, job_id, sha256, duration_s, black_fraction, frozen_fraction, scene_cuts, motion, error)
                VALUES ($time, $job, $sha, $duration, $black, $frozen, $cuts, $motion, $error);
                """;
            command.Parameters.AddWithValue("$time", LedgerValues.Time(_timeProvider.GetUtcNow()));
            command.Parameters.AddWithValue("$job", jobId);
            command.Parameters.AddWithValue("$sha", (object?)sha256 ?? DBNull.Value);
            command.Parameters.AddWithValue("$duration", (object?)check?.DurationSeconds ?? DBNull.Value);
            command.Parameters.AddWithValue("$black", (object?)check?.BlackFraction ?? DBNull.Value);
            command.Parameters.AddWithValue("$frozen", (object?)check?.FrozenFraction ?? DBNull.Value);
            command.Parameters.AddWithValue("$cuts", (object?)check?.SceneCuts ?? DBNull.Value);
            command.Parameters.AddWithValue("$motion", (object?)check?.Motion ?? DBNull.Value);
            command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The latest check per job.</summary>
    public IReadOnlyDictionary<string, StoredCheck> ReadChecks()
    {
        lock (_gate)
        {
            return ReadChecks(_connection);
        }
    }

    /// <summary>The latest check per job through any connection (none when the ledger predates them).</summary>
    public static IReadOnlyDictionary<string, StoredCheck> ReadChecks(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var checks = new Dictionary<string, StoredCheck>(StringComparer.Ordinal);
        if (!LedgerSchema.HasTable(connection, "video_checks"))
        {
            return checks;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT job_id, sha256, duration_s, black_fraction, frozen_fraction, scene_cuts, motion, error FROM video_checks ORDER BY seq;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var jobId = reader.GetString(0);
            var check = reader.IsDBNull(2)
                ? null
                : new VideoCheck(reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt32(5), reader.GetDouble(6));
            checks[jobId] = new StoredCheck(jobId, reader.IsDBNull(1) ? null : reader.GetString(1), check, reader.IsDBNull(7) ? null : reader.GetString(7));
        }

        return checks;
    }

    /// <summary>Every vote, oldest first.</summary>
    public IReadOnlyList<Vote> ReadVotes()
    {
        lock (_gate)
        {
            return ReadVotes(_connection);
        }
    }

    /// <summary>Every rating, oldest first.</summary>
    public IReadOnlyList<Rating> ReadRatings()
    {
        lock (_gate)
        {
            return ReadRatings(_connection);
        }
    }

    /// <summary>Reads the votes of a ledger through any connection (none when the ledger predates reviews).</summary>
    public static IReadOnlyList<Vote> ReadVotes(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var votes = new List<Vote>();
        if (!LedgerSchema.HasTable(connection, "votes"))
        {
            return votes;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, time, rater, axis, left_job_id, right_job_id, winner, source FROM votes ORDER BY seq;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (!VoteWinners.TryParse(reader.GetString(6), out var winner))
            {
                continue; // the table's CHECK admits only known values
            }

            votes.Add(new Vote(
                reader.GetInt64(0),
                LedgerValues.ParseTime(reader.GetString(1)),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                winner,
                reader.GetString(7)));
        }

        return votes;
    }

    /// <summary>Reads the ratings of a ledger through any connection (none when the ledger predates reviews).</summary>
    public static IReadOnlyList<Rating> ReadRatings(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var ratings = new List<Rating>();
        if (!LedgerSchema.HasTable(connection, "ratings"))
        {
            return ratings;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, time, rater, job_id, stars, rejected, tags, note FROM ratings ORDER BY seq;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ratings.Add(new Rating(
                reader.GetInt64(0),
                LedgerValues.ParseTime(reader.GetString(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.GetInt64(5) != 0,
                reader.IsDBNull(6) ? [] : reader.GetString(6).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return ratings;
    }

    public void Dispose() => _connection.Dispose();

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
