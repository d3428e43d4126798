using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BatchGen.Core.Ledger;

/// <summary>
/// One SQL statement of the append path, prepared once on the writer connection and bound by position: the name of
/// each parameter is looked up once, here, not on every execution (Microsoft.Data.Sqlite looks every name up again
/// and builds a data reader per call, which was most of the ledger's CPU). Values are bound as
/// Microsoft.Data.Sqlite binds them (integers as int64, strings and <see cref="Utf8Text"/> as UTF-8 text, byte arrays as blobs, null as NULL), so the stored values
/// are the same. Runs inside the caller's transaction on the same connection; not thread-safe (the writer's only).
/// </summary>
internal sealed class LedgerStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _slots;

    /// <summary>Prepares <paramref name="sql"/>; <paramref name="names"/> are the parameter names values are given in.</summary>
    public LedgerStatement(SqliteConnection connection, string sql, IReadOnlyList<string> names)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the ledger's writer connection is not open");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
        _slots = new int[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            _slots[i] = raw.sqlite3_bind_parameter_index(_statement, names[i]);
        }
    }

    /// <summary>Binds <paramref name="values"/> (by the names' order; a name the SQL lacks is skipped) and runs the statement.</summary>
    public void Execute(ReadOnlySpan<object?> values) => Run(values, out _);

    /// <summary>As <see cref="Execute"/>; returns how many rows the statement inserted, changed or deleted.</summary>
    public int ExecuteChanges(ReadOnlySpan<object?> values)
    {
        Run(values, out _);
        return raw.sqlite3_changes(_db);
    }

    /// <summary>As <see cref="Execute"/>; returns the first column of the first row (RETURNING), or null when there is none.</summary>
    public long? ExecuteInt64(ReadOnlySpan<object?> values) => Run(values, out var first) ? first : null;

    public void Dispose() => _statement.Dispose();

    private bool Run(ReadOnlySpan<object?> values, out long first)
    {
        for (var i = 0; i < _slots.Length && i < values.Length; i++)
        {
            if (_slots[i] > 0)
            {
                Bind(_slots[i], values[i]);
            }
        }

        first = 0;
        var hasRow = false;
        try
        {
            // A RETURNING statement makes all its changes in the first step; the rest are read to completion.
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
                if (!hasRow)
                {
                    first = raw.sqlite3_column_int64(_statement, 0);
                    hasRow = true;
                }
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }

        return hasRow;
    }

    private void Bind(int slot, object? value)
    {
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, slot),
            long l => raw.sqlite3_bind_int64(_statement, slot, l),
            int n => raw.sqlite3_bind_int64(_statement, slot, n),
            string s => raw.sqlite3_bind_text(_statement, slot, s),
            Utf8Text text => raw.sqlite3_bind_text(_statement, slot, text.Bytes.Span),
            byte[] bytes => raw.sqlite3_bind_blob(_statement, slot, bytes),
            double d when !double.IsNaN(d) => raw.sqlite3_bind_double(_statement, slot, d),
            bool b => raw.sqlite3_bind_int64(_statement, slot, b ? 1 : 0),
            _ => throw new ArgumentException($"no ledger binding for a value of type {value.GetType().Name}", nameof(value)),
        };
        SqliteException.ThrowExceptionForRC(rc, _db);
    }
}
