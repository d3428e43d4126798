using BatchGen.Cli.Run;
using FsCheck.Xunit;

namespace BatchGen.Tests.Cli;

public sealed class EtaEstimateTests
{
    [Fact]
    public void For_JobsInFlightNoneFinished_IsUnknownNotZero()
    {
        EtaEstimate.For(remaining: 5, finishedThisRun: 0, TimeSpan.FromSeconds(30)).Text.ShouldBe("--");
    }

    [Fact]
    public void For_EstimateUnderASecondWithJobsLeft_SaysFinishing()
    {
        EtaEstimate.For(remaining: 1, finishedThisRun: 100, TimeSpan.FromSeconds(1)).Text.ShouldBe("finishing");
    }

    [Fact]
    public void For_LongBatch_OverADayDoesNotWrap()
    {
        // 10,000 jobs left at 1 job per 10 s: 100,000 s.
        var (text, value) = EtaEstimate.For(remaining: 10_000, finishedThisRun: 6, TimeSpan.FromMinutes(1));

        value.ShouldBe(TimeSpan.FromSeconds(100_000));
        text.ShouldBe("1 day, 3 hours");
    }

    [Fact]
    public void For_NothingLeft_IsADash()
    {
        EtaEstimate.For(remaining: 0, finishedThisRun: 3, TimeSpan.FromSeconds(9)).Text.ShouldBe("-");
    }

    [Fact]
    public void Combine_SlowestProviderDecides_UnknownWins()
    {
        EtaEstimate.Combine([("1 minute", TimeSpan.FromMinutes(1)), ("2 hours", TimeSpan.FromHours(2)), ("-", TimeSpan.Zero)]).ShouldBe("2 hours");
        EtaEstimate.Combine([("1 minute", TimeSpan.FromMinutes(1)), ("--", null)]).ShouldBe("--");
        EtaEstimate.Combine([("-", TimeSpan.Zero)]).ShouldBe("-");
    }

    [Property(MaxTest = 200)]
    public bool For_AnyWorkLeft_NeverReadsAsAClockOrZero(FsCheck.PositiveInt remaining, FsCheck.NonNegativeInt finished, FsCheck.PositiveInt seconds)
    {
        var text = EtaEstimate.For(remaining.Get, finished.Get, TimeSpan.FromSeconds(seconds.Get)).Text;
        return !text.Contains(':', StringComparison.Ordinal) && text != "-" && !text.StartsWith("0 ", StringComparison.Ordinal);
    }
}
