using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>
/// Lists of axis names shared by the jobs of a SQLite ledger (schema step <c>compact_values</c>): a job whose axes are
/// all its own fields (what a matrix or a CSV column gives) stores the number of its list in <c>spec_json</c>
/// (<c>"axes":1</c>) instead of the names, which every job of a batch repeats. Each list is one <c>meta</c> row
/// (<c>axes_list:1</c> = <c>["provider","prompt"]</c>), written in the same transaction as the first row that names it and
/// never changed or removed, so a row's number means the same list for the life of the file. PostgreSQL keeps the names
/// in each row. Thread-safe.
/// </summary>
internal sealed class LedgerAxisLists
{
    public const string MetaPrefix = "axes_list:";

    private readonly ConcurrentDictionary<long, IReadOnlyList<string>> _byId = new();
    private readonly ConcurrentDictionary<string, long> _byNames = new(StringComparer.Ordinal);
    private volatile bool _loaded;

    /// <summary>The list numbered <paramref name="id"/>, or null when this copy has not seen it (see <see cref="Load"/>).</summary>
    public IReadOnlyList<string>? Find(long id) => _byId.TryGetValue(id, out var names) ? names : null;

    /// <summary>Reads every list the ledger holds (those known already are kept as they are).</summary>
    public void Load(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT key, value FROM meta WHERE key >= '{MetaPrefix}' AND key < '{MetaPrefix[..^1]};';";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (long.TryParse(reader.GetString(0).AsSpan(MetaPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                && JsonSerializer.Deserialize<string[]>(reader.GetString(1)) is { } names)
            {
                _byId.TryAdd(id, names);
                _byNames.TryAdd(Key(names), id);
            }
        }

        _loaded = true;
    }

    /// <summary>
    /// The number of the list <paramref name="names"/> (writer only): a known one, or a new one written to <c>meta</c> in
    /// <paramref name="transaction"/>, the one that writes the row naming it.
    /// </summary>
    public long IdOf(IReadOnlyList<string> names, SqliteConnection connection, SqliteTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(connection);
        if (!_loaded)
        {
            Load(connection, transaction);
        }

        var key = Key(names);
        if (_byNames.TryGetValue(key, out var known))
        {
            return known;
        }

        var id = _byId.IsEmpty ? 1 : _byId.Keys.Max() + 1;
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value);";
        command.Parameters.AddWithValue("$key", MetaPrefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$value", JsonSerializer.Serialize(names));
        command.ExecuteNonQuery();
        _byId[id] = [.. names];
        _byNames[key] = id;
        return id;
    }

    /// <summary>Forgets every list (the writer's transaction that added some was rolled back): the next <see cref="IdOf"/> reads them again.</summary>
    public void Forget()
    {
        _loaded = false;
        _byId.Clear();
        _byNames.Clear();
    }

    private static string Key(IReadOnlyList<string> names) => string.Join('\u001f', names);
}
