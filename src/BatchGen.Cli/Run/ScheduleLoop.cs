using System.Globalization;
using BatchGen.Core.Manifests;

namespace BatchGen.Cli.Run;

/// <summary>
/// The loop of <c>batchgen schedule</c>: waits for the next occurrence, runs the batch (a whole <c>run</c>, its
/// notifications included), then waits for the next occurrence after the run ended. Stops when the token is
/// cancelled: between runs at once (exit 0), during a run as a run does (exit 130, resumable).
/// </summary>
internal sealed class ScheduleLoop(CronSchedule schedule, RunInvocation invocation, TimeProvider time, TextWriter stderr)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (BatchTime.FindZone(invocation.TimeZone) is not { } zone)
        {
            await stderr.WriteLineAsync($"batchgen: --tz '{invocation.TimeZone}' is not a time zone this machine knows").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        var c = CultureInfo.InvariantCulture;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (schedule.Next(now, zone) is not { } next)
            {
                await stderr.WriteLineAsync($"batchgen: '{schedule.Text}' has no next occurrence").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            await stderr.WriteLineAsync(string.Create(c, $"schedule: next run of {invocation.ManifestPath} at {TimeZoneInfo.ConvertTime(next, zone):yyyy-MM-dd HH:mm zzz} ({schedule.Text}, {zone.Id})")).ConfigureAwait(false);
            try
            {
                await Task.Delay(next - now, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await stderr.WriteLineAsync("schedule: stopped between runs").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            int code;
            try
            {
                code = await RunHandler.Create(invocation).RunAsync(invocation, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Cancelled;
            }
#pragma warning disable CA1031 // One night's failure (already reported and notified) must not end the schedule.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (code, var message) = Notify.RunNoticeErrors.Of(ex);
                await stderr.WriteLineAsync($"batchgen: {message}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync(string.Create(c, $"schedule: run ended with exit code {code}")).ConfigureAwait(false);
            if (code == ExitCodes.Cancelled || cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Cancelled;
            }
        }

        return ExitCodes.Cancelled;
    }
}
