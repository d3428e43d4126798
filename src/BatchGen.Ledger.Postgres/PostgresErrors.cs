using System.Net.Sockets;
using BatchGen.Core.Ledger;
using Npgsql;

namespace BatchGen.Ledger.Postgres;

/// <summary>
/// Turns Npgsql failures into one-line <see cref="LedgerException"/>s naming the server (host:port, database, batch),
/// never the password: an unreachable server, refused credentials, a missing database, or a statement error.
/// </summary>
internal static class PostgresErrors
{
    public static LedgerException Create(string location, string what, string fix, Exception? inner = null, LedgerFailure failure = LedgerFailure.Storage) =>
        LedgerException.Create(location, what, fix, inner, failure);

    /// <summary>True for failures of the connection itself (the server is down, unreachable, or went away).</summary>
    public static bool IsUnreachable(Exception ex) => ex switch
    {
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        NpgsqlException { IsTransient: true } and not PostgresException => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08000" or "08003" or "08006" or "08001" or "08004" } => true,
        SocketException or TimeoutException => true,
        _ => false,
    };

    public static LedgerException From(PostgresAddress address, string location, Exception ex)
    {
        if (ex is LedgerException ledger)
        {
            return ledger;
        }

        if (IsUnreachable(ex))
        {
            return Create(
                location,
                $"PostgreSQL at {address.HostPort} is unreachable: {Reason(ex)}",
                "check that the server runs and the address is right, then rerun: every state change recorded before is kept",
                ex);
        }

        return ex switch
        {
            PostgresException { SqlState: "28P01" or "28000" } => Create(location, $"PostgreSQL at {address.HostPort} refused the login: {OneLine(((PostgresException)ex).MessageText)}", "check the user name and password in --ledger / BATCHGEN_LEDGER", ex),
            PostgresException { SqlState: "3D000" } => Create(location, $"PostgreSQL at {address.HostPort} has no database '{address.Builder.Database}'", "create it (createdb) or name another one", ex),
            PostgresException { SqlState: "42501" } pg => Create(location, $"PostgreSQL refused a statement: {OneLine(pg.MessageText)}", "grant the user CREATE on the database (schema batchgen) and rights on its tables", ex),
            PostgresException pg => Create(location, $"PostgreSQL error {pg.SqlState}: {OneLine(pg.MessageText)}", "check the server's log", ex),
            _ => Create(location, $"PostgreSQL failed: {OneLine(ex.Message)}", "check the server and the address", ex),
        };
    }

    private static string Reason(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return OneLine(socket.Message);
            }

            if (e is TimeoutException)
            {
                return "the connection timed out";
            }

            if (e is PostgresException pg)
            {
                return OneLine(pg.MessageText);
            }

            if (e is EndOfStreamException or IOException)
            {
                return "the server closed the connection";
            }
        }

        return OneLine(ex.Message);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
