using BatchGen.Core.Ledger;
using BatchGen.Core.Reviews;
using Npgsql;
using NpgsqlTypes;

namespace BatchGen.Ledger.Postgres;

/// <summary>
/// Votes, ratings and video checks of one batch in PostgreSQL (tables <c>votes</c>, <c>ratings</c>,
/// <c>video_checks</c> with the batch's id). Each append is its own durable transaction; many review apps may write
/// one batch at once.
/// </summary>
internal sealed class PostgresReviewStore(NpgsqlDataSource source, long batchId, string location, PostgresAddress address, TimeProvider time) : IReviewStore
{
    public string Location { get; } = location;

    /// <summary>The store owns the data source when it was opened on its own (not from a ledger).</summary>
    internal IAsyncDisposable? Owned { get; init; }

    public Vote AppendVote(string rater, string? axis, string leftJobId, string rightJobId, VoteWinner winner, string source1)
    {
        var now = time.GetUtcNow();
        var seq = Run(connection =>
        {
            using var command = new NpgsqlCommand(
                "INSERT INTO votes (batch_id, time, rater, axis, left_job_id, right_job_id, winner, source) VALUES (@batch, @time, @rater, @axis, @left, @right, @winner, @source) RETURNING seq;",
                connection);
            BindVote(command, LedgerValues.Time(now), rater, axis, leftJobId, rightJobId, winner, source1);
            return (long)command.ExecuteScalar()!;
        });
        return new Vote(seq, now, rater, axis, leftJobId, rightJobId, winner, source1);
    }

