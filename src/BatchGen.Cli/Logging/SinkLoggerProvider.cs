using Microsoft.Extensions.Logging;

namespace BatchGen.Cli.Logging;

/// <summary>
/// The engine's <see cref="ILogger"/> output, through the <see cref="LogSink"/>: no category prefixes, the message as
/// a sentence; <c>{Provider}</c> and <c>{JobId}</c> of the message template become the JSON fields, the event id's
/// name (or the level) the <c>event</c>.
/// </summary>
internal sealed class SinkLoggerProvider(LogSink sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new SinkLogger(sink);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(LogSink sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => sink.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string? provider = null;
            string? jobId = null;
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    if (key == "Provider")
                    {
                        provider = value?.ToString();
                    }
                    else if (key == "JobId")
                    {
                        jobId = value?.ToString();
                    }
                }
            }

            var message = formatter(state, exception);
            if (exception is not null)
            {
                message += $" ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})";
            }

            sink.Write(logLevel, eventId.Name ?? LogSink.LevelName(logLevel), message, provider, jobId);
        }
    }
}
