using BatchGen.Core.Jobs;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Pipeline;

public sealed class PollScheduleTests
{
    private readonly ProviderSettings _settings = new()
    {
        Name = ProviderNames.GmiCloud,
        BaseUrl = new Uri("http://127.0.0.1/"),
        ApiKeyEnv = "GMICLOUD_API_KEY",
        NominalLatency = TimeSpan.FromSeconds(60),
        PollInterval = TimeSpan.FromSeconds(5),
        MaxPollInterval = TimeSpan.FromSeconds(30),
    };

    private PollPlan? _plan;

    [Fact]
    public void NextDue_NoPlanNoEstimate_TheNominalLatency() =>
        CreateSut().NextDue().ShouldBe(TimeSpan.FromSeconds(60));

    [Fact]
    public void NextDue_ProviderEstimate_IsTheFirstPoll()
    {
        _plan = Plan(first: 40, followUp: 5, tail: 80);

        CreateSut(providerEstimate: TimeSpan.FromSeconds(20)).NextDue().ShouldBe(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void NextDue_WithAPlan_FirstPollThenFollowUps()
    {
        _plan = Plan(first: 40, followUp: 7, tail: 80);
        var sut = CreateSut();

        sut.NextDue().ShouldBe(TimeSpan.FromSeconds(40));
        sut.OnAnswer(RemoteState.Running, TimeSpan.FromSeconds(41), TimeSpan.FromSeconds(41.2));

        sut.NextDue().ShouldBe(TimeSpan.FromSeconds(48));
    }

    [Fact]
    public void NextDue_PlanMovesWhileWaiting_FollowsTheNewPlan()
    {
        _plan = Plan(first: 40, followUp: 7, tail: 80);
        var sut = CreateSut();
        sut.NextDue().ShouldBe(TimeSpan.FromSeconds(40));

        _plan = Plan(first: 25, followUp: 7, tail: 80);

        sut.NextDue().ShouldBe(TimeSpan.FromSeconds(25));
    }

    [Fact]
    public void NextDue_Probe_FirstPollAtTheProbeTime()
    {
        _plan = Plan(first: 40, followUp: 7, tail: 80) with { Probe = TimeSpan.FromSeconds(30) };

        CreateSut(probe: true).NextDue().ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void NextDue_Reattached_PollsAtOnce() =>
        CreateSut(reattached: true).NextDue().ShouldBe(TimeSpan.Zero);

    [Fact]
    public void NextDue_FollowUpBelowThePollInterval_KeepsThePollInterval()
    {
        _plan = Plan(first: 40, followUp: 1, tail: 80);
        var sut = CreateSut();
        sut.OnAnswer(RemoteState.Running, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(40));

        sut.NextDue().ShouldBe(TimeSpan.FromSeconds(45));
    }

    [Fact]
    public void NextDue_PastTheObservedTimes_BacksOffUpToTheMaximum()
    {
        _plan = Plan(first: 40, followUp: 5, tail: 50);
        var sut = CreateSut();
        var sent = TimeSpan.FromSeconds(40);
        var gaps = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            sut.OnAnswer(RemoteState.Running, sent, sent);
            var next = sut.NextDue();
            gaps.Add(next - sent);
            sent = next;
        }

        gaps[0].ShouldBe(TimeSpan.FromSeconds(5));
        gaps[^1].ShouldBe(TimeSpan.FromSeconds(30));
        gaps.ShouldAllBe(g => g <= TimeSpan.FromSeconds(30));
        gaps.Zip(gaps.Skip(1)).ShouldAllBe(p => p.Second >= p.First);
    }

    [Fact]
    public void CompletionInterval_RunningThenDone_FromTheLastRunningSendToTheDoneAnswer()
    {
        var sut = CreateSut();
        sut.OnAnswer(RemoteState.Queued, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(50.3));
        sut.OnAnswer(RemoteState.Running, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(55.3));
        sut.CompletionInterval.ShouldBeNull();

        sut.OnAnswer(RemoteState.Succeeded, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60.3));

        sut.CompletionInterval.ShouldBe((TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(60.3)));
    }

    [Fact]
    public void CompletionInterval_DoneAtTheFirstPoll_FromTheSubmit()
    {
        var sut = CreateSut();
        sut.OnAnswer(null, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(50.3)); // a failed poll says nothing

        sut.OnAnswer(RemoteState.Succeeded, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60.3));

        sut.CompletionInterval.ShouldBe((TimeSpan.Zero, TimeSpan.FromSeconds(60.3)));
    }

