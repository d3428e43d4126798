using BatchGen.Core.Jobs;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Webhooks;

public sealed class SafetyNetScheduleTests
{
    [Fact]
    public void FirstDelay_NewTask_SeveralTimesTheExpectedLatency()
    {
        var schedule = new SafetyNetSchedule(Settings(), TimeSpan.FromSeconds(60), reattached: false);

        schedule.FirstDelay.ShouldBeInRange(TimeSpan.FromSeconds(60 * SafetyNetSchedule.FirstFactor * 0.9), TimeSpan.FromSeconds(60 * SafetyNetSchedule.FirstFactor * 1.1));
    }

    [Fact]
    public void FirstDelay_NoEstimate_UsesNominalLatency()
    {
        var settings = Settings();
        settings.NominalLatency = TimeSpan.FromSeconds(10);

        new SafetyNetSchedule(settings, null, reattached: false).FirstDelay.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(10 * SafetyNetSchedule.FirstFactor * 0.9));
    }

    [Fact]
    public void FirstDelay_Reattached_PollsAtOnce()
    {
        new SafetyNetSchedule(Settings(), TimeSpan.FromSeconds(60), reattached: true).FirstDelay.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Next_SparserThanPlainPolling()
    {
        var settings = Settings();
        var schedule = new SafetyNetSchedule(settings, TimeSpan.FromSeconds(60), reattached: false);

        for (var i = 0; i < 5; i++)
        {
            var next = schedule.Next();
            next.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(60 * SafetyNetSchedule.IntervalFactor * 0.9));
            next.ShouldBeGreaterThan(settings.MaxPollInterval);
        }
    }

    private static ProviderSettings Settings() => ProviderCatalog.CreateDefaults()[ProviderNames.Magnific];
}
