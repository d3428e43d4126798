using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>The version of the native SQLite library the ledger runs on (shown by <c>batchgen --version</c>).</summary>
public static class SqliteVersion
{
    static SqliteVersion() => SQLitePCL.Batteries.Init();

    /// <summary>The native library's own version string, e.g. <c>3.53.0</c>.</summary>
    public static string Native
    {
        get
        {
            using var connection = new SqliteConnection("Data Source=:memory:");
            connection.Open();
            return connection.ServerVersion;
        }
    }
}
