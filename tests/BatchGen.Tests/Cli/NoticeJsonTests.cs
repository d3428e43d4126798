using System.Text.Json;
using BatchGen.Cli;
using BatchGen.Cli.Notify;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Pipeline.Halting;

namespace BatchGen.Tests.Cli;

public sealed class NoticeJsonTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Build_HaltedRun_SnakeCaseCountsHaltAndSlackText()
    {
        var notice = CreateNotice(ExitCodes.JobsFailed, new RunSummary
        {
            Counts = new Dictionary<JobState, int> { [JobState.Succeeded] = 8, [JobState.Failed] = 13, [JobState.Pending] = 19 },
            StopReason = RunStopReason.Halted,
            Money = new BatchGen.Core.Costs.BatchMoney(9.45m, 0m, 0, 9.45m),
            MaxCostUsd = 40m,
            Halts = [new HaltReason(string.Empty, "--halt-on-failure-rate 20%", 13, 21, "--halt-on-failure-rate 20% fired (overall): 13 of 21 finished jobs failed")],
        });
        notice.FailuresByReason = new Dictionary<string, int> { ["moderation"] = 13 };

        using var json = JsonDocument.Parse(NoticeJson.Build(notice, Start.AddMinutes(90), []));

        var root = json.RootElement;
        root.GetProperty("outcome").GetString().ShouldBe("halted");
        root.GetProperty("exit_code").GetInt32().ShouldBe(1);
        root.GetProperty("duration_seconds").GetDouble().ShouldBe(5400);
        root.GetProperty("counts").GetProperty("failed").GetInt32().ShouldBe(13);
        root.GetProperty("counts").GetProperty("submitting").GetInt32().ShouldBe(0);
        root.GetProperty("budget").GetProperty("max_cost_usd").GetDecimal().ShouldBe(40m);
        root.GetProperty("failures_by_reason").GetProperty("moderation").GetInt32().ShouldBe(13);
        root.GetProperty("halts")[0].GetProperty("provider").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("text").GetString().ShouldBe("batchgen nightly: halted, exit 1: 40 jobs, 8 succeeded, 13 failed, 19 pending; spent $9.45 of $40.00; --halt-on-failure-rate 20% fired (overall): 13 of 21 finished jobs failed");
    }

    [Fact]
    public void Build_SecretInAnErrorLine_IsMasked()
    {
        var notice = CreateNotice(ExitCodes.InternalError, null);
        notice.Error = "internal error: request to https://x/?key=sk-live-123456 failed";

        var body = NoticeJson.Build(notice, Start, ["sk-live-123456"]);

        body.ShouldNotContain("sk-live-123456");
        body.ShouldContain("key=***");
        JsonDocument.Parse(body).RootElement.GetProperty("outcome").GetString().ShouldBe("crashed");
    }

    private static RunNotice CreateNotice(int exitCode, RunSummary? summary) => new()
    {
        RunId = "20261128T010000Z-abcd",
        ManifestPath = "/srv/batchgen/manifests/nightly.yaml",
        StartedAt = Start,
        BatchName = "nightly",
        OutputDirectory = "/srv/batchgen/out/nightly-2026-11-28",
        ExitCode = exitCode,
        Summary = summary,
    };
}