    public int AppendVotes(IReadOnlyList<ImportedVote> votes, string source1)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var now = LedgerValues.Time(time.GetUtcNow());
        return Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            foreach (var vote in votes)
            {
                using var command = new NpgsqlCommand(
                    "INSERT INTO votes (batch_id, time, rater, axis, left_job_id, right_job_id, winner, source) VALUES (@batch, @time, @rater, @axis, @left, @right, @winner, @source);",
                    connection,
                    transaction);
                BindVote(command, now, vote.Rater, vote.Axis, vote.LeftJobId, vote.RightJobId, vote.Winner, source1);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            return votes.Count;
        });
    }

    public Rating AppendRating(string rater, string jobId, int? stars, bool rejected, IReadOnlyList<string> tags, string? note)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var now = time.GetUtcNow();
        var seq = Run(connection =>
        {
            using var command = new NpgsqlCommand(
                "INSERT INTO ratings (batch_id, time, rater, job_id, stars, rejected, tags, note) VALUES (@batch, @time, @rater, @job, @stars, @rejected, @tags, @note) RETURNING seq;",
                connection);
            var p = command.Parameters;
            p.AddWithValue("batch", batchId);
            p.AddWithValue("time", LedgerValues.Time(now));
            p.AddWithValue("rater", rater);
            p.AddWithValue("job", jobId);
            PostgresLedger.Add(p, "stars", NpgsqlDbType.Integer, stars);
            p.AddWithValue("rejected", rejected ? 1 : 0);
            PostgresLedger.Add(p, "tags", NpgsqlDbType.Text, tags.Count == 0 ? null : string.Join(',', tags));
            PostgresLedger.Add(p, "note", NpgsqlDbType.Text, string.IsNullOrEmpty(note) ? null : note);
            return (long)command.ExecuteScalar()!;
        });
        return new Rating(seq, now, rater, jobId, stars, rejected, tags, note);
    }

    public void AppendCheck(string jobId, string? sha256, VideoCheck? check, string? error) =>
        Run(connection =>
        {
            using var command = new NpgsqlCommand(CheckInsertSql, connection);
            BindCheck(command.Parameters, batchId, LedgerValues.Time(time.GetUtcNow()), jobId, sha256, check, error);
            return command.ExecuteNonQuery();
        });

    public IReadOnlyDictionary<string, StoredCheck> ReadChecks() => Run(connection => ReadChecks(connection, batchId));

    public IReadOnlyList<Vote> ReadVotes() => Run(connection => ReadVotes(connection, batchId));

    public IReadOnlyList<Rating> ReadRatings() => Run(connection => ReadRatings(connection, batchId));

    public void Dispose()
    {
        if (Owned is not null)
        {
            Owned.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    internal const string CheckInsertSql =
        "INSERT INTO video_checks (batch_id, time, job_id, sha256, duration_s, black_fraction, frozen_fraction, scene_cuts, motion, error) "
        + "VALUES (@batch, @time, @job, @sha, @duration, @black, @frozen, @cuts, @motion, @error);";

    internal static void BindCheck(NpgsqlParameterCollection p, long batchId, string time, string jobId, string? sha256, VideoCheck? check, string? error)
    {
        p.AddWithValue("batch", batchId);
        p.AddWithValue("time", time);
        p.AddWithValue("job", jobId);
        PostgresLedger.Add(p, "sha", NpgsqlDbType.Text, sha256);
        PostgresLedger.Add(p, "duration", NpgsqlDbType.Double, check?.DurationSeconds);
        PostgresLedger.Add(p, "black", NpgsqlDbType.Double, check?.BlackFraction);
        PostgresLedger.Add(p, "frozen", NpgsqlDbType.Double, check?.FrozenFraction);
        PostgresLedger.Add(p, "cuts", NpgsqlDbType.Integer, check?.SceneCuts);
        PostgresLedger.Add(p, "motion", NpgsqlDbType.Double, check?.Motion);
        PostgresLedger.Add(p, "error", NpgsqlDbType.Text, error);
    }

    internal void BindVote(NpgsqlCommand command, string timeText, string rater, string? axis, string left, string right, VoteWinner winner, string source1) =>
        BindVote(command.Parameters, batchId, timeText, rater, axis, left, right, winner, source1);

    internal static void BindVote(NpgsqlParameterCollection p, long batchId, string timeText, string rater, string? axis, string left, string right, VoteWinner winner, string source1)
    {
        p.AddWithValue("batch", batchId);
        p.AddWithValue("time", timeText);
        p.AddWithValue("rater", rater);
        PostgresLedger.Add(p, "axis", NpgsqlDbType.Text, axis);
        p.AddWithValue("left", left);
        p.AddWithValue("right", right);
        p.AddWithValue("winner", VoteWinners.Name(winner));
        p.AddWithValue("source", source1);
    }

    /// <summary>Every review row of a batch through any connection.</summary>
    internal static ReviewData Read(NpgsqlConnection connection, long batchId) =>
        new(ReadVotes(connection, batchId), ReadRatings(connection, batchId), ReadChecks(connection, batchId));

    private static List<Vote> ReadVotes(NpgsqlConnection connection, long batchId)
    {
        using var command = new NpgsqlCommand("SELECT seq, time, rater, axis, left_job_id, right_job_id, winner, source FROM votes WHERE batch_id = @batch ORDER BY seq;", connection);
        command.Parameters.AddWithValue("batch", batchId);
        using var reader = command.ExecuteReader();
        var votes = new List<Vote>();
        while (reader.Read())
        {
            if (VoteWinners.TryParse(reader.GetString(6), out var winner))
            {
                votes.Add(new Vote(reader.GetInt64(0), LedgerValues.ParseTime(reader.GetString(1)), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetString(5), winner, reader.GetString(7)));
            }
        }

        return votes;
    }

    private static List<Rating> ReadRatings(NpgsqlConnection connection, long batchId)
    {
        using var command = new NpgsqlCommand("SELECT seq, time, rater, job_id, stars, rejected, tags, note FROM ratings WHERE batch_id = @batch ORDER BY seq;", connection);
        command.Parameters.AddWithValue("batch", batchId);
        using var reader = command.ExecuteReader();
        var ratings = new List<Rating>();
        while (reader.Read())
        {
            ratings.Add(new Rating(
                reader.GetInt64(0),
                LedgerValues.ParseTime(reader.GetString(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.GetInt32(5) != 0,
                reader.IsDBNull(6) ? [] : reader.GetString(6).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return ratings;
    }

    private static Dictionary<string, StoredCheck> ReadChecks(NpgsqlConnection connection, long batchId)
    {
        using var command = new NpgsqlCommand("SELECT job_id, sha256, duration_s, black_fraction, frozen_fraction, scene_cuts, motion, error FROM video_checks WHERE batch_id = @batch ORDER BY seq;", connection);
        command.Parameters.AddWithValue("batch", batchId);
        using var reader = command.ExecuteReader();
        var checks = new Dictionary<string, StoredCheck>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var jobId = reader.GetString(0);
            var check = reader.IsDBNull(2) ? null : new VideoCheck(reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt32(5), reader.GetDouble(6));
            checks[jobId] = new StoredCheck(jobId, reader.IsDBNull(1) ? null : reader.GetString(1), check, reader.IsDBNull(7) ? null : reader.GetString(7));
        }

        return checks;
    }

    private T Run<T>(Func<NpgsqlConnection, T> work)
    {
        try
        {
            using var connection = source.OpenConnection();
            return work(connection);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw PostgresErrors.From(address, Location, ex);
        }
    }
}
