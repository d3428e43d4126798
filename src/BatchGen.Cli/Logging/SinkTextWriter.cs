using System.Text;
using Microsoft.Extensions.Logging;

namespace BatchGen.Cli.Logging;

/// <summary>
/// Stderr as the CLI's commands write it (whole lines), turned into <see cref="LogSink"/> lines: unchanged in plain
/// format, one JSON object each in json format (level from the line's prefix: <c>warning:</c>, <c>batchgen:</c>).
/// With <c>--quiet</c>, warnings and progress lines are dropped; errors and stop reasons stay.
/// </summary>
internal sealed class SinkTextWriter(LogSink sink, string eventName) : TextWriter
{
    private readonly StringBuilder _partial = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_partial)
        {
            if (value == '\n')
            {
                var line = _partial.ToString().TrimEnd('\r');
                _partial.Clear();
                Emit(line);
            }
            else
            {
                _partial.Append(value);
            }
        }
    }

    public override void WriteLine(string? value)
    {
        foreach (var line in (value ?? string.Empty).ReplaceLineEndings("\n").Split('\n'))
        {
            Emit(line);
        }
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    private static readonly string[] WarningPrefixes = ["warning:", "halted:", "blocked:", "budget reached:", "stopped:"];

    private void Emit(string line)
    {
        var level = WarningPrefixes.Any(p => line.StartsWith(p, StringComparison.Ordinal)) ? LogLevel.Warning
            : line.StartsWith("batchgen:", StringComparison.Ordinal) || line.StartsWith("error:", StringComparison.Ordinal) ? LogLevel.Error
            : LogLevel.Information;
        // --quiet: the final summary and errors only (stop reasons are part of the summary).
        if (sink.Settings.Quiet && (eventName == "progress" || line.StartsWith("warning:", StringComparison.Ordinal)))
        {
            return;
        }

        var name = level switch
        {
            LogLevel.Error => "error",
            LogLevel.Warning => line[..line.IndexOf(':', StringComparison.Ordinal)].Replace(' ', '_'),
            _ => eventName,
        };
        sink.WriteAlways(level, name, line);
    }
}
