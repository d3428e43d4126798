using BatchGen.Core.Pipeline;
using BatchGen.Core.Pipeline.Halting;

namespace BatchGen.Tests.Pipeline.Halting;

public sealed class HaltMonitorTests
{
    private readonly RunProgress _progress = new();

    [Fact]
    public void ShouldHalt_RateBelowMinFinished_DoesNotFire()
    {
        Finish("magnific", succeeded: 0, failed: 9);

        CreateSut(new HaltRules { MaxFailureRate = 0.2, MinFinished = 10 }).ShouldHalt("magnific").ShouldBeFalse();
    }

    [Fact]
    public void ShouldHalt_RateReachedAfterMinFinished_FiresNamingRuleAndFigures()
    {
        Finish("magnific", succeeded: 7, failed: 3);
        var sut = CreateSut(new HaltRules { MaxFailureRate = 0.2, MinFinished = 10 });

        sut.ShouldHalt("gmicloud").ShouldBeTrue();

        var reason = sut.Fired.ShouldHaveSingleItem();
        reason.Rule.ShouldBe("--halt-on-failure-rate 20%");
        reason.Message.ShouldBe("--halt-on-failure-rate 20% fired (overall): 3 of 10 finished jobs failed (30%, judged after 10)");
    }

    [Fact]
    public void ShouldHalt_PerProvider_StopsOnlyTheProviderThatFails()
    {
        Finish("magnific", succeeded: 0, failed: 2);
        Finish("gmicloud", succeeded: 5, failed: 0);
        var sut = CreateSut(new HaltRules { MaxFailures = 2, PerProvider = true });

        sut.ShouldHalt("gmicloud").ShouldBeFalse();
        sut.ShouldHalt("magnific").ShouldBeTrue();
        sut.Fired.ShouldHaveSingleItem().Provider.ShouldBe("magnific");
    }

    [Fact]
    public void ShouldHalt_JobsFoundDoneAtResume_DoNotDiluteTheRate()
    {
        var p = _progress.For("magnific");
        for (var i = 0; i < 50; i++)
        {
            p.AddSucceeded(thisRun: false);
        }

        Finish("magnific", succeeded: 5, failed: 5);

        CreateSut(new HaltRules { MaxFailureRate = 0.4, MinFinished = 10 }).ShouldHalt("magnific").ShouldBeTrue();
    }

    [Fact]
    public void ShouldHalt_NoRules_NeverFires()
    {
        Finish("magnific", succeeded: 0, failed: 100);

        CreateSut(new HaltRules()).ShouldHalt("magnific").ShouldBeFalse();
    }

    [Theory]
    [InlineData("20%", 0.2)]
    [InlineData("20", 0.2)]
    [InlineData("0.2", 0.2)]
    [InlineData("100%", 1.0)]
    public void TryParseRate_PercentOrFraction_Parses(string text, double expected)
    {
        HaltRules.TryParseRate(text, out var rate).ShouldBeTrue();
        rate.ShouldBe(expected, 1e-9);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("150%")]
    [InlineData("-5%")]
    public void TryParseRate_NotAPercentage_Refuses(string text) => HaltRules.TryParseRate(text, out _).ShouldBeFalse();

    private HaltMonitor CreateSut(HaltRules rules) => new(rules, _progress);

    private void Finish(string provider, int succeeded, int failed)
    {
        var p = _progress.For(provider);
        for (var i = 0; i < succeeded; i++)
        {
            p.AddSucceeded();
        }

        for (var i = 0; i < failed; i++)
        {
            p.AddFailed();
        }
    }
}
