using System.Text.Json;
using BatchGen.Cli.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BatchGen.Tests.Cli;

public sealed class LogSinkTests : IDisposable
{
    private readonly StringWriter _stderr = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 2, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Logger_JsonFormat_OneObjectPerLineWithProviderAndJob()
    {
        var sink = CreateSut(new LogSettings { Format = "json", MinLevel = LogLevel.Debug });
        using var provider = new SinkLoggerProvider(sink);

        provider.CreateLogger("BatchGen.Core.Pipeline.RunEngine").LogWarning(new EventId(1, "provider_blocked"), "{Provider}: job {JobId}: it's refused", "gmicloud", "j-1");

        using var line = JsonDocument.Parse(_stderr.ToString().Trim());
        var root = line.RootElement;
        root.GetProperty("time").GetString().ShouldBe("2026-11-28T02:00:00.000Z");
        root.GetProperty("level").GetString().ShouldBe("warning");
        root.GetProperty("run_id").GetString().ShouldBe("run-1");
        root.GetProperty("provider").GetString().ShouldBe("gmicloud");
        root.GetProperty("job_id").GetString().ShouldBe("j-1");
        root.GetProperty("event").GetString().ShouldBe("provider_blocked");
        root.GetProperty("message").GetString().ShouldBe("gmicloud: job j-1: it's refused");
    }

    [Fact]
    public void Logger_PlainFormat_SentenceWithoutCategory()
    {
        var sink = CreateSut(new LogSettings());
        using var provider = new SinkLoggerProvider(sink);

        provider.CreateLogger("BatchGen.Core.Pipeline.RunEngine").LogWarning("{Provider}: stopped submitting: {Reason}", "gmicloud", "no key");

        _stderr.ToString().ShouldBe("warning: gmicloud: stopped submitting: no key" + Environment.NewLine);
    }

    [Fact]
    public void Logger_BelowLevel_WritesNothing()
    {
        using var provider = new SinkLoggerProvider(CreateSut(new LogSettings { MinLevel = LogLevel.Warning }));

        provider.CreateLogger("x").LogInformation("hello");

        _stderr.ToString().ShouldBeEmpty();
    }

    [Fact]
    public void TextWriter_Quiet_DropsWarningsAndProgressKeepsErrorsAndStopReasons()
    {
        var sink = CreateSut(new LogSettings { Quiet = true, MinLevel = LogLevel.Error });
        using var messages = new SinkTextWriter(sink, "message");
        using var progress = new SinkTextWriter(sink, "progress");

        messages.WriteLine("warning: no price for x");
        progress.WriteLine("progress magnific: queued 3");
        messages.WriteLine("halted: --halt-on-failures 3 fired (overall): 3 of 5 finished jobs failed");
        messages.WriteLine("batchgen: disk full");

        _stderr.ToString().ShouldBe($"halted: --halt-on-failures 3 fired (overall): 3 of 5 finished jobs failed{Environment.NewLine}batchgen: disk full{Environment.NewLine}");
        sink.LastError.ShouldBe("batchgen: disk full");
    }

    [Fact]
    public void TextWriter_Json_ClassifiesByPrefix()
    {
        using var writer = new SinkTextWriter(CreateSut(new LogSettings { Format = "json" }), "message");

        writer.WriteLine("budget reached: the daily cap of $5.00");

        using var line = JsonDocument.Parse(_stderr.ToString().Trim());
        line.RootElement.GetProperty("level").GetString().ShouldBe("warning");
        line.RootElement.GetProperty("event").GetString().ShouldBe("budget_reached");
    }

    public void Dispose() => _stderr.Dispose();

    private LogSink CreateSut(LogSettings settings) => new(_stderr, settings, _time, "run-1");
}
