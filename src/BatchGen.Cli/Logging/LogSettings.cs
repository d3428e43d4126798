using Microsoft.Extensions.Logging;

namespace BatchGen.Cli.Logging;

/// <summary><c>--log-format</c>, <c>--log-level</c> (or <c>--verbose</c>) and <c>--quiet</c>, as parsed.</summary>
internal sealed record LogSettings
{
    public const string DefaultLevel = "warning";

    /// <summary>plain (sentences) or json (one object per line).</summary>
    public string Format { get; init; } = "plain";

    public LogLevel MinLevel { get; init; } = LogLevel.Warning;

    /// <summary>Only the final summary (and errors).</summary>
    public bool Quiet { get; init; }

    public bool Json => Format == "json";

    /// <summary>The names <c>--log-level</c> accepts.</summary>
    public static readonly string[] LevelNames = ["trace", "debug", "info", "warning", "error", "none"];

    public static LogLevel ParseLevel(string? name) => name switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "error" => LogLevel.Error,
        "none" => LogLevel.None,
        _ => LogLevel.Warning,
    };
}
