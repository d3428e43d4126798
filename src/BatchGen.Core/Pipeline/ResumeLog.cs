using Microsoft.Extensions.Logging;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// Debug lines that time the steps of a run's start and end (<c>--log-level debug</c>): what a re-run of a finished
/// batch spends, step by step, without a profiler.
/// </summary>
internal static partial class ResumeLog
{
    /// <summary>Logs how long the step that started at <paramref name="started"/> (a <see cref="TimeProvider"/> timestamp) took.</summary>
    public static void Step(ILogger logger, TimeProvider time, string step, long started)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var milliseconds = time.GetElapsedTime(started).TotalMilliseconds;
            StepTook(logger, step, milliseconds);
        }
    }

    [LoggerMessage(EventId = 70, EventName = "run_step", Level = LogLevel.Debug, Message = "run step: {Step} took {Milliseconds:0} ms")]
    private static partial void StepTook(ILogger logger, string step, double milliseconds);
}
