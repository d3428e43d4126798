using BatchGen.Core.Jobs;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Pipeline;

/// <summary>
/// A provider with <c>C</c> task slots and a latency drawn per task, polled by the real <see cref="PollSchedule"/>,
/// <see cref="PollPlanner"/> and <see cref="LatencyTracker"/> on a <see cref="FakeTimeProvider"/>: each slot submits
/// a job, polls it when its schedule says (looking again at the plan when the wait ends, as the lane does), records the
/// completion interval, and submits the next. Requests are answered at once (the rate only enters the plan).
/// </summary>
internal sealed class PollingSimulation
{
    private static readonly LatencyClass Class = new(ProviderNames.AimlApi, "720p", 5);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly ProviderSettings _settings;
    private readonly PriorityQueue<SimTask, DateTimeOffset> _due = new();

    public PollingSimulation(double ratePerSecond, int concurrency, TimeSpan nominal, TimeSpan pollInterval)
    {
        _settings = new ProviderSettings
        {
            Name = ProviderNames.AimlApi,
            BaseUrl = new Uri("http://127.0.0.1/"),
            ApiKeyEnv = "AIMLAPI_API_KEY",
            Concurrency = concurrency,
            NominalLatency = nominal,
            PollInterval = pollInterval,
            MaxPollInterval = pollInterval * 4,
        };
        Planner = new PollPlanner(Tracker, _settings, () => ratePerSecond, () => 1);
    }

    public LatencyTracker Tracker { get; } = new();

    public PollPlanner Planner { get; }

    public long Jobs { get; private set; }

    public long Polls { get; private set; }

    public double HoldSeconds { get; private set; }

    public double LatencySeconds { get; private set; }

    public LatencyDistribution? Estimate => Tracker.Estimate(Class);

    public PollPlan? Plan => Planner.PlanFor(Class);

    /// <summary>Runs <paramref name="jobs"/> more jobs, each with a latency from <paramref name="latency"/>, and returns the counts of those jobs alone.</summary>
    public (double PollsPerJob, double HoldOverLatency) Run(int jobs, Func<Random, double> latency, int seed)
    {
        var random = new Random(seed);
        var (jobs0, polls0, hold0, latency0) = (Jobs, Polls, HoldSeconds, LatencySeconds);
        var submitted = 0;
        for (var slot = 0; slot < _settings.Concurrency && submitted < jobs; slot++, submitted++)
        {
            Submit(latency(random));
        }

        for (var step = 0; step < 10_000_000 && _due.TryDequeue(out var task, out var at); step++)
        {
            if (at > _clock.GetUtcNow())
            {
                _clock.SetUtcNow(at);
            }

            var now = _clock.GetUtcNow();
            var due = task.Origin + task.Schedule.NextDue();
            if (due > now + TimeSpan.FromMilliseconds(1) && task.Looks < 4)
            {
                // The plan moved while this task waited: wait for the new due time, as the lane does.
                task.Looks++;
                _due.Enqueue(task, due);
                continue;
            }

            task.Looks = 0;
            Polls++;
            var elapsed = now - task.Origin;
            var done = elapsed.TotalSeconds >= task.Latency;
            task.Schedule.OnAnswer(done ? RemoteState.Succeeded : RemoteState.Running, elapsed, elapsed);
            if (!done)
            {
                _due.Enqueue(task, task.Origin + task.Schedule.NextDue());
                continue;
            }

            var interval = task.Schedule.CompletionInterval!.Value;
            Tracker.Observe(Class, interval.NotDoneAt, interval.DoneBy);
            Jobs++;
            HoldSeconds += elapsed.TotalSeconds;
            LatencySeconds += task.Latency;
            if (submitted < jobs)
            {
                submitted++;
                Submit(latency(random));
            }
        }

        var n = Jobs - jobs0;
        return ((Polls - polls0) / (double)n, (HoldSeconds - hold0) / (LatencySeconds - latency0));
    }

    private void Submit(double latencySeconds)
    {
        var probe = Planner.TakeProbe(Class);
        var task = new SimTask(_clock.GetUtcNow(), latencySeconds, new PollSchedule(_settings, () => Planner.PlanFor(Class), null, reattached: false, probe));
        _due.Enqueue(task, task.Origin + task.Schedule.NextDue());
    }

    private sealed class SimTask(DateTimeOffset origin, double latency, PollSchedule schedule)
    {
        public DateTimeOffset Origin { get; } = origin;

        public double Latency { get; } = latency;

        public PollSchedule Schedule { get; } = schedule;

        public int Looks { get; set; }
    }

    /// <summary>The simulator's default latency for 720p 5 s, in seconds: queue uniform in [2, 10] plus 55 s +/- 20%, times <paramref name="scale"/>.</summary>
    public static Func<Random, double> SimulatorLatency(double scale) =>
        r => scale * ((2 + (8 * r.NextDouble())) + (55 * (0.8 + (0.4 * r.NextDouble()))));
}
