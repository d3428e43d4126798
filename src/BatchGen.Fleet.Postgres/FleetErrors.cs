using System.Net.Sockets;
using BatchGen.Core.Pipeline.Fleet;
using Npgsql;

namespace BatchGen.Fleet.Postgres;

/// <summary>Turns a lost or refused connection into one line naming the server (never the password).</summary>
internal static class FleetErrors
{
    public static async Task<T> GuardAsync<T>(string display, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            throw new FleetUnavailableException($"{display} is unreachable ({Reason(ex)})", ex);
        }
    }

    public static async Task GuardAsync(string display, Func<Task> action) =>
        await GuardAsync(display, async () =>
        {
            await action().ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    public static bool IsConnectionFailure(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        NpgsqlException npg => npg.IsTransient,
        SocketException or TimeoutException => true,
        _ => false,
    };

    private static string Reason(Exception ex) => ex switch
    {
        PostgresException pg => pg.MessageText,
        { InnerException: SocketException socket } => socket.SocketErrorCode.ToString(),
        { InnerException: TimeoutException } or TimeoutException => "timed out",
        _ => ex.GetType().Name,
    };
}
