using System.Diagnostics;
using BatchGen.Fleet.Postgres;

namespace BatchGen.Tests.Fleet;

/// <summary>The shared token bucket: permits from many connections together never pass the rate; 429s halve it for all.</summary>
public sealed class PostgresRateLimitTests(FleetTestDatabase db) : IClassFixture<FleetTestDatabase>
{
    [Fact]
    public async Task AcquireAsync_FourWorkersConcurrently_TogetherStayWithinTheRate()
    {
        const double PerSecond = 20;
        const int PerWorker = 15;
        var key = $"aimlapi:{Guid.NewGuid():N}";
        var rates = new Dictionary<string, ProviderRate>(StringComparer.Ordinal) { ["aimlapi"] = new(key, PerSecond) };
        var fleets = new List<PostgresFleet>();
        for (var i = 0; i < 4; i++)
        {
            fleets.Add(await db.JoinAsync(db.NewBatch(), rates: rates));
        }

        try
        {
            var clock = Stopwatch.StartNew();
            var grants = await Task.WhenAll(fleets.Select(async f =>
            {
                var times = new List<double>();
                for (var i = 0; i < PerWorker; i++)
                {
                    await f.Rate.AcquireAsync("aimlapi", CancellationToken.None);
                    times.Add(clock.Elapsed.TotalSeconds);
                }

                return times;
            }));
            var all = grants.SelectMany(t => t).Order().ToList();
            all.Count.ShouldBe(4 * PerWorker);
            // 60 permits at 20/s: the first is free, the other 59 take at least 59/20 s (slots 50 ms apart in the database).
            all[^1].ShouldBeGreaterThanOrEqualTo((all.Count - 1) / PerSecond * 0.95);
            // Every permit took its own slot in the shared row.
            db.Scalar($"SELECT granted FROM batchgen.fleet_rates WHERE key = '{key}';").ShouldBe("60");
        }
        finally
        {
            foreach (var f in fleets)
            {
                await f.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task OnThrottledAsync_OneWorkerSees429_SharedRateHalvesAndPausesForAll()
    {
        var key = $"segmind:{Guid.NewGuid():N}";
        var rates = new Dictionary<string, ProviderRate>(StringComparer.Ordinal) { ["segmind"] = new(key, 10) };
        await using var a = await db.JoinAsync(db.NewBatch(), rates: rates);
        await using var b = await db.JoinAsync(db.NewBatch(), rates: rates);
        await a.Rate.OnThrottledAsync("segmind", TimeSpan.FromMinutes(10), CancellationToken.None);
        db.Scalar($"SELECT rate, throttled FROM batchgen.fleet_rates WHERE key = '{key}';").ShouldBe("5|1");
        await b.Rate.OnThrottledAsync("segmind", null, CancellationToken.None);
        db.Scalar($"SELECT rate, throttled FROM batchgen.fleet_rates WHERE key = '{key}';").ShouldBe("2.5|2");
        // a's Retry-After holds every worker: the next free slot is minutes away (b's own pause did not shorten it).
        db.Scalar($"SELECT tat > clock_timestamp() + interval '5 minutes' FROM batchgen.fleet_rates WHERE key = '{key}';").ShouldBe("t");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Should.ThrowAsync<OperationCanceledException>(() => b.Rate.AcquireAsync("segmind", cancel.Token));
    }

    [Fact]
    public async Task AcquireAsync_AfterA429_RateCreepsBackByTwoPercentPerPermit()
    {
        var key = $"pixwith:{Guid.NewGuid():N}";
        var rates = new Dictionary<string, ProviderRate>(StringComparer.Ordinal) { ["pixwith"] = new(key, 10) };
        await using var a = await db.JoinAsync(db.NewBatch(), rates: rates);
        await a.Rate.OnThrottledAsync("pixwith", TimeSpan.Zero, CancellationToken.None);
        await a.Rate.AcquireAsync("pixwith", CancellationToken.None);
        await a.Rate.AcquireAsync("pixwith", CancellationToken.None);
        db.Scalar($"SELECT round(rate::numeric, 3), granted FROM batchgen.fleet_rates WHERE key = '{key}';").ShouldBe("5.400|2");
    }

    [Fact]
    public void KeyIdentity_IsAHashNeverTheKey()
    {
        var identity = FleetConstants.KeyIdentity("magnific", "sk-secret-value");
        identity.ShouldStartWith("magnific:");
        identity.ShouldNotContain("secret");
        identity.ShouldBe(FleetConstants.KeyIdentity("magnific", "sk-secret-value"));
        identity.ShouldNotBe(FleetConstants.KeyIdentity("magnific", "sk-other"));
    }
}
