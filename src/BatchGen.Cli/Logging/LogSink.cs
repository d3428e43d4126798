using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace BatchGen.Cli.Logging;

/// <summary>
/// Where every diagnostic line of a run goes (stderr): as a sentence (plain) or as one JSON object per line with
/// <c>time</c>, <c>level</c>, <c>run_id</c>, <c>job_id</c>, <c>provider</c>, <c>event</c> and <c>message</c>. One lock:
/// lines from concurrent stages never interleave.
/// </summary>
internal sealed class LogSink
{
    private readonly TextWriter _target;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    public LogSink(TextWriter target, LogSettings settings, TimeProvider timeProvider, string runId)
    {
        _target = target;
        Settings = settings;
        _time = timeProvider;
        RunId = runId;
    }

    public LogSettings Settings { get; }

    public string RunId { get; }

    /// <summary>The last error line written (for the notification of a run that ended in an error).</summary>
    public string? LastError { get; private set; }

    public bool IsEnabled(LogLevel level) => level != LogLevel.None && level >= Settings.MinLevel;

    /// <summary>Writes one event when its level is enabled.</summary>
    public void Write(LogLevel level, string eventName, string message, string? provider = null, string? jobId = null)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        WriteLine(level, eventName, Settings.Json ? message : Plain(level, message), provider, jobId);
    }

    /// <summary>
    /// Writes one line whatever the level (the CLI's own messages: errors, stop reasons, summaries), as written in
    /// plain format.
    /// </summary>
    public void WriteAlways(LogLevel level, string eventName, string message, string? provider = null, string? jobId = null) =>
        WriteLine(level, eventName, message, provider, jobId);

    private void WriteLine(LogLevel level, string eventName, string message, string? provider, string? jobId)
    {
        if (level >= LogLevel.Error)
        {
            LastError = message;
        }

        var line = Settings.Json ? Json(level, eventName, message, provider, jobId) : message;
        lock (_lock)
        {
            _target.WriteLine(line);
            _target.Flush();
        }
    }

    /// <summary>A sentence: warnings and errors say so first; the message already names the provider and job.</summary>
    private static string Plain(LogLevel level, string message) => level switch
    {
        LogLevel.Warning when !message.StartsWith("warning:", StringComparison.Ordinal) => "warning: " + message,
        LogLevel.Error or LogLevel.Critical when !message.StartsWith("batchgen:", StringComparison.Ordinal) && !message.StartsWith("error:", StringComparison.Ordinal) => "error: " + message,
        _ => message,
    };

    private string Json(LogLevel level, string eventName, string message, string? provider, string? jobId)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("time", _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(level));
            json.WriteString("run_id", RunId);
            WriteOptional(json, "job_id", jobId);
            WriteOptional(json, "provider", provider);
            json.WriteString("event", eventName);
            json.WriteString("message", message);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };
}