    [Fact]
    public void Simulation_ProviderGetsFaster_EstimateAndFirstPollComeDown()
    {
        // 20 requests/s and 120 slots, as the bench's one-provider run: the plan polls late (about once per job).
        var sim = new PollingSimulation(20, 120, nominal: TimeSpan.FromSeconds(5), pollInterval: TimeSpan.FromSeconds(1.5));
        sim.Run(1000, PollingSimulation.SimulatorLatency(0.1), seed: 1);
        // Polled late, most tasks are only known "finished by the first poll": the upper quantiles the plan uses are
        // what the data pins down (true 90th percentile about 7.1 s).
        var slowUpper = sim.Estimate!.Quantile(0.9);
        var slowFirst = sim.Plan!.FirstPoll;
        slowUpper.ShouldBeInRange(6.4, 7.8);

        // The provider now takes half as long.
        sim.Run(1500, PollingSimulation.SimulatorLatency(0.05), seed: 2);

        sim.Estimate!.Quantile(0.9).ShouldBeInRange(3.1, 3.9); // true about 3.55 s
        sim.Plan!.FirstPoll.ShouldBeLessThan(slowFirst * 0.65);
    }

    [Fact]
    public void Simulation_ProviderGetsSlower_EstimateGoesUp()
    {
        var sim = new PollingSimulation(20, 120, nominal: TimeSpan.FromSeconds(5), pollInterval: TimeSpan.FromSeconds(0.5));
        sim.Run(800, PollingSimulation.SimulatorLatency(0.05), seed: 3);

        sim.Run(800, PollingSimulation.SimulatorLatency(0.1), seed: 4);

        sim.Estimate!.Quantile(0.9).ShouldBeInRange(6.4, 7.8);
    }

    [Fact]
    public void Simulation_RateBoundSimulatorLatencies_RequestsPerJobAtMost2Point2()
    {
        var sim = new PollingSimulation(20, 120, nominal: TimeSpan.FromSeconds(5), pollInterval: TimeSpan.FromSeconds(1.5));

        var (pollsPerJob, _) = sim.Run(3000, PollingSimulation.SimulatorLatency(0.1), seed: 5);

        // Submit + polls: at most 2.2 requests per job, cold start included.
        (1 + pollsPerJob).ShouldBeLessThanOrEqualTo(2.2);
    }

    [Fact]
    public void Simulation_ConcurrencyBound_HoldsSlotsBarelyLongerThanTheLatency()
    {
        // 8 slots and plenty of requests: slot time is what limits, so the plan polls early and tightly.
        var sim = new PollingSimulation(20, 8, nominal: TimeSpan.FromSeconds(5), pollInterval: TimeSpan.FromSeconds(0.05));
        sim.Run(300, PollingSimulation.SimulatorLatency(0.1), seed: 6);

        var (pollsPerJob, holdOverLatency) = sim.Run(600, PollingSimulation.SimulatorLatency(0.1), seed: 7);

        holdOverLatency.ShouldBeLessThan(1.05);
        // Still bounded: requests the rate could not carry would be wasted (8 slots x 1 job / 6 s x polls <= 20/s).
        pollsPerJob.ShouldBeLessThan(15);
    }

    private PollSchedule CreateSut(TimeSpan? providerEstimate = null, bool reattached = false, bool probe = false) =>
        new(_settings, () => _plan, providerEstimate, reattached, probe);

    private static PollPlan Plan(double first, double followUp, double tail) =>
        new(TimeSpan.FromSeconds(first), TimeSpan.FromSeconds(followUp), TimeSpan.FromSeconds(tail), 1, first);
}
