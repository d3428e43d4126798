using System.Globalization;
using Npgsql;

namespace BatchGen.Ledger.Postgres;

/// <summary>
/// Where a PostgreSQL ledger lives, from what the user passed to <c>--ledger</c> / <c>BATCHGEN_LEDGER</c>: a URL
/// (<c>postgres://user:password@host:5432/db?sslmode=require</c>) or an Npgsql connection string
/// (<c>Host=db;Username=batchgen;Password=...;SSL Mode=Require;Maximum Pool Size=20</c>). <see cref="Display"/> is
/// what messages show: host, port, database and user, never the password.
/// </summary>
public sealed class PostgresAddress
{
    /// <summary>Where every BatchGen table lives in the database.</summary>
    public const string SchemaName = "batchgen";

    private PostgresAddress(NpgsqlConnectionStringBuilder builder)
    {
        Builder = builder;
        Display = $"postgres://{(string.IsNullOrEmpty(builder.Username) ? string.Empty : builder.Username + "@")}{builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>For messages: <c>postgres://user@host:port/database</c> (no password).</summary>
    public string Display { get; }

    /// <summary>host:port, as an unreachable-server message names it.</summary>
    public string HostPort => $"{Builder.Host}:{Builder.Port}";

    internal NpgsqlConnectionStringBuilder Builder { get; }

    /// <summary>True when the text selects PostgreSQL (a postgres:// URL or a connection string with a Host).</summary>
    public static bool IsPostgres(string? text) =>
        !string.IsNullOrWhiteSpace(text)
        && (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || (text.Contains('=', StringComparison.Ordinal) && text.Contains("host", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Parses a URL or a connection string; a malformed one is an <see cref="ArgumentException"/> whose message holds no password.</summary>
    public static PostgresAddress Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var builder = text.Contains("://", StringComparison.Ordinal) ? FromUrl(text) : FromConnectionString(text);
        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new ArgumentException("the PostgreSQL ledger address names no host");
        }

        if (string.IsNullOrEmpty(builder.Database))
        {
            throw new ArgumentException($"the PostgreSQL ledger address ({builder.Host}) names no database");
        }

        builder.SearchPath = SchemaName;
        builder.ApplicationName ??= $"batchgen {Environment.MachineName}:{Environment.ProcessId}"[..Math.Min(63, $"batchgen {Environment.MachineName}:{Environment.ProcessId}".Length)];
        // The write-ahead rule: a commit returns only once it is durable, whatever the server's default.
        builder.Options = $"{builder.Options} -c synchronous_commit=on".Trim();
        return new PostgresAddress(builder);
    }

    private static NpgsqlConnectionStringBuilder FromConnectionString(string text)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // Npgsql's message may quote the string (and its password): name only the problem's kind.
            throw new ArgumentException("the PostgreSQL connection string is malformed (expected Key=Value pairs separated by ';', e.g. Host=db;Database=batches;Username=u;Password=p)", ex);
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
        {
            throw new ArgumentException("the PostgreSQL URL is malformed (expected postgres://user:password@host:port/database)");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            try
            {
                builder[UrlKey(key)] = value;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new ArgumentException($"the PostgreSQL URL has an unknown or invalid parameter '{key}'", ex);
            }
        }

        return builder;
    }

    /// <summary>libpq URL parameter names to Npgsql keys; other names are passed as Npgsql keys.</summary>
    private static string UrlKey(string key) => key.ToLower(CultureInfo.InvariantCulture) switch
    {
        "sslmode" => "SSL Mode",
        "connect_timeout" => "Timeout",
        "application_name" => "Application Name",
        "pool_size" or "max_pool_size" => "Maximum Pool Size",
        "sslrootcert" => "Root Certificate",
        _ => key,
    };
}
